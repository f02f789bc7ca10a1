#include "tests/support/stack_quiet.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "common/mysql_pool.h"
#include "cppconn/connection.h"
#include "cppconn/resultset.h"
#include "cppconn/statement.h"
#include "tests/support/stack_env.h"

namespace wse::testing {
namespace {

uint64_t Scalar(MysqlPool& pool, const std::string& query) {
  auto lease = pool.Acquire();
  if (!lease.ok()) return 0;
  std::unique_ptr<sql::Statement> stmt((*lease)->createStatement());
  std::unique_ptr<sql::ResultSet> rows(stmt->executeQuery(query));
  return rows->next() ? rows->getUInt64(1) : 0;
}

}  // namespace

MailHighWater CurrentMailHighWater() {
  MysqlPool pool(StackEnv::Get().RootDb());
  MailHighWater mark;
  mark.rights_outbox = Scalar(pool, "SELECT COALESCE(MAX(id), 0) FROM wse_rights.outbox");
  mark.registration_outbox =
      Scalar(pool, "SELECT COALESCE(MAX(id), 0) FROM wse_registration.outbox");
  mark.notify_messages = Scalar(pool, "SELECT COALESCE(MAX(id), 0) FROM wse_notify.messages");
  return mark;
}

bool WaitForMailQuiet(const MailHighWater& since, absl::Duration timeout, std::string* pending) {
  MysqlPool pool(StackEnv::Get().RootDb());
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    const uint64_t rights = Scalar(
        pool, absl::StrCat("SELECT COUNT(*) FROM wse_rights.outbox WHERE delivered_at IS NULL "
                           "AND id > ", since.rights_outbox));
    const uint64_t registration = Scalar(
        pool, absl::StrCat("SELECT COUNT(*) FROM wse_registration.outbox WHERE delivered_at IS "
                           "NULL AND id > ", since.registration_outbox));
    // due_time is NULL exactly for the final states (SENT, FAILED, DEAD).
    const uint64_t messages = Scalar(
        pool, absl::StrCat("SELECT COUNT(*) FROM wse_notify.messages WHERE due_time IS NOT NULL "
                           "AND id > ", since.notify_messages));
    if (rights + registration + messages == 0) return true;
    if (absl::Now() > deadline) {
      if (pending != nullptr) {
        *pending = absl::StrCat(rights, " rights outbox rows, ", registration,
                                " registration outbox rows, ", messages, " notify messages");
      }
      return false;
    }
    absl::SleepFor(absl::Milliseconds(200));
  }
}

}  // namespace wse::testing
