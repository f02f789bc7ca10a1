#pragma once
// Storage of registration-svc. Every change runs in one transaction (RegistrationStore::Transact),
// so a confirmed version, its receipt, the active-participant index and the receipt mail (outbox
// row) are stored together or not at all. MySQL implementation: mysql_store.{h,cc} (the only
// SQL). Fake: tests/support/registration_fakes.h. Contract test (both):
// tests/integration/registration/store_contract_test.cc.
//
// Errors: NOT_FOUND (missing, or in another organisation: drafts and registrations are always
// looked up together with their organisation), ALREADY_EXISTS (unique clash), ABORTED (stale
// version; a deadlock makes Transact retry the whole body), UNAVAILABLE (database down),
// INVALID_ARGUMENT (page size / limit below 1).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/outbox_message.h"
#include "common/request_checks.h"
#include "registration-svc/domain/model.h"

namespace wse::registration {

// Keyset pages over ids in DESCENDING order (newest first) unless said otherwise: `after` is
// the last id of the previous page; the next page holds ids < after.
// A keyset page of a list (common/request_checks.h).
using Page = KeysetPage;

struct TrainingFilter {
  std::string provider_organization_id;  // Empty: any provider (operators).
  int school_year = 0;  // 0: any; else only those SchoolYearFinding accepts for it.
  std::string query;    // Case-insensitive substring of title or ODB number; empty: any.
};

struct DraftFilter {
  std::string organization_id;  // Required.
  std::string odb_number;       // Empty: any.
  int school_year = 0;          // 0: any.
  bool include_closed = false;  // Otherwise only stored state OPEN.
};

struct RegistrationFilter {
  std::string organization_id;  // Required.
  std::string odb_number;       // Empty: any.
  int school_year = 0;          // 0: any.
  std::string insz;  // Normalised; empty: any. Matches the LATEST version's participants.
  bool include_withdrawn = false;
};

// A draft named together with its organisation (GetDrafts).
struct DraftKey {
  std::string organization_id;
  std::string id;
};

// A draft's first confirmation as the confirm writer stores it (InsertConfirmations): the new
// registration, its first version with the participant lines, the request id that asked for it
// and the confirmed draft (its next version).
struct NewConfirmation {
  RegistrationRecord registration;
  RegistrationVersionRecord version;  // receipt_number is assigned by InsertConfirmations.
  DraftRecord draft;
  std::string request_kind;  // RecordRequestId's kind, request id and fingerprint; the resource
  std::string request_id;    // id recorded is "<registration id>@<version>".
  std::string request_fingerprint;
};

// A participant already in an ACTIVE registration of the same training and school year.
struct ActiveConflict {
  std::string insz;
  std::string registration_id;
};

// The operations available inside one transaction. Get* of drafts and registrations lock the
// row (FOR UPDATE) so read-check-write sequences are safe under concurrency.
class RegistrationTransaction {
 public:
  virtual ~RegistrationTransaction() = default;

  // Idempotent calls: the resource id a (organisation, kind, request_id) already produced.
  // INVALID_ARGUMENT REQUEST_ID_REUSED (common/request_fingerprint.h) when the key was recorded
  // for a request with another fingerprint.
  virtual absl::StatusOr<std::optional<std::string>> FindRequestId(
      const std::string& organization_id, const std::string& kind, const std::string& request_id,
      const std::string& fingerprint) = 0;
  // ALREADY_EXISTS when the key was recorded before (by a concurrent call that committed).
  virtual absl::Status RecordRequestId(const std::string& organization_id, const std::string& kind,
                                       const std::string& request_id,
                                       const std::string& resource_id,
                                       const std::string& fingerprint) = 0;

  // --- trainings (key: odb_number) ---
  virtual absl::StatusOr<TrainingRecord> GetTraining(const std::string& odb_number) = 0;
  // Inserts, or replaces everything but create_time of the training with that ODB number.
  virtual absl::Status UpsertTraining(const TrainingRecord& training) = 0;

  // --- drafts ---
  virtual absl::Status InsertDraft(const DraftRecord& draft) = 0;
  // Locked. participant_count filled in.
  virtual absl::StatusOr<DraftRecord> GetDraft(const std::string& organization_id,
                                               const std::string& id) = 0;
  // Writes every field but id, organization_id, create_time and participant_count if the stored
  // version is draft.version - 1; ABORTED otherwise (also when the draft does not exist).
  virtual absl::Status UpdateDraft(const DraftRecord& draft) = 0;
  // Records that ValidateDraft found version `version` of the draft without violations, without
  // changing the version (the etag): sets validated_version = version if the stored version is
  // still `version`; otherwise does nothing (a later change made the result stale).
  virtual absl::Status MarkValidated(const std::string& organization_id, const std::string& id,
                                     int64_t version) = 0;
  // Deletes the draft and its participants. NOT_FOUND when missing.
  virtual absl::Status DeleteDraft(const std::string& organization_id, const std::string& id) = 0;
  // Deletes up to `limit` drafts (of any organisation and state) that expired before
  // `expired_before`, with their participants; returns how many. Rows another transaction holds
  // are left for the next pass.
  virtual absl::StatusOr<int> PurgeDrafts(absl::Time expired_before, int limit) = 0;
  // Newest first (id descending); participant_count filled in.
  virtual absl::StatusOr<std::vector<DraftRecord>> ListDrafts(const DraftFilter& filter,
                                                              const Page& page) = 0;
  // The organisation's drafts with state OPEN correcting `registration_id` (any expire_time).
  virtual absl::StatusOr<std::vector<DraftRecord>> OpenCorrections(
      const std::string& organization_id, const std::string& registration_id) = 0;

  // --- participants of a draft (the caller has the draft locked) ---
  // All rows, ordered by id ASCENDING (the order they were added in).
  virtual absl::StatusOr<std::vector<ParticipantRecord>> ListParticipants(
      const std::string& draft_id) = 0;
  virtual absl::StatusOr<ParticipantRecord> GetParticipant(const std::string& draft_id,
                                                           const std::string& participant_id) = 0;
  // Inserts all rows (multi-row statements, any count): ALREADY_EXISTS, and nothing inserted, when
  // an INSZ is already in the draft or twice in `participants`.
  virtual absl::Status InsertParticipants(const std::string& draft_id,
                                          const std::vector<ParticipantRecord>& participants) = 0;
  // Bulk MERGE: a row whose INSZ is already in the draft replaces that participant's data and
  // keeps the stored id (the given id is ignored); other rows are inserted. INSZs in
  // `participants` are distinct (the caller's job).
  virtual absl::Status MergeParticipants(const std::string& draft_id,
                                         const std::vector<ParticipantRecord>& participants) = 0;
  // Replaces the data of the row with participant.id (the INSZ is never changed). NOT_FOUND.
  virtual absl::Status UpdateParticipant(const std::string& draft_id,
                                         const ParticipantRecord& participant) = 0;
  virtual absl::Status DeleteParticipant(const std::string& draft_id,
                                         const std::string& participant_id) = 0;  // NOT_FOUND.
  virtual absl::Status DeleteAllParticipants(const std::string& draft_id) = 0;

  // --- registrations ---
  virtual absl::Status InsertRegistration(const RegistrationRecord& registration) = 0;
  // Locked.
  virtual absl::StatusOr<RegistrationRecord> GetRegistration(const std::string& organization_id,
                                                             const std::string& id) = 0;
  // Writes latest_version, withdrawn and update_time if the stored latest_version is
  // registration.latest_version - 1; ABORTED otherwise (also when missing).
  virtual absl::Status UpdateRegistration(const RegistrationRecord& registration) = 0;
  // Stores the version with its participants (multi-row) and assigns the receipt number
  // (returned; unique, increasing). ALREADY_EXISTS when (registration_id, version) exists.
  virtual absl::StatusOr<int64_t> InsertVersion(const RegistrationVersionRecord& version) = 0;
  // NOT_FOUND when missing or in another organisation.
  virtual absl::StatusOr<RegistrationVersionRecord> GetVersion(const std::string& organization_id,
                                                               const std::string& registration_id,
                                                               int version,
                                                               bool with_participants) = 0;
  // The LATEST version of each matching registration, newest registration first (keyset on the
  // registration id, descending).
  virtual absl::StatusOr<std::vector<RegistrationVersionRecord>> ListRegistrations(
      const RegistrationFilter& filter, const Page& page, bool with_participants) = 0;
  // All versions of one registration, newest first. Keyset: `page.after` is a version number in
  // decimal ("" = from the latest); the next page holds versions below it. Empty list (not
  // NOT_FOUND) for a registration of another organisation.
  virtual absl::StatusOr<std::vector<RegistrationVersionRecord>> ListVersions(
      const std::string& organization_id, const std::string& registration_id, const Page& page,
      bool with_participants) = 0;

  // --- one ACTIVE registration per participant, training and school year ---
  // Which of `insz` are active in a registration of (odb_number, school_year) other than
  // `except_registration_id` (may be empty). Sorted by INSZ.
  virtual absl::StatusOr<std::vector<ActiveConflict>> FindActiveConflicts(
      const std::string& odb_number, int school_year, const std::vector<std::string>& insz,
      const std::string& except_registration_id) = 0;
  // Makes exactly `insz` the active participants of the registration (removing its previous
  // ones; an empty list for a withdrawal). ALREADY_EXISTS, and nothing changed, when one is active
  // in another registration of the same training and school year.
  virtual absl::Status SetActiveParticipants(const std::string& registration_id,
                                             const std::string& odb_number, int school_year,
                                             const std::vector<std::string>& insz) = 0;
  // The same for a registration that has no active participants yet (its first version), in as
  // few statements as possible: the conflict is found by the uniqueness of the index itself, not
  // by a separate look-up (callers have validated the participants in the same transaction).
  virtual absl::Status AddActiveParticipants(const std::string& registration_id,
                                             const std::string& odb_number, int school_year,
                                             const std::vector<std::string>& insz) = 0;

  virtual absl::StatusOr<uint64_t> AppendOutbox(const OutboxMessage& message) = 0;

  // --- the confirm writer's set-based operations (store.cc: defaults made of the calls above,
  // one per item; the MySQL store overrides them with one statement per table) ---
  // GetDraft of each key, in the same order: nullopt for one that does not exist (or is another
  // organisation's). The found drafts are locked; a store may also answer nullopt for a draft
  // another transaction holds locked rather than wait for it (the writer confirms it alone).
  virtual absl::StatusOr<std::vector<std::optional<DraftRecord>>> GetDrafts(
      const std::vector<DraftKey>& keys);
  // ListParticipants of each draft, in the same order.
  virtual absl::StatusOr<std::vector<std::vector<ParticipantRecord>>> ListParticipantsOf(
      const std::vector<std::string>& draft_ids);
  // Stores each confirmation as InsertRegistration, RecordRequestId, InsertVersion,
  // AddActiveParticipants (the version's lines) and UpdateDraft would, and returns the receipt
  // numbers in the same order (increasing). On an error (ALREADY_EXISTS for any key that clashes,
  // ABORTED for a stale draft) the transaction must be rolled back: part may be written.
  virtual absl::StatusOr<std::vector<int64_t>> InsertConfirmations(
      const std::vector<NewConfirmation>& confirmations);
  virtual absl::Status AppendOutboxAll(const std::vector<OutboxMessage>& messages);
};

class RegistrationStore {
 public:
  virtual ~RegistrationStore() = default;
  // Runs `body` in one transaction; commits when it returns OK, rolls back otherwise. A deadlock
  // reruns the body, so bodies must not have effects outside the transaction.
  virtual absl::Status Transact(
      const std::function<absl::Status(RegistrationTransaction&)>& body) = 0;

  // Reads outside a transaction.
  virtual absl::StatusOr<TrainingRecord> GetTraining(const std::string& odb_number) = 0;
  // Keyset on odb_number ASCENDING: `page.after` is the last ODB number of the previous page.
  virtual absl::StatusOr<std::vector<TrainingRecord>> ListTrainings(const TrainingFilter& filter,
                                                                    const Page& page) = 0;
};

}  // namespace wse::registration
