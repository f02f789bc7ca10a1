// RegistrationManager's decisions on the in-memory store, with fake rights and directory: who may
// do what, drafts and etags, the upload, validation, 'Bevestigen' with its receipt and mail,
// idempotency, corrections and withdrawals.
#include "registration-svc/domain/registration_manager.h"

#include <variant>

#include "absl/container/flat_hash_set.h"
#include "common/status.h"
#include "gtest/gtest.h"
#include "identity-svc/client/fake_identity_client.h"
#include "registration-svc/domain/receipt.h"
#include "registration-svc/domain/version_builder.h"
#include "tests/support/registration_fakes.h"
#include "tests/support/registration_records.h"
#include "wse/notify/v1/notify_service.pb.h"

namespace wse::registration {
namespace {

class FakePermissions : public Permissions {
 public:
  absl::StatusOr<PermissionView> Explain(const std::string&, const std::string&, const std::string&,
                                         const RequestContext&) override {
    return PermissionView{};
  }
  absl::StatusOr<bool> Allowed(const std::string& person_id, const std::string& organization_id,
                               const std::string& permission, const RequestContext&) override {
    asked.push_back(permission);
    return allowed.contains(person_id + "@" + organization_id);
  }
  absl::flat_hash_set<std::string> allowed;
  std::vector<std::string> asked;
};

// Every person and organisation is known by a made-up name, except organisation "unknown".
identity::FakeIdentityClient NamingDirectory() {
  identity::FakeIdentityClient directory;
  directory.any_person = [](const std::string& id) {
    return identity::PersonInfo{id, "Naam van " + id, "", "", "nl"};
  };
  directory.any_organization =
      [](const std::string& id) -> std::optional<identity::OrganizationInfo> {
    if (id == "unknown") return std::nullopt;
    return identity::OrganizationInfo{id, "School " + id, {}};
  };
  return directory;
}

// Insz numbers with valid check digits (born 1985 and 1990).
constexpr char kInszA[] = "85073003328";
constexpr char kInszB[] = "90010100123";
constexpr char kInszC[] = "85073003130";

class RegistrationManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    permissions_.allowed = {"jan@school", "eva@other"};
    const TrainingImportItem item =
        testing::ContactHoursTrainingImport("ODB-1", "school", "Boekhouden");
    auto imported = manager_.ImportTrainings(kOperator, {item}, false, call_);
    ASSERT_TRUE(imported.ok()) << imported.status();
    ASSERT_EQ((*imported)[0].outcome, ImportOutcome::kCreated);
  }

  DraftView NewDraft(const std::string& request_id = "r-draft") {
    auto draft = manager_.CreateDraft(jan_, "ODB-1", 2025, request_id, call_);
    EXPECT_TRUE(draft.ok()) << draft.status();
    return *draft;
  }

  // A draft holding `participants`, ready to confirm; returns it with its current etag.
  DraftRecord FilledDraft(const std::vector<ParticipantRecord>& participants,
                          const std::string& request_id) {
    DraftView view = NewDraft(request_id);
    std::string etag = EtagOf(view.draft.version);
    for (const auto& p : participants) {
      auto added = manager_.AddParticipant(jan_, view.draft.id, etag, p, call_);
      EXPECT_TRUE(added.ok()) << added.status();
      etag = EtagOf(added->draft_version);
    }
    auto got = manager_.GetDraft(jan_, view.draft.id, call_);
    EXPECT_TRUE(got.ok());
    return got->draft;
  }

  std::vector<notify::v1::SendMailRequest> Mails() {
    std::vector<notify::v1::SendMailRequest> mails;
    for (const OutboxMessage& message : store_.Outbox()) {
      notify::v1::SendMailRequest mail;
      EXPECT_TRUE(mail.ParseFromString(message.payload));
      mails.push_back(mail);
    }
    return mails;
  }

  const Actor kOperator{"", "", true};
  Actor jan_{"jan", "school", false};
  Actor eva_{"eva", "other", false};
  absl::Time now_ = absl::FromCivil(absl::CivilSecond(2026, 3, 2, 10, 0, 0), absl::UTCTimeZone());
  testing::FakeRegistrationStore store_;
  FakePermissions permissions_;
  identity::FakeIdentityClient directory_ = NamingDirectory();
  RegistrationManager manager_{store_, permissions_, directory_, RegistrationConfig(),
                               [this] { return now_; }};
  RequestContext call_;
};

TEST_F(RegistrationManagerTest, EveryCallAsksRightsLiveAndRefusesThePersonalContext) {
  Actor personal{"jan", "", false};
  auto refused = manager_.CreateDraft(personal, "ODB-1", 2025, "r1", call_);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReasonOf(refused.status()), "ORGANIZATION_REQUIRED");

  permissions_.allowed.clear();
  auto denied = manager_.CreateDraft(jan_, "ODB-1", 2025, "r1", call_);
  EXPECT_EQ(ReasonOf(denied.status()), "PERMISSION_MISSING");
  EXPECT_EQ(permissions_.asked.back(), kWritePermission);
  auto listed = manager_.ListDrafts(jan_, DraftFilter(), Page(), call_);
  EXPECT_EQ(listed.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(permissions_.asked.back(), kReadPermission);
}

TEST_F(RegistrationManagerTest, ImportReportsOutcomesAndProblemsPerItem) {
  TrainingImportItem same;
  auto existing = manager_.GetTraining(kOperator, "ODB-1", call_);
  ASSERT_TRUE(existing.ok());
  same.training = *existing;
  TrainingImportItem changed = same;
  changed.training.title = "Boekhouden 2";
  TrainingImportItem small;
  small.training = *existing;
  small.training.facts.odb_number = "ODB-2";
  small.training.facts.planned_hours = 10;  // Below the 32 h of a recognised training.
  TrainingImportItem stranger = same;
  stranger.training.facts.odb_number = "ODB-3";
  stranger.training.facts.provider_organization_id = "unknown";

  auto dry = manager_.ImportTrainings(kOperator, {changed}, /*validate_only=*/true, call_);
  ASSERT_TRUE(dry.ok());
  EXPECT_EQ((*dry)[0].outcome, ImportOutcome::kUpdated);
  EXPECT_EQ(manager_.GetTraining(kOperator, "ODB-1", call_)->title, "Boekhouden");

  auto results =
      manager_.ImportTrainings(kOperator, {same, changed, small, stranger}, false, call_);
  ASSERT_TRUE(results.ok());
  EXPECT_EQ((*results)[0].outcome, ImportOutcome::kUnchanged);
  EXPECT_EQ((*results)[1].outcome, ImportOutcome::kFailed);  // Same ODB twice in one import.
  EXPECT_EQ((*results)[1].violations[0].reason, "DUPLICATE_ODB_NUMBER");
  EXPECT_EQ((*results)[2].outcome, ImportOutcome::kFailed);
  EXPECT_EQ((*results)[2].violations[0].field, "trainings[2].planned_hours");
  EXPECT_EQ((*results)[3].violations[0].reason, "UNKNOWN_ORGANIZATION");

  auto not_operator = manager_.ImportTrainings(jan_, {same}, false, call_);
  EXPECT_EQ(not_operator.status().code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(RegistrationManagerTest, ProvidersSeeOnlyTheirOwnTrainings) {
  EXPECT_TRUE(manager_.GetTraining(jan_, "ODB-1", call_).ok());
  EXPECT_EQ(manager_.GetTraining(eva_, "ODB-1", call_).status().code(),
            absl::StatusCode::kNotFound);
  TrainingFilter filter;
  filter.provider_organization_id = "school";
  EXPECT_EQ(manager_.ListTrainings(eva_, filter, Page(), call_).status().code(),
            absl::StatusCode::kPermissionDenied);
  auto own = manager_.ListTrainings(jan_, filter, Page(), call_);
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(own->size(), 1u);
  auto foreign = manager_.CreateDraft(eva_, "ODB-1", 2025, "r1", call_);
  EXPECT_EQ(ReasonOf(foreign.status()), "TRAINING_NOT_OF_ORGANIZATION");
  auto too_early = manager_.CreateDraft(jan_, "ODB-1", 2019, "r2", call_);
  EXPECT_EQ(ReasonOf(too_early.status()), "TRAINING_NOT_RECOGNIZED");
  // On 2 March 2026 (school year 2025-2026) the next one can be prepared, not the one after.
  EXPECT_TRUE(manager_.CreateDraft(jan_, "ODB-1", 2026, "r3", call_).ok());
  auto too_far = manager_.CreateDraft(jan_, "ODB-1", 2027, "r4", call_);
  EXPECT_EQ(ReasonOf(too_far.status()), "SCHOOL_YEAR_TOO_FAR_AHEAD");
  EXPECT_EQ(too_far.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(RegistrationManagerTest, DraftsAreIdempotentEtaggedAndInvisibleElsewhere) {
  DraftView first = NewDraft("same-id");
  EXPECT_EQ(NewDraft("same-id").draft.id, first.draft.id);
  EXPECT_EQ(first.draft.expire_time, now_ + absl::Hours(24 * 30));
  EXPECT_EQ(manager_.GetDraft(eva_, first.draft.id, call_).status().code(),
            absl::StatusCode::kNotFound);

  const std::string etag = EtagOf(first.draft.version);
  auto added = manager_.AddParticipant(jan_, first.draft.id, etag,
                                       testing::AttendingParticipantRecord(kInszA, 10, 20), call_);
  ASSERT_TRUE(added.ok()) << added.status();
  EXPECT_EQ(added->participant.input.insz, kInszA);
  auto stale = manager_.AddParticipant(jan_, first.draft.id, etag,
                                       testing::AttendingParticipantRecord(kInszB, 1, 2), call_);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  const std::string now_etag = EtagOf(added->draft_version);
  ParticipantRecord dotted = testing::AttendingParticipantRecord("85.07.30-033.28", 1, 2);
  auto twice = manager_.AddParticipant(jan_, first.draft.id, now_etag, dotted, call_);
  EXPECT_EQ(twice.status().code(), absl::StatusCode::kAlreadyExists);
  auto bad = manager_.AddParticipant(jan_, first.draft.id, now_etag,
                                     testing::AttendingParticipantRecord("1", -1, 2), call_);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_EQ(FieldViolationsOf(bad.status()).size(), 2u);
  EXPECT_EQ(FieldViolationsOf(bad.status())[0].field, "participant.insz");

  // Update through a mask; the INSZ stays.
  ParticipantRecord changes;
  changes.id = added->participant.id;
  AttendanceInput a;
  a.hours_present = 15;
  changes.input.measurement = a;
  ParticipantMask mask;
  mask.hours_present = true;
  auto updated = manager_.UpdateParticipant(jan_, first.draft.id, now_etag, changes, mask, call_);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(std::get<AttendanceInput>(updated->participant.input.measurement).hours_present, 15);
  EXPECT_EQ(
      std::get<AttendanceInput>(updated->participant.input.measurement).contact_hours_to_follow,
      20);
  EXPECT_EQ(updated->participant.input.insz, kInszA);

  auto removed = manager_.RemoveParticipant(jan_, first.draft.id, added->participant.id,
                                            EtagOf(updated->draft_version), call_);
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(manager_.GetDraft(jan_, first.draft.id, call_)->participants.size(), 0u);
}

// Issue 15, point 6: a request_id names one request; a retry gets the first answer, the same id
// with another request is refused (it used to answer with the first request's draft).
TEST_F(RegistrationManagerTest, ARequestIdReusedForAnotherRequestIsRefused) {
  DraftView first = NewDraft("r-same");
  auto retried = manager_.CreateDraft(jan_, "ODB-1", 2025, "r-same", call_);
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(retried->draft.id, first.draft.id);
  auto other = manager_.CreateDraft(jan_, "ODB-1", 2026, "r-same", call_);
  EXPECT_EQ(other.status().code(), absl::StatusCode::kInvalidArgument) << other.status();
  EXPECT_EQ(ReasonOf(other.status()), "REQUEST_ID_REUSED");
}

TEST_F(RegistrationManagerTest, OpenDraftsExpireAfterTheirLastChange) {
  DraftView view = NewDraft();
  now_ += absl::Hours(24 * 30) + absl::Seconds(1);
  auto got = manager_.GetDraft(jan_, view.draft.id, call_);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->draft.state, DraftState::kExpired);
  auto edit = manager_.AddParticipant(jan_, view.draft.id, EtagOf(view.draft.version),
                                      testing::AttendingParticipantRecord(kInszA, 1, 2), call_);
  EXPECT_EQ(ReasonOf(edit.status()), "DRAFT_EXPIRED");
  EXPECT_TRUE(manager_.DeleteDraft(jan_, view.draft.id, EtagOf(view.draft.version), call_).ok());
}

// Issue 19 (privacy): an expired draft stays readable as EXPIRED for the retention (7 days), then
// goes with its participants' INSZ numbers; open drafts are never touched.
TEST_F(RegistrationManagerTest, ExpiredDraftsArePurgedAfterTheirRetention) {
  std::vector<std::string> expiring;
  for (const char* id : {"d1", "d2", "d3"}) {
    DraftView view = NewDraft(id);
    ASSERT_TRUE(manager_
                    .AddParticipant(jan_, view.draft.id, EtagOf(view.draft.version),
                                    testing::AttendingParticipantRecord(kInszA, 10, 20), call_)
                    .ok());
    expiring.push_back(view.draft.id);
  }
  now_ += absl::Hours(24 * 30) + absl::Hours(24 * 7);  // Expired exactly 7 days ago: kept.
  const std::string fresh = NewDraft("fresh").draft.id;
  ASSERT_EQ(manager_.PurgeExpiredDrafts().value_or(-1), 0);
  EXPECT_EQ(manager_.GetDraft(jan_, expiring[0], call_)->draft.state, DraftState::kExpired);
  now_ += absl::Seconds(1);
  // In passes of one draft: every expired one goes, the fresh one stays.
  ASSERT_EQ(manager_.PurgeExpiredDrafts(1).value_or(-1), 3);
  for (const std::string& id : expiring) {
    EXPECT_EQ(manager_.GetDraft(jan_, id, call_).status().code(), absl::StatusCode::kNotFound);
  }
  const auto state = store_.Snapshot();
  EXPECT_EQ(state.drafts.size(), 1u);
  EXPECT_EQ(state.participants.count(expiring[0]), 0u) << "the INSZ numbers stayed";
  EXPECT_TRUE(manager_.GetDraft(jan_, fresh, call_).ok());
}

TEST_F(RegistrationManagerTest, UploadAppliesGoodRowsAndReportsBadOnes) {
  DraftView view = NewDraft();
  std::vector<UploadRow> rows(4);
  rows[0].row_number = 1;
  rows[0].participant = testing::AttendingParticipantRecord(kInszA, 10, 20);
  rows[1].row_number = 2;
  rows[1].participant =
      testing::AttendingParticipantRecord("85073003329", 10, 20);  // Bad check digits.
  rows[2].row_number = 3;
  rows[2].participant = testing::AttendingParticipantRecord(kInszA, 5, 20);  // Twice in the file.
  rows[3].row_number = 4;
  rows[3].participant = testing::AttendingParticipantRecord(kInszB, 12.5, 20);
  auto result = manager_.Upload(jan_, view.draft.id, EtagOf(view.draft.version), UploadMode::kMerge,
                                rows, call_);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->accepted, 2);
  ASSERT_EQ(result->rejected.size(), 2u);
  EXPECT_EQ(result->rejected[0].row_number, 2);
  EXPECT_EQ(result->rejected[0].violations[0].field, "insz");
  EXPECT_EQ(result->rejected[1].violations[0].reason, "DUPLICATE_PARTICIPANT");
  EXPECT_EQ(result->participant_count, 2);

  // MERGE replaces a known INSZ, keeps the others; REPLACE_ALL keeps only the new rows.
  std::vector<UploadRow> merge(1);
  merge[0].row_number = 1;
  merge[0].participant = testing::AttendingParticipantRecord(kInszA, 19, 20);
  auto merged = manager_.Upload(jan_, view.draft.id, EtagOf(result->draft_version),
                                UploadMode::kMerge, merge, call_);
  ASSERT_TRUE(merged.ok());
  EXPECT_EQ(merged->participant_count, 2);
  std::vector<UploadRow> replace(1);
  replace[0].row_number = 1;
  replace[0].participant = testing::AttendingParticipantRecord(kInszC, 1, 20);
  auto replaced = manager_.Upload(jan_, view.draft.id, EtagOf(merged->draft_version),
                                  UploadMode::kReplaceAll, replace, call_);
  ASSERT_TRUE(replaced.ok());
  EXPECT_EQ(replaced->participant_count, 1);
  auto stale = manager_.Upload(jan_, view.draft.id, EtagOf(merged->draft_version),
                               UploadMode::kMerge, merge, call_);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
}

TEST_F(RegistrationManagerTest, ValidationReportsViolationsAndWarnings) {
  ParticipantRecord over =
      testing::AttendingParticipantRecord(kInszA, 30, 20);  // More hours present than to follow.
  ParticipantRecord contract = testing::AttendingParticipantRecord(kInszB, 20, 20);
  contract.input.exam_contract = true;  // Refused for payment: a warning.
  DraftRecord draft = FilledDraft({over, contract}, "r-v");
  auto validation = manager_.ValidateDraft(jan_, draft.id, call_);
  ASSERT_TRUE(validation.ok());
  ASSERT_EQ(validation->report.violations.size(), 1u);
  EXPECT_EQ(validation->report.violations[0].reason, "HOURS_PRESENT_EXCEED_CONTACT_HOURS");
  EXPECT_EQ(validation->report.violations[0].participant_index, 0);
  ASSERT_EQ(validation->report.warnings.size(), 1u);
  EXPECT_EQ(validation->report.warnings[0].reason, "EXAM_CONTRACT");
  auto refused = manager_.ConfirmDraft(jan_, draft.id, EtagOf(draft.version), "c1", call_);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(refused.status()), "VALIDATION_FAILED");
  EXPECT_TRUE(store_.Outbox().empty());

  auto empty = manager_.ValidateDraft(jan_, NewDraft("r-empty").draft.id, call_);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->report.violations[0].reason, "NO_PARTICIPANTS");
}

TEST_F(RegistrationManagerTest, ConfirmIssuesOneReceiptPerRequestIdAndQueuesTheMail) {
  DraftRecord draft = FilledDraft({testing::AttendingParticipantRecord(kInszA, 10, 20),
                                   testing::AttendingParticipantRecord(kInszB, 0, 20)},
                                  "r-c");
  // A clean validation lets the wizard move on, without changing the etag.
  ASSERT_TRUE(manager_.ValidateDraft(jan_, draft.id, call_)->report.ok());
  auto validated = manager_.GetDraft(jan_, draft.id, call_);
  EXPECT_EQ(validated->draft.validated_version, draft.version);
  EXPECT_EQ(validated->draft.version, draft.version);
  auto confirmed = manager_.ConfirmDraft(jan_, draft.id, EtagOf(draft.version), "c1", call_);
  ASSERT_TRUE(confirmed.ok()) << confirmed.status();
  const RegistrationVersionRecord& v = confirmed->version;
  EXPECT_EQ(v.version, 1);
  EXPECT_EQ(v.kind, ReceiptKind::kSubmission);
  EXPECT_EQ(v.submitted_by_name, "Naam van jan");
  EXPECT_EQ(v.organization_name, "School school");
  EXPECT_EQ(v.training_title, "Boekhouden");
  EXPECT_EQ(v.summary.participant_count, 2);
  EXPECT_EQ(v.summary.total_hours_present, 10);
  EXPECT_EQ(v.summary.warning_count, 1);  // 0 hours present.
  EXPECT_EQ(v.content_sha256, ReceiptContentSha256(v));
  EXPECT_TRUE(ValidReceiptReference(ReferenceOf(v)));

  // The retry (etag now stale) answers the same version; nothing is stored twice.
  auto retried = manager_.ConfirmDraft(jan_, draft.id, EtagOf(draft.version), "c1", call_);
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(retried->version.registration_id, v.registration_id);
  EXPECT_EQ(retried->version.receipt_number, v.receipt_number);
  EXPECT_EQ(retried->version.content_sha256, v.content_sha256);
  ASSERT_EQ(Mails().size(), 1u);
  const auto mail = Mails()[0];
  EXPECT_EQ(mail.template_id(), "registration-receipt");
  EXPECT_EQ(mail.recipients(0).person(), "persons/jan");
  EXPECT_EQ(mail.parameters().at("reference"), ReferenceOf(v));
  EXPECT_EQ(mail.parameters().at("participant_count"), "2");
  // The hours each certificate counts for, fixed in the version and listed in the mail.
  EXPECT_EQ(v.content_format, "wse.vov.receipt.v2");
  double counted = 0;
  for (const RegisteredParticipant& p : v.participants) counted += p.counted_hours;
  EXPECT_EQ(counted, 10);
  const std::string hours = mail.parameters().at("participant_hours");
  EXPECT_EQ(std::count(hours.begin(), hours.end(), '\n'), 1) << hours;
  EXPECT_NE(hours.find(": 10"), std::string::npos) << hours;
  EXPECT_NE(hours.find(": 0"), std::string::npos) << hours;

  // Another confirmation with a fresh request id finds the draft done.
  auto again = manager_.ConfirmDraft(jan_, draft.id, EtagOf(draft.version + 1), "c2", call_);
  EXPECT_EQ(ReasonOf(again.status()), "DRAFT_CONFIRMED");
  // The same request id for another draft is a client error, not a second receipt.
  DraftRecord other = FilledDraft({testing::AttendingParticipantRecord(kInszC, 1, 2)}, "r-c2");
  auto reused = manager_.ConfirmDraft(jan_, other.id, EtagOf(other.version), "c1", call_);
  EXPECT_EQ(reused.status().code(), absl::StatusCode::kInvalidArgument);
  // Without names the receipt cannot be written: retryable, nothing stored.
  directory_.failure = absl::UnavailableError("directory down");
  auto down = manager_.ConfirmDraft(jan_, other.id, EtagOf(other.version), "c3", call_);
  EXPECT_EQ(down.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(Mails().size(), 1u);
  // Nobody else reads it.
  EXPECT_EQ(manager_.GetRegistration(eva_, v.registration_id, 0, false, call_).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(RegistrationManagerTest, AParticipantIsActiveInOneRegistrationPerTrainingAndYear) {
  DraftRecord first = FilledDraft({testing::AttendingParticipantRecord(kInszA, 10, 20)}, "r-1");
  ASSERT_TRUE(manager_.ConfirmDraft(jan_, first.id, EtagOf(first.version), "c1", call_).ok());
  DraftRecord second = FilledDraft({testing::AttendingParticipantRecord(kInszA, 5, 20)}, "r-2");
  auto validation = manager_.ValidateDraft(jan_, second.id, call_);
  ASSERT_TRUE(validation.ok());
  ASSERT_EQ(validation->report.violations.size(), 1u);
  EXPECT_EQ(validation->report.violations[0].reason, "PARTICIPANT_ALREADY_REGISTERED");
  EXPECT_EQ(validation->report.violations[0].field, "participants[0].insz");
}

TEST_F(RegistrationManagerTest, CorrectionsAndWithdrawalsAreVersionsWithHistory) {
  DraftRecord draft = FilledDraft({testing::AttendingParticipantRecord(kInszA, 10, 20),
                                   testing::AttendingParticipantRecord(kInszB, 12, 20)},
                                  "r-h");
  auto v1 = manager_.ConfirmDraft(jan_, draft.id, EtagOf(draft.version), "c1", call_);
  ASSERT_TRUE(v1.ok());
  const std::string id = v1->version.registration_id;

  auto correction = manager_.CorrectRegistration(jan_, id, "1", "k1", call_);
  ASSERT_TRUE(correction.ok()) << correction.status();
  EXPECT_EQ(correction->draft.corrects_registration_id, id);
  EXPECT_EQ(correction->participants.size(), 2u);
  EXPECT_EQ(manager_.CorrectRegistration(jan_, id, "1", "k1", call_)->draft.id,
            correction->draft.id);  // Same request id, same draft.
  auto second_open = manager_.CorrectRegistration(jan_, id, "1", "k2", call_);
  EXPECT_EQ(second_open.status().code(), absl::StatusCode::kAlreadyExists);

  // The corrected registration keeps its participants (no conflict with itself).
  const std::string etag = EtagOf(correction->draft.version);
  auto removed = manager_.RemoveParticipant(jan_, correction->draft.id,
                                            correction->participants[1].id, etag, call_);
  ASSERT_TRUE(removed.ok());
  auto v2 = manager_.ConfirmDraft(jan_, correction->draft.id, EtagOf(*removed), "c2", call_);
  ASSERT_TRUE(v2.ok()) << v2.status();
  EXPECT_EQ(v2->version.version, 2);
  EXPECT_EQ(v2->version.kind, ReceiptKind::kCorrection);
  EXPECT_EQ(v2->version.summary.participant_count, 1);

  auto old = manager_.GetRegistration(jan_, id, 1, true, call_);
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->version.participants.size(), 2u);
  EXPECT_EQ(old->latest_version, 2);
  // kInszB left the registration, so it may be registered again elsewhere.
  DraftRecord elsewhere = FilledDraft({testing::AttendingParticipantRecord(kInszB, 3, 20)}, "r-e");
  EXPECT_TRUE(manager_.ValidateDraft(jan_, elsewhere.id, call_)->report.ok());

  auto stale = manager_.WithdrawRegistration(jan_, id, "1", "weg", "w1", call_);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  auto v3 = manager_.WithdrawRegistration(jan_, id, "2", "Geannuleerd", "w1", call_);
  ASSERT_TRUE(v3.ok()) << v3.status();
  EXPECT_EQ(v3->version.version, 3);
  EXPECT_TRUE(v3->withdrawn);
  EXPECT_EQ(v3->version.kind, ReceiptKind::kWithdrawal);
  EXPECT_EQ(manager_.WithdrawRegistration(jan_, id, "2", "Geannuleerd", "w1", call_)
                ->version.receipt_number,
            v3->version.receipt_number);
  EXPECT_EQ(ReasonOf(manager_.WithdrawRegistration(jan_, id, "3", "x", "w2", call_).status()),
            "REGISTRATION_WITHDRAWN");
  auto history = manager_.ListVersions(jan_, id, Page(), false, call_);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ((*history)[0].version.version, 3);
  // Three receipts, three mails.
  EXPECT_EQ(Mails().size(), 3u);
  // After the withdrawal its participants are free again.
  DraftRecord again = FilledDraft({testing::AttendingParticipantRecord(kInszA, 3, 20)}, "r-a");
  EXPECT_TRUE(manager_.ValidateDraft(jan_, again.id, call_)->report.ok());
}

}  // namespace
}  // namespace wse::registration

namespace wse::registration {
namespace {

TEST_F(RegistrationManagerTest, ConfiguredWindowsCloseRegistrationAndCorrection) {
  RegistrationConfig config;
  config.registration_window = absl::Hours(24 * 60);  // Until 31 October after the school year.
  config.correction_window = absl::Hours(24 * 120);   // Until 29 December after it.
  RegistrationManager limited(store_, permissions_, directory_, config, [this] { return now_; });

  // 2 March 2026: school year 2024-2025 closed on 31 October 2025; 2025-2026 is still open.
  auto closed = limited.CreateDraft(jan_, "ODB-1", 2024, "r-old", call_);
  EXPECT_EQ(ReasonOf(closed.status()), "REGISTRATION_PERIOD_CLOSED");
  EXPECT_TRUE(limited.CreateDraft(jan_, "ODB-1", 2025, "r-new", call_).ok());

  // A registration confirmed in time can be corrected until its own window ends.
  DraftRecord draft = FilledDraft({testing::AttendingParticipantRecord(kInszA, 10, 20)}, "r-w");
  auto v1 = limited.ConfirmDraft(jan_, draft.id, EtagOf(draft.version), "c-w", call_);
  ASSERT_TRUE(v1.ok()) << v1.status();
  now_ = absl::FromCivil(absl::CivilSecond(2026, 12, 30, 0, 0, 0), absl::UTCTimeZone());
  auto late = limited.CorrectRegistration(jan_, v1->version.registration_id, "1", "k-w", call_);
  EXPECT_EQ(ReasonOf(late.status()), "CORRECTION_PERIOD_CLOSED");
  auto withdraw =
      limited.WithdrawRegistration(jan_, v1->version.registration_id, "1", "x", "w-w", call_);
  EXPECT_EQ(ReasonOf(withdraw.status()), "CORRECTION_PERIOD_CLOSED");
  // The default configuration has no windows.
  EXPECT_TRUE(
      manager_.CorrectRegistration(jan_, v1->version.registration_id, "1", "k-d", call_).ok());
}

}  // namespace
}  // namespace wse::registration
