#pragma once
// The registration use cases, free of gRPC: the training catalogue, drafts and their
// participants, validation, 'Bevestigen' (registration version + ontvangstbevestiging + receipt
// mail in one transaction), corrections and withdrawals. The adapter (registration_service.h)
// converts protos and maps statuses; this class decides.
//
// Every call of a person first asks rights-svc live (Permissions::Allowed) for
// vov.registration.read or .write in the organisation of their token; a person in the personal
// context is refused. Drafts and registrations are looked up together with the caller's
// organisation, so another organisation's are NOT_FOUND (existence does not leak).
//
// Split over files by use case: trainings.cc, drafts.cc, participants.cc, confirm.cc,
// registrations.cc.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/group_commit.h"
#include "common/request_context.h"
#include "identity-svc/client/identity_client.h"
#include "registration-svc/domain/deadlines.h"
#include "registration-svc/domain/model.h"
#include "registration-svc/domain/permissions.h"
#include "registration-svc/domain/store.h"
#include "registration-svc/domain/vov_rules.h"

namespace wse::registration {

inline constexpr char kReadPermission[] = "vov.registration.read";
inline constexpr char kWritePermission[] = "vov.registration.write";

// Who calls: a person acting for an organisation (from the access token), or an operator.
struct Actor {
  std::string person_id;
  std::string organization_id;  // Empty in the personal context.
  bool is_operator = false;
};

struct RegistrationConfig {
  absl::Duration draft_ttl =
      absl::Hours(24 * 30);      // An open draft expires this long after its last change.
  int max_participants = 10000;  // Per draft (and per upload stream).
  // How long an expired draft stays (readable as EXPIRED, for a provider who asks what became of
  // it) before it and its participants' INSZ numbers are deleted (docs/vov-rules.md).
  absl::Duration draft_retention = absl::Hours(24 * 7);
  VovRuleConfig rules;
  // How long after the end of a school year (31 August) registrations for it may still be made
  // or confirmed, and corrected or withdrawn. Unset: no limit. DOMAIN.md leaves both open, so
  // they are configuration (--registration_window, --correction_window).
  std::optional<absl::Duration> registration_window;
  std::optional<absl::Duration> correction_window;
};

// A training import item: the record and what converting it from the request found wrong.
struct TrainingImportItem {
  TrainingRecord training;
  std::vector<Violation> problems;  // Paths like "trainings[3].title".
};

enum class ImportOutcome { kCreated = 1, kUpdated = 2, kUnchanged = 3, kFailed = 4 };

struct TrainingImportResult {
  ImportOutcome outcome = ImportOutcome::kFailed;
  std::vector<Violation> violations;
};

// A draft as shown: state with expiry applied, and (when asked) its participants.
struct DraftView {
  DraftRecord draft;
  std::vector<ParticipantRecord> participants;
};

// One participant edit's outcome: the participant and the draft's new version (etag).
struct ParticipantChange {
  ParticipantRecord participant;
  int64_t draft_version = 0;
};

// Which fields UpdateParticipant changes (from the request's FieldMask).
struct ParticipantMask {
  bool display_name = false;
  bool measurement = false;  // Replace attendance/participation as a whole.
  bool hours_present = false, contact_hours_to_follow = false, unjustified_absence_hours = false;
  bool participated = false, completed_module_codes = false;
  bool final_assessment = false, route_completed = false, exam_contract = false,
       actual_end_date = false;
};

enum class UploadMode { kMerge, kReplaceAll };

struct UploadRow {
  int row_number = 0;
  ParticipantRecord participant;
  std::vector<Violation> problems;  // Found while converting from the request (e.g. bad enum).
};

struct RowError {
  int row_number = 0;
  std::vector<Violation> violations;  // Relative to the row's participant.
};

struct UploadResult {
  int accepted = 0;
  std::vector<RowError> rejected;  // In row order.
  int64_t draft_version = 0;
  int participant_count = 0;
};

// ValidateDraft's answer: violations and warnings with `participant_index` into `participants`.
struct DraftValidation {
  ValidationReport report;
  std::vector<ParticipantRecord> participants;
  DraftRecord draft;
};

// A registration version as shown, with the head's facts its state depends on.
struct RegistrationView {
  RegistrationVersionRecord version;
  int latest_version = 0;
  bool withdrawn = false;
};

// One ConfirmDraft as the confirm writer sees it: what was decided before the transaction.
struct ConfirmRequest {
  std::string organization_id;
  std::string draft_id;
  std::string etag;
  std::string request_id;
  std::string fingerprint;
  std::string submitted_by;  // Person id, and the names read from identity-svc.
  std::string submitted_by_name;
  std::string organization_name;
  std::string traceparent;  // The caller's trace, for the receipt mail's outbox row.
};

class RegistrationManager {
 public:
  RegistrationManager(RegistrationStore& store, Permissions& permissions,
                      identity::IdentityClient& directory, RegistrationConfig config,
                      std::function<absl::Time()> clock = absl::Now);

  // --- the catalogue (trainings.cc) ---
  // Operators only. One result per item, same order; validate_only stores nothing.
  absl::StatusOr<std::vector<TrainingImportResult>> ImportTrainings(
      const Actor& actor, std::vector<TrainingImportItem> items, bool validate_only,
      const RequestContext& call);
  // The provider's own trainings (operators: any); others are NOT_FOUND.
  absl::StatusOr<TrainingRecord> GetTraining(const Actor& actor, const std::string& odb_number,
                                             const RequestContext& call);
  absl::StatusOr<std::vector<TrainingRecord>> ListTrainings(const Actor& actor,
                                                            TrainingFilter filter, const Page& page,
                                                            const RequestContext& call);

  // --- drafts (drafts.cc) ---
  absl::StatusOr<DraftView> CreateDraft(const Actor& actor, const std::string& odb_number,
                                        int school_year, const std::string& request_id,
                                        const RequestContext& call);
  absl::StatusOr<DraftView> GetDraft(const Actor& actor, const std::string& draft_id,
                                     const RequestContext& call);
  absl::StatusOr<std::vector<DraftRecord>> ListDrafts(const Actor& actor, DraftFilter filter,
                                                      const Page& page, const RequestContext& call);
  absl::Status DeleteDraft(const Actor& actor, const std::string& draft_id, const std::string& etag,
                           const RequestContext& call);
  // Deletes every draft (and its participants, with their INSZ numbers) that expired more than
  // config.draft_retention ago, in transactions of at most `batch` drafts; returns how many.
  // The background purge (registration-svc's main) runs it every --draft_purge_interval.
  absl::StatusOr<int> PurgeExpiredDrafts(int batch = 1000);
  // Until when this school year's registrations may be made and corrected (unset without a
  // window): shown on the receipt.
  Deadlines DeadlinesOf(int school_year) const;
  absl::StatusOr<DraftValidation> ValidateDraft(const Actor& actor, const std::string& draft_id,
                                                const RequestContext& call);

  // --- participants (participants.cc) ---
  absl::StatusOr<ParticipantChange> AddParticipant(const Actor& actor, const std::string& draft_id,
                                                   const std::string& etag,
                                                   ParticipantRecord participant,
                                                   const RequestContext& call);
  absl::StatusOr<ParticipantChange> UpdateParticipant(
      const Actor& actor, const std::string& draft_id, const std::string& etag,
      const ParticipantRecord& changes, const ParticipantMask& mask, const RequestContext& call);
  absl::StatusOr<int64_t> RemoveParticipant(const Actor& actor, const std::string& draft_id,
                                            const std::string& participant_id,
                                            const std::string& etag, const RequestContext& call);
  // Checks the caller may write and the draft is theirs before the rows are read.
  absl::Status BeginUpload(const Actor& actor, const std::string& draft_id,
                           const RequestContext& call);
  absl::StatusOr<UploadResult> Upload(const Actor& actor, const std::string& draft_id,
                                      const std::string& etag, UploadMode mode,
                                      std::vector<UploadRow> rows, const RequestContext& call);

  // --- confirmation and registrations (confirm.cc, registrations.cc) ---
  absl::StatusOr<RegistrationView> ConfirmDraft(const Actor& actor, const std::string& draft_id,
                                                const std::string& etag,
                                                const std::string& request_id,
                                                const RequestContext& call);
  // version 0: the latest.
  absl::StatusOr<RegistrationView> GetRegistration(const Actor& actor,
                                                   const std::string& registration_id, int version,
                                                   bool with_participants,
                                                   const RequestContext& call);
  absl::StatusOr<std::vector<RegistrationView>> ListRegistrations(const Actor& actor,
                                                                  RegistrationFilter filter,
                                                                  const Page& page,
                                                                  bool with_participants,
                                                                  const RequestContext& call);
  absl::StatusOr<std::vector<RegistrationView>> ListVersions(const Actor& actor,
                                                             const std::string& registration_id,
                                                             const Page& page,
                                                             bool with_participants,
                                                             const RequestContext& call);
  absl::StatusOr<DraftView> CorrectRegistration(const Actor& actor,
                                                const std::string& registration_id,
                                                const std::string& etag,
                                                const std::string& request_id,
                                                const RequestContext& call);
  absl::StatusOr<RegistrationView> WithdrawRegistration(
      const Actor& actor, const std::string& registration_id, const std::string& etag,
      const std::string& reason, const std::string& request_id, const RequestContext& call);

  const RegistrationConfig& config() const { return config_; }

 private:
  // The caller's organisation once rights-svc allows `permission` there (operators: refused,
  // they have no organisation to act in).
  absl::StatusOr<std::string> Authorize(const Actor& actor, const char* permission,
                                        const RequestContext& call);
  // The draft, locked, checked to be OPEN, not expired and at `etag`.
  absl::StatusOr<DraftRecord> EditableDraft(RegistrationTransaction& tx,
                                            const std::string& organization_id,
                                            const std::string& draft_id, const std::string& etag);
  // The same checks on a draft already read (and locked); applies expiry to it.
  absl::Status CheckEditable(DraftRecord& draft, const std::string& etag) const;
  // Stores a changed draft: next version, update/expire times moved.
  absl::Status Touch(RegistrationTransaction& tx, DraftRecord& draft);
  // The state a stored draft shows now.
  void ApplyExpiry(DraftRecord& draft) const;
  // ALREADY_EXISTS CORRECTION_OPEN while another correction of the registration is open; closes
  // the expired ones for good, so only one correction is ever open.
  absl::Status RequireNoOpenCorrection(RegistrationTransaction& tx, const std::string& org,
                                       const std::string& registration_id);
  // RecordRequestId for a call whose resource (draft, registration) the transaction holds
  // locked: a clash can then only be a concurrent call about another resource that committed
  // this request id first, so it is INVALID_ARGUMENT REQUEST_ID_REUSED, as it would have been
  // had that call committed before this one read.
  static absl::Status RecordRequestIdOfLocked(RegistrationTransaction& tx, const std::string& org,
                                              const std::string& kind,
                                              const std::string& request_id,
                                              const std::string& resource_id,
                                              const std::string& fingerprint);
  absl::StatusOr<TrainingRecord> TrainingOf(RegistrationTransaction& tx,
                                            const std::string& odb_number);
  // FAILED_PRECONDITION (REGISTRATION_PERIOD_CLOSED / CORRECTION_PERIOD_CLOSED) once the window
  // after the school year has passed.
  absl::Status CheckRegistrationOpen(int school_year) const;
  absl::Status CheckCorrectionOpen(int school_year) const;
  // The VOV rules plus "already in another active registration".
  absl::StatusOr<ValidationReport> Validate(RegistrationTransaction& tx, const DraftRecord& draft,
                                            const TrainingRecord& training,
                                            const std::vector<ParticipantRecord>& participants);
  // The VOV rules and the registration window only (pure: no store).
  ValidationReport CheckRules(const DraftRecord& draft, const TrainingRecord& training,
                              const std::vector<ParticipantRecord>& participants) const;

  // Confirmation (confirm.cc). A result of nullopt from the writer: not for a batch (see
  // ConfirmBatch), so the caller confirms alone.
  using ConfirmOutcome = std::optional<RegistrationView>;
  // One confirmation in its own transaction: every case (replays, corrections, refusals).
  absl::StatusOr<RegistrationView> ConfirmAlone(const ConfirmRequest& request);
  // The confirm writer's batch: first confirmations of clean drafts in one transaction with one
  // statement per table; every other item (and a batch of one) is answered nullopt.
  absl::StatusOr<std::vector<absl::StatusOr<ConfirmOutcome>>> ConfirmBatch(
      const std::vector<const ConfirmRequest*>& requests);

  RegistrationStore& store_;
  Permissions& permissions_;
  identity::IdentityClient& directory_;
  RegistrationConfig config_;
  std::function<absl::Time()> clock_;
  // Last: stopped (its queue written) before the members it uses go.
  std::unique_ptr<GroupCommitter<ConfirmRequest, ConfirmOutcome>> confirm_writer_;
};

// Etags are the decimal version; anything else never matches.
std::string EtagOf(int64_t version);

}  // namespace wse::registration
