#pragma once
// An in-memory registration-svc store for unit tests, with the observable behaviour of
// MysqlRegistrationStore (registration-svc/mysql_store.h): NOT_FOUND across organisations,
// ABORTED for a stale (or missing) version, ALREADY_EXISTS for duplicate keys with bulk writes
// all-or-nothing, request ids per (organisation, kind), MERGE keeping stored ids, keyset pages,
// the filters, increasing receipt numbers, the active-participant rule, times kept to the
// microsecond, training module codes read back from the modules, INVALID_ARGUMENT for page sizes
// below 1, and all-or-nothing transactions. The shared contract test
// (tests/integration/registration/store_contract_test.cc) runs against both.
//
// Transact holds the store's lock for the whole body and runs it on a copy of the state, which
// replaces the state only when the body returns OK. So: transactions are serialised (no
// deadlocks), and a body must not call the store's own methods (GetTraining, ListTrainings,
// Transact) - that would self-deadlock. Receipt numbers, like AUTO_INCREMENT values, are not
// handed out again after a rollback.
//
// Differences a test must not rely on: strings compare byte-wise (MySQL: ODB numbers and request
// ids too, other ids by a case-insensitive collation, the same for lowercase hex), the training
// query folds ASCII case only (MySQL also ignores accents in titles), and column lengths are not
// enforced.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/outbox.h"
#include "registration-svc/domain/model.h"
#include "registration-svc/domain/store.h"

namespace wse::registration::testing {

class FakeRegistrationStore : public RegistrationStore {
 public:
  // Everything a transaction can change.
  struct State {
    // (organisation, kind, request id) -> resource id.
    // (organisation, kind, request id) -> (resource id, fingerprint).
    std::map<std::tuple<std::string, std::string, std::string>, std::pair<std::string, std::string>>
        request_ids;
    std::map<std::string, TrainingRecord> trainings;  // By ODB number.
    std::map<std::string, DraftRecord> drafts;        // By id; participant_count not kept.
    // Draft id -> (participant id -> row): ids ascending is the order they were added in.
    std::map<std::string, std::map<std::string, ParticipantRecord>> participants;
    std::map<std::string, RegistrationRecord> registrations;  // By id.
    // (registration id, version) -> the version with its participant lines.
    std::map<std::pair<std::string, int>, RegistrationVersionRecord> versions;
    // (odb_number, school_year, insz) -> registration id.
    std::map<std::tuple<std::string, int, std::string>, std::string> active;
    std::vector<std::pair<uint64_t, OutboxMessage>> outbox;  // (row id, message), in order.
    uint64_t last_outbox_id = 0;
  };

  absl::Status Transact(const std::function<absl::Status(RegistrationTransaction&)>& body) override;
  absl::StatusOr<TrainingRecord> GetTraining(const std::string& odb_number) override;
  absl::StatusOr<std::vector<TrainingRecord>> ListTrainings(const TrainingFilter& filter,
                                                            const Page& page) override;

  // Committed outbox messages, oldest first (what the relay would deliver).
  std::vector<OutboxMessage> Outbox();
  // A copy of the committed state, for assertions.
  State Snapshot();
  // Makes the next Transact fail with `status` before running its body (UNAVAILABLE, say).
  void FailNextTransact(absl::Status status);

 private:
  absl::Mutex mu_;
  State state_ ABSL_GUARDED_BY(mu_);
  int64_t last_receipt_number_ ABSL_GUARDED_BY(mu_) = 0;  // Outside State: never rolled back.
  absl::Status next_failure_ ABSL_GUARDED_BY(mu_);
};

}  // namespace wse::registration::testing
