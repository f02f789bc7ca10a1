#pragma once
// In-memory MessageRepository for unit tests, keeping the contract of MysqlMessageRepository
// (notify-svc/repositories.h) as far as a caller can observe it; the shared contract test
// (tests/integration/notify/repository_contract_test.cc) runs against both. Its clock is
// absl::Now() (the MySQL one uses the database's), and times are kept to the microsecond.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "notify-svc/domain/store.h"

namespace wse::notify::testing {

class FakeMessageRepository : public MessageRepository {
 public:
  absl::StatusOr<MessageRecord> Create(const MessageRecord& message) override;
  absl::StatusOr<std::vector<absl::StatusOr<MessageRecord>>> CreateAll(
      const std::vector<MessageRecord>& messages) override;
  // Set: CreateAll answers with it instead (a whole batch failing, as a database fault would).
  std::function<absl::StatusOr<std::vector<absl::StatusOr<MessageRecord>>>(
      const std::vector<MessageRecord>&)>
      fail_create_all;
  absl::StatusOr<MessageRecord> FindById(uint64_t id) override;
  absl::StatusOr<MessageRecord> FindByIdempotencyKey(const std::string& key) override;
  absl::StatusOr<std::vector<MessageRecord>> List(const MessageFilter& filter, uint64_t before_id,
                                                  int limit) override;
  absl::StatusOr<std::vector<MessageRecord>> ClaimDue(int limit, absl::Duration lease) override;
  absl::StatusOr<bool> RenewClaim(uint64_t id, int claimed_attempt, absl::Duration lease) override;
  // How often RenewClaim was called.
  int RenewCalls() {
    absl::MutexLock lock(&mu_);
    return renew_calls_;
  }
  absl::Status Finish(uint64_t id, int claimed_attempt, const AttemptResult& result) override;
  absl::StatusOr<std::vector<uint64_t>> RequeueDead(const std::vector<uint64_t>& ids,
                                                    int limit) override;

 private:
  absl::Mutex mu_;
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  int renew_calls_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<uint64_t, MessageRecord> messages_ ABSL_GUARDED_BY(mu_);  // With history.
};

}  // namespace wse::notify::testing
