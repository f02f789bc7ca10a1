#pragma once
// MessageRepository on MariaDB/MySQL (schema: migrations/0001_messages.sql), the only SQL of
// notify-svc. Each call is one short transaction (wse::InTransaction), so SQL errors become
// statuses and nothing throws. Lease and retry times use the database clock (NOW(6)), so
// several notify-svc processes agree on what is due whatever their own clocks say.

#include <cstdint>
#include <string>
#include <vector>

#include "common/mysql_pool.h"
#include "notify-svc/domain/store.h"

namespace wse::notify {

class MysqlMessageRepository : public MessageRepository {
 public:
  explicit MysqlMessageRepository(wse::MysqlPool& pool) : pool_(pool) {}

  absl::StatusOr<MessageRecord> Create(const MessageRecord& message) override;
  // A locking read of the keys, multi-row inserts with RETURNING, one read back, one COMMIT.
  absl::StatusOr<std::vector<absl::StatusOr<MessageRecord>>> CreateAll(
      const std::vector<MessageRecord>& messages) override;
  absl::StatusOr<MessageRecord> FindById(uint64_t id) override;
  absl::StatusOr<MessageRecord> FindByIdempotencyKey(const std::string& key) override;
  absl::StatusOr<std::vector<MessageRecord>> List(const MessageFilter& filter, uint64_t before_id,
                                                  int limit) override;
  absl::StatusOr<std::vector<MessageRecord>> ClaimDue(int limit, absl::Duration lease) override;
  absl::Status Finish(uint64_t id, int claimed_attempt, const AttemptResult& result) override;
  absl::StatusOr<bool> RenewClaim(uint64_t id, int claimed_attempt, absl::Duration lease) override;
  absl::StatusOr<std::vector<uint64_t>> RequeueDead(const std::vector<uint64_t>& ids,
                                                    int limit) override;

 private:
  wse::MysqlPool& pool_;
};

}  // namespace wse::notify
