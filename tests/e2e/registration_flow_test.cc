// Step 4 of the portal flow through the running services (real gRPC channels, MariaDB, the
// outbox relay, notify-svc and the SMTP sink): the 'Aanvraag' screen before and after the right
// is granted; a training imported by an operator; draft -> participants (one by one and as a
// client stream) -> validate -> 'Bevestigen' -> ontvangstbevestiging -> receipt mail; the same
// request_id gives the same receipt; another organisation sees nothing; a correction keeps the
// history; a withdrawal is a version too.
#include <chrono>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/grpc_status.h"
#include "common/status.h"
#include "gtest/gtest.h"
#include "tests/flow/flow.h"
#include "tests/flow/flow_gtest.h"
#include "tests/flow/identifiers.h"
#include "tests/support/grpc_helpers.h"
#include "tests/support/identity_test_data.h"
#include "tests/support/mail_sink.h"
#include "tests/support/notify_sink.h"
#include "tests/support/stack_env.h"
#include "tests/support/vov_fixtures.h"
#include "wse/registration/v1/registration_service.grpc.pb.h"
#include "wse/rights/v1/rights_service.grpc.pb.h"

namespace wse::testing {
namespace {

namespace rv1 = wse::rights::v1;
namespace reg = wse::registration::v1;

reg::Participant Attending(const std::string& insz, double present, double to_follow) {
  return flow::Attending("Deelnemer " + insz.substr(0, 6), present, to_follow, insz);
}

// The flow library's steps, failing the test on an error; drafts for school year 2025-2026.
class RegistrationFlowTest : public ::testing::Test {
 protected:
  // An organisation with its legal representative (local administrator) and a member Jan, who
  // holds the registration right when `grant` is set.
  struct School {
    std::string org;
    flow::Person admin, user;
    std::string admin_token, user_token;
  };

  School NewSchool(const std::string& label, bool grant) {
    School s;
    auto school = flow_.NewSchool(label, 0, false);
    EXPECT_OK(school);
    if (!school.ok()) return s;
    auto jan = flow_.AddMember(*school, "Jan", grant);
    EXPECT_OK(jan);
    if (!jan.ok()) return s;
    s.org = school->org;
    s.admin = school->admin;
    s.admin_token = school->admin_token;
    s.user = school->users[*jan];
    s.user_token = school->tokens[*jan];
    return s;
  }

  void Grant(const School& s) { ASSERT_OK(flow_.Grant(s.admin_token, s.org, s.user)); }

  reg::ApplicationScreen Screen(const std::string& token) {
    auto screen = flow_.Screen(token);
    EXPECT_OK(screen);
    return screen.value_or(reg::ApplicationScreen());
  }

  // Imports a contact-hours classroom training of `org`, recognised since 2020.
  reg::ImportOutcome Import(const std::string& odb, const std::string& org,
                            const std::string& title) {
    auto outcome = flow_.ImportTraining(odb, org, title);
    EXPECT_OK(outcome);
    return outcome.value_or(reg::IMPORT_OUTCOME_UNSPECIFIED);
  }

  reg::Draft CreateDraft(const std::string& token, const std::string& org, const std::string& odb,
                         const std::string& request_id = flow::NewRequestId()) {
    auto draft = flow_.CreateDraft(token, org, odb, "2025-2026", request_id);
    EXPECT_OK(draft);
    return draft.value_or(reg::Draft());
  }

  absl::StatusOr<reg::AddParticipantResponse> Add(const std::string& token,
                                                  const std::string& draft, const std::string& etag,
                                                  const reg::Participant& p) {
    return flow_.AddParticipant(token, draft, etag, p);
  }

  absl::StatusOr<reg::ConfirmDraftResponse> Confirm(const std::string& token,
                                                    const std::string& draft,
                                                    const std::string& etag,
                                                    const std::string& request_id) {
    return flow_.Confirm(token, {draft, etag, request_id});
  }

  flow::Flow flow_{StackEnv::Get()};
  reg::RegistrationService::Stub* registration_ = &flow_.registration();
  std::string maildir_ = StackEnv::Get().mail_dir;
};

TEST_F(RegistrationFlowTest, ScreenFollowsTheRightLive) {
  School school = NewSchool("Atheneum Scherm", /*grant=*/false);
  EXPECT_EQ(Screen(school.user_token).action(), reg::SCREEN_ACTION_REQUEST_RIGHT);
  // Without the right, registering is refused with a reason the front end can act on.
  const std::string odb = flow::NewOdbNumber();
  Import(odb, school.org, "Boekhouden");
  grpc::ClientContext context;
  Bearer(&context, school.user_token);
  reg::CreateDraftRequest request;
  request.set_parent(school.org);
  request.set_request_id(flow::NewRequestId());
  request.mutable_draft()->set_training("trainings/" + odb);
  request.mutable_draft()->set_school_year("2025-2026");
  reg::CreateDraftResponse response;
  absl::Status refused = FromGrpcStatus(registration_->CreateDraft(&context, request, &response));
  EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReasonOf(refused), "PERMISSION_MISSING");

  Grant(school);
  EXPECT_EQ(Screen(school.user_token).action(), reg::SCREEN_ACTION_REGISTER);
  EXPECT_FALSE(CreateDraft(school.user_token, school.org, odb).name().empty());
}

TEST_F(RegistrationFlowTest, DraftToReceiptCorrectionAndWithdrawal) {
  School school = NewSchool("Atheneum Registratie", /*grant=*/true);
  School other = NewSchool("Andere School", /*grant=*/true);
  const std::string odb = flow::NewOdbNumber();

  // The operator imports the training; importing it again changes nothing.
  EXPECT_EQ(Import(odb, school.org, "Boekhouden voor beginners"), reg::IMPORT_OUTCOME_CREATED);
  EXPECT_EQ(Import(odb, school.org, "Boekhouden voor beginners"), reg::IMPORT_OUTCOME_UNCHANGED);

  // Draft; the same request_id does not make a second one.
  const std::string create_id = flow::NewRequestId();
  reg::Draft draft = CreateDraft(school.user_token, school.org, odb, create_id);
  ASSERT_FALSE(draft.name().empty());
  EXPECT_EQ(CreateDraft(school.user_token, school.org, odb, create_id).name(), draft.name());
  EXPECT_EQ(draft.step(), reg::DRAFT_STEP_PARTICIPANTS);

  // One participant by hand; a stale etag is ABORTED.
  const std::string first_insz = flow::NewInsz();
  auto added = Add(school.user_token, draft.name(), draft.etag(), Attending(first_insz, 40, 40));
  ASSERT_TRUE(added.ok()) << added.status();
  EXPECT_EQ(added->participant().masked_insz().substr(0, 2), first_insz.substr(0, 2));
  EXPECT_TRUE(added->participant().insz().empty());  // Input only.
  auto stale = Add(school.user_token, draft.name(), draft.etag(), Attending(flow::NewInsz(), 1, 2));
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);

  // The rest as a file upload: good rows go in, bad rows are reported per row.
  std::vector<reg::ParticipantRow> rows(3);
  const std::string second_insz = flow::NewInsz();
  rows[0].set_row_number(2);
  *rows[0].mutable_participant() = Attending(second_insz, 30, 40);
  rows[1].set_row_number(3);
  *rows[1].mutable_participant() = Attending("12345678901", 30, 40);
  rows[2].set_row_number(4);
  *rows[2].mutable_participant() = Attending(flow::NewInsz(), -3, 40);
  auto uploaded = flow_.Upload(school.user_token, draft.name(), added->etag(), rows);
  ASSERT_TRUE(uploaded.ok()) << uploaded.status();
  EXPECT_EQ(uploaded->accepted_count(), 1);
  EXPECT_EQ(uploaded->rejected_count(), 2);
  ASSERT_EQ(uploaded->row_errors_size(), 2);
  EXPECT_EQ(uploaded->row_errors(0).row_number(), 3);
  EXPECT_EQ(uploaded->row_errors(0).violations(0).field(), "insz");
  EXPECT_EQ(uploaded->row_errors(0).violations(0).reason(), "INVALID_INSZ");
  EXPECT_EQ(uploaded->row_errors(1).row_number(), 4);
  EXPECT_EQ(uploaded->row_errors(1).violations(0).field(), "attendance.hours_present");
  EXPECT_EQ(uploaded->participant_count(), 2);

  // Validate: no violations; 30 of 40 hours is fine, nothing refused for payment.
  auto validated = flow_.Validate(school.user_token, draft.name());
  ASSERT_TRUE(validated.ok()) << validated.status();
  EXPECT_EQ(validated->violations_size(), 0);
  EXPECT_EQ(validated->etag(), uploaded->etag());

  // Another organisation sees none of it: NOT_FOUND, not PERMISSION_DENIED.
  {
    grpc::ClientContext context;
    Bearer(&context, other.user_token);
    reg::GetDraftRequest get;
    get.set_name(draft.name());
    reg::GetDraftResponse got;
    EXPECT_EQ(registration_->GetDraft(&context, get, &got).error_code(),
              grpc::StatusCode::NOT_FOUND);
    auto foreign = Confirm(other.user_token, draft.name(), uploaded->etag(), flow::NewRequestId());
    EXPECT_EQ(foreign.status().code(), absl::StatusCode::kNotFound);
  }

  // 'Bevestigen'; the retry with the same request_id gets the same receipt.
  const std::string confirm_id = flow::NewRequestId();
  auto confirmed = Confirm(school.user_token, draft.name(), uploaded->etag(), confirm_id);
  ASSERT_TRUE(confirmed.ok()) << confirmed.status();
  const reg::Registration& registration = confirmed->registration();
  const reg::Receipt& receipt = confirmed->receipt();
  EXPECT_EQ(registration.version(), 1);
  EXPECT_EQ(registration.state(), reg::REGISTRATION_STATE_ACTIVE);
  EXPECT_EQ(registration.participants_summary().participant_count(), 2);
  EXPECT_DOUBLE_EQ(registration.participants_summary().total_hours_present(), 70);
  EXPECT_TRUE(absl::StartsWith(receipt.reference(), "VOV-")) << receipt.reference();
  EXPECT_EQ(receipt.kind(), reg::RECEIPT_KIND_SUBMISSION);
  EXPECT_EQ(receipt.content_sha256().size(), 64u);
  EXPECT_EQ(receipt.content_format(), "wse.vov.receipt.v2");
  EXPECT_EQ(receipt.organization(), school.org);
  EXPECT_EQ(receipt.organization_display_name(), "Atheneum Registratie");
  EXPECT_EQ(receipt.submitted_by(), school.user.name);
  EXPECT_EQ(receipt.training_title(), "Boekhouden voor beginners");
  ASSERT_EQ(receipt.lines_size(), 2);
  // Each line says the hours it counts for (a contact-hours training: the hours present).
  double counted = 0;
  for (const reg::ReceiptLine& line : receipt.lines()) counted += line.counted_hours();
  EXPECT_DOUBLE_EQ(counted, 70);
  EXPECT_EQ(receipt.lines(0).route_completed_answer(), reg::ANSWER_YES);
  auto again = Confirm(school.user_token, draft.name(), uploaded->etag(), confirm_id);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->receipt().reference(), receipt.reference());
  EXPECT_EQ(again->registration().name(), registration.name());
  EXPECT_EQ(again->receipt().content_sha256(), receipt.content_sha256());

  // The receipt mail reaches the submitter, once (after the mail that granted the right).
  auto mails = WaitForMailsTo(maildir_, school.user.email, 2, absl::Seconds(30));
  ASSERT_EQ(mails.size(), 2u) << "no receipt mail in the SMTP sink";
  std::vector<DecodedMail> receipts;
  for (const SinkMail& stored : mails) {
    DecodedMail decoded = DecodeStoredMail(stored.path);
    if (absl::StrContains(decoded.subject, "VOV-")) receipts.push_back(std::move(decoded));
  }
  ASSERT_EQ(receipts.size(), 1u);
  const DecodedMail& mail = receipts[0];
  EXPECT_TRUE(absl::StrContains(mail.subject, receipt.reference())) << mail.subject;
  EXPECT_TRUE(absl::StrContains(mail.text_body, receipt.content_sha256()));
  EXPECT_TRUE(absl::StrContains(mail.text_body, "Atheneum Registratie"));
  EXPECT_TRUE(absl::StrContains(mail.text_body, "Boekhouden voor beginners"));
  EXPECT_TRUE(absl::StrContains(mail.text_body,
                                "Uren die meetellen voor Vlaams opleidingsverlof, per deelnemer"))
      << mail.text_body;

  // The other organisation cannot read it or its receipt.
  {
    grpc::ClientContext context;
    Bearer(&context, other.user_token);
    reg::GetReceiptRequest get;
    get.set_name(receipt.name());
    reg::GetReceiptResponse got;
    EXPECT_EQ(registration_->GetReceipt(&context, get, &got).error_code(),
              grpc::StatusCode::NOT_FOUND);
    grpc::ClientContext list_context;
    Bearer(&list_context, other.user_token);
    reg::ListRegistrationsRequest list;
    list.set_parent(school.org);
    reg::ListRegistrationsResponse listed;
    EXPECT_EQ(registration_->ListRegistrations(&list_context, list, &listed).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }

  // The same participant cannot be registered twice for the training and school year.
  {
    reg::Draft twice = CreateDraft(school.user_token, school.org, odb);
    auto dup = Add(school.user_token, twice.name(), twice.etag(), Attending(first_insz, 10, 40));
    ASSERT_TRUE(dup.ok()) << dup.status();
    auto checked = flow_.Validate(school.user_token, twice.name());
    ASSERT_TRUE(checked.ok());
    ASSERT_EQ(checked->violations_size(), 1);
    EXPECT_EQ(checked->violations(0).reason(), "PARTICIPANT_ALREADY_REGISTERED");
    EXPECT_EQ(checked->violations(0).field(), "insz");
    auto refused = Confirm(school.user_token, twice.name(), dup->etag(), flow::NewRequestId());
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  }

  // A correction: a new version with its own receipt; the first stays readable.
  reg::Draft correction;
  {
    grpc::ClientContext context;
    Bearer(&context, school.user_token);
    reg::CorrectRegistrationRequest request;
    request.set_name(registration.name());
    request.set_etag(registration.etag());
    request.set_request_id(flow::NewRequestId());
    reg::CorrectRegistrationResponse response;
    grpc::Status status = registration_->CorrectRegistration(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    correction = response.draft();
  }
  ASSERT_EQ(correction.participants_size(), 2);
  EXPECT_EQ(correction.corrects(), registration.name() + "@1");
  std::string etag = correction.etag();
  {
    grpc::ClientContext context;
    Bearer(&context, school.user_token);
    reg::UpdateParticipantRequest request;
    *request.mutable_participant() = correction.participants(1);
    request.mutable_participant()->mutable_attendance()->set_hours_present(35);
    request.mutable_update_mask()->add_paths("attendance.hours_present");
    request.set_etag(etag);
    reg::UpdateParticipantResponse response;
    grpc::Status status = registration_->UpdateParticipant(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_DOUBLE_EQ(response.participant().attendance().hours_present(), 35);
    etag = response.etag();
  }
  auto corrected = Confirm(school.user_token, correction.name(), etag, flow::NewRequestId());
  ASSERT_TRUE(corrected.ok()) << corrected.status();
  EXPECT_EQ(corrected->registration().name(), registration.name());
  EXPECT_EQ(corrected->registration().version(), 2);
  EXPECT_EQ(corrected->receipt().kind(), reg::RECEIPT_KIND_CORRECTION);
  EXPECT_NE(corrected->receipt().reference(), receipt.reference());
  EXPECT_NE(corrected->receipt().content_sha256(), receipt.content_sha256());
  EXPECT_EQ(corrected->registration().supersedes(), registration.name() + "@1");
  {
    grpc::ClientContext context;
    Bearer(&context, school.user_token);
    reg::ListRegistrationVersionsRequest request;
    request.set_name(registration.name());
    reg::ListRegistrationVersionsResponse response;
    ASSERT_TRUE(registration_->ListRegistrationVersions(&context, request, &response).ok());
    ASSERT_EQ(response.registrations_size(), 2);
    EXPECT_EQ(response.registrations(0).version(), 2);
    EXPECT_EQ(response.registrations(0).state(), reg::REGISTRATION_STATE_ACTIVE);
    EXPECT_EQ(response.registrations(1).state(), reg::REGISTRATION_STATE_SUPERSEDED);
    grpc::ClientContext first_context;
    Bearer(&first_context, school.user_token);
    reg::GetRegistrationRequest first;
    first.set_name(registration.name() + "@1");
    first.set_view(reg::REGISTRATION_VIEW_FULL);
    reg::GetRegistrationResponse got;
    ASSERT_TRUE(registration_->GetRegistration(&first_context, first, &got).ok());
    EXPECT_DOUBLE_EQ(got.registration().participants_summary().total_hours_present(), 70);
    EXPECT_EQ(got.registration().participants_size(), 2);
  }

  // Withdrawal: version 3, its own receipt; hidden from the default list.
  {
    grpc::ClientContext context;
    Bearer(&context, school.user_token);
    reg::WithdrawRegistrationRequest request;
    request.set_name(registration.name());
    request.set_etag(corrected->registration().etag());
    request.set_reason("Opleiding geannuleerd");
    request.set_request_id(flow::NewRequestId());
    reg::WithdrawRegistrationResponse response;
    grpc::Status status = registration_->WithdrawRegistration(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.registration().version(), 3);
    EXPECT_EQ(response.registration().state(), reg::REGISTRATION_STATE_WITHDRAWN);
    EXPECT_EQ(response.receipt().kind(), reg::RECEIPT_KIND_WITHDRAWAL);
    EXPECT_EQ(response.receipt().withdraw_reason(), "Opleiding geannuleerd");
  }
  {
    grpc::ClientContext context;
    Bearer(&context, school.user_token);
    reg::ListRegistrationsRequest request;
    request.set_parent(school.org);
    reg::ListRegistrationsResponse response;
    ASSERT_TRUE(registration_->ListRegistrations(&context, request, &response).ok());
    EXPECT_EQ(response.registrations_size(), 0);
    grpc::ClientContext all_context;
    Bearer(&all_context, school.user_token);
    request.set_include_withdrawn(true);
    ASSERT_TRUE(registration_->ListRegistrations(&all_context, request, &response).ok());
    ASSERT_EQ(response.registrations_size(), 1);
    EXPECT_EQ(response.registrations(0).version(), 3);
  }
  // One mail per receipt: submission, correction, withdrawal (and the one granting the right).
  EXPECT_EQ(WaitForMailsTo(maildir_, school.user.email, 4, absl::Seconds(30)).size(), 4u);
}

reg::Date Day(int year, int month, int day) {
  reg::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

// Issue 19: a training whose run crosses 31 August is registered in both school years: in the
// first the outcome is not known yet (FINAL_ASSESSMENT_NOT_YET_HELD, route and exam contract
// unanswered), in the second it is; each receipt counts the hours of its own year.
TEST_F(RegistrationFlowTest, ATrainingAcrossTwoSchoolYearsIsRegisteredInBoth) {
  School s = NewSchool("Tweejarig", true);
  const std::string odb = "ODB-T" + flow::NewRequestId().substr(0, 8);
  {
    grpc::ClientContext context;
    Bearer(&context, flow_.services().operator_token);
    reg::BatchImportTrainingsRequest request;
    reg::Training* training = request.add_trainings();
    wse::testing::FillContactHoursTraining(training, odb, s.org, "Boekhouden over twee jaar");
    // From February 2026 to January 2027: part in 2025-2026, part in 2026-2027.
    *training->mutable_start_date() = Day(2026, 2, 2);
    *training->mutable_end_date() = Day(2027, 1, 29);
    reg::BatchImportTrainingsResponse response;
    ASSERT_TRUE(registration_->BatchImportTrainings(&context, request, &response).ok());
    ASSERT_EQ(response.results_size(), 1);
    ASSERT_NE(response.results(0).outcome(), reg::IMPORT_OUTCOME_FAILED) << response.DebugString();
  }
  const std::string insz = flow::NewInsz();
  std::vector<reg::ConfirmDraftResponse> receipts;
  for (const std::string year : {"2025-2026", "2026-2027"}) {
    SCOPED_TRACE(year);
    ASSERT_OK_AND_ASSIGN(reg::Draft draft,
                         flow_.CreateDraft(s.user_token, s.org, odb, year, flow::NewRequestId()));
    reg::Participant p = wse::testing::AttendingParticipant(insz, "Deelnemer Tweejarig", 30, 60);
    if (year == "2025-2026") {
      // The run goes on after 31 August: the outcome is for next year's registration.
      p.set_final_assessment(reg::FINAL_ASSESSMENT_NOT_YET_HELD);
      p.clear_route_completed();
      p.clear_exam_contract();
    }
    ASSERT_OK_AND_ASSIGN(auto added, Add(s.user_token, draft.name(), draft.etag(), p));
    ASSERT_OK_AND_ASSIGN(auto confirmed,
                         Confirm(s.user_token, draft.name(), added.etag(), flow::NewRequestId()));
    ASSERT_EQ(confirmed.receipt().lines_size(), 1);
    EXPECT_GT(confirmed.receipt().lines(0).counted_hours(), 0);
    EXPECT_EQ(confirmed.receipt().school_year(), year);
    receipts.push_back(confirmed);
  }
  ASSERT_EQ(receipts.size(), 2u);
  EXPECT_NE(receipts[0].registration().name(), receipts[1].registration().name())
      << "one registration per school year";
  // Not yet held is refused where the run ends within the year.
  ASSERT_OK_AND_ASSIGN(reg::Draft again, flow_.CreateDraft(s.user_token, s.org, odb, "2026-2027",
                                                           flow::NewRequestId()));
  reg::Participant late = wse::testing::AttendingParticipant(flow::NewInsz(), "Te laat", 30, 60);
  late.set_final_assessment(reg::FINAL_ASSESSMENT_NOT_YET_HELD);
  ASSERT_OK_AND_ASSIGN(auto added, Add(s.user_token, again.name(), again.etag(), late));
  EXPECT_FALSE(Confirm(s.user_token, again.name(), added.etag(), flow::NewRequestId()).ok());
}

TEST_F(RegistrationFlowTest, TenThousandRowUploadAndValidate) {
  School school = NewSchool("Grote Hogeschool", /*grant=*/true);
  const std::string odb = flow::NewOdbNumber();
  Import(odb, school.org, "Bachelor Toegepaste Informatica");
  reg::Draft draft = CreateDraft(school.user_token, school.org, odb);
  std::vector<reg::ParticipantRow> rows(10000);
  for (int i = 0; i < 10000; ++i) {
    rows[static_cast<size_t>(i)].set_row_number(i + 1);
    *rows[static_cast<size_t>(i)].mutable_participant() = Attending(flow::NewInsz(), 36, 40);
  }
  const auto start = std::chrono::steady_clock::now();
  auto uploaded = flow_.Upload(school.user_token, draft.name(), draft.etag(), rows);
  const auto uploaded_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(uploaded.ok()) << uploaded.status();
  // flow::NewInsz() may repeat a number among 10,000; a repeat is reported, not stored twice.
  EXPECT_EQ(uploaded->accepted_count() + uploaded->rejected_count(), 10000);
  EXPECT_GE(uploaded->accepted_count(), 9990);
  EXPECT_EQ(uploaded->participant_count(), uploaded->accepted_count());
  auto validated = flow_.Validate(school.user_token, draft.name());
  const auto done = std::chrono::steady_clock::now();
  ASSERT_TRUE(validated.ok()) << validated.status();
  EXPECT_EQ(validated->violations_size(), 0);
  // A figure, not a verdict: the benchmark suite measures this under controlled conditions.
  std::printf("10,000-row upload: %.0f ms, validate: %.0f ms (this build, shared machine)\n",
              std::chrono::duration<double, std::milli>(uploaded_at - start).count(),
              std::chrono::duration<double, std::milli>(done - uploaded_at).count());
}

TEST_F(RegistrationFlowTest, CancelledUploadAppliesNothing) {
  School school = NewSchool("Onderbroken Hogeschool", /*grant=*/true);
  const std::string odb = flow::NewOdbNumber();
  Import(odb, school.org, "Bachelor Netwerkbeheer");
  reg::Draft draft = CreateDraft(school.user_token, school.org, odb);
  grpc::ClientContext context;
  Bearer(&context, school.user_token);
  reg::UploadParticipantsResponse response;
  auto writer = registration_->UploadParticipants(&context, &response);
  reg::UploadParticipantsRequest header;
  header.mutable_header()->set_draft(draft.name());
  header.mutable_header()->set_etag(draft.etag());
  header.mutable_header()->set_mode(reg::UPLOAD_MODE_MERGE);
  ASSERT_TRUE(writer->Write(header));
  reg::UploadParticipantsRequest batch;
  for (int i = 1; i <= 20; ++i) {
    auto* row = batch.mutable_batch()->add_rows();
    row->set_row_number(i);
    *row->mutable_participant() = Attending(flow::NewInsz(), 36, 40);
  }
  ASSERT_TRUE(writer->Write(batch));
  // Give the server time to read the rows, then drop the call before the stream is complete.
  absl::SleepFor(absl::Milliseconds(500));
  context.TryCancel();
  EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::CANCELLED);

  // The server's reading side ends like a finished stream; it must not apply the 20 rows.
  absl::SleepFor(absl::Milliseconds(500));
  grpc::ClientContext get_context;
  Bearer(&get_context, school.user_token);
  reg::GetDraftRequest get;
  get.set_name(draft.name());
  reg::GetDraftResponse got;
  ASSERT_TRUE(registration_->GetDraft(&get_context, get, &got).ok());
  EXPECT_EQ(got.draft().participant_count(), 0);
  EXPECT_EQ(got.draft().etag(), draft.etag());
}

}  // namespace
}  // namespace wse::testing
