// registration-svc's gRPC adapter in-process: the real RegistrationServiceImpl on the host the
// process uses, the real RegistrationManager and screen builder behind it on the in-memory
// store, rights-svc's decisions from its fake client (through the real RightsPermissions), and
// access tokens signed with a key made for the test. What only the adapter does: who is
// authenticated, the request's shape into field violations, resource names across
// organisations, statuses from rights-svc surviving the wire, the upload stream's raw frames.
#include "registration-svc/adapters/registration_service.h"

#include <memory>

#include "absl/strings/str_split.h"
#include "common/grpc_status.h"
#include "common/service_identity.h"
#include "common/status.h"
#include "gtest/gtest.h"
#include "identity-svc/client/fake_identity_client.h"
#include "registration-svc/domain/rights_permissions.h"
#include "rights-svc/client/fake_rights_client.h"
#include "tests/flow/flow_gtest.h"
#include "tests/support/in_process.h"
#include "tests/support/registration_fakes.h"
#include "tests/support/vov_fixtures.h"

namespace wse::registration {
namespace {

constexpr char kOperatorToken[] = "operator-token-for-this-test";
constexpr char kInszA[] = "85073003328";  // Valid check digits.
constexpr char kInszB[] = "90010100123";

identity::FakeIdentityClient NamingDirectory() {
  identity::FakeIdentityClient directory;
  directory.any_person = [](const std::string& id) {
    return identity::PersonInfo{id, "Naam van " + id, id + "@school.example", "", "nl"};
  };
  directory.any_organization =
      [](const std::string& id) -> std::optional<identity::OrganizationInfo> {
    return identity::OrganizationInfo{id, "School " + id, {}};
  };
  return directory;
}

class RegistrationServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.status().ok()) << server_.status();
    stub_ = v1::RegistrationService::NewStub(server_.channel());
    for (const char* who : {"jan@school", "eva@other"}) {
      const std::pair<std::string, std::string> person_org = absl::StrSplit(who, '@');
      for (const char* permission : {kReadPermission, kWritePermission}) {
        rights_.allowed.insert({person_org.first, person_org.second, permission});
      }
    }
    v1::BatchImportTrainingsRequest import;
    wse::testing::FillContactHoursTraining(import.add_trainings(), "ODB-1", "organizations/school",
                                           "Boekhouden");
    v1::BatchImportTrainingsResponse imported;
    ASSERT_OK(Call(&Stub::BatchImportTrainings, kOperatorToken, import, &imported));
    ASSERT_EQ(imported.results(0).outcome(), v1::IMPORT_OUTCOME_CREATED);
  }

  using Stub = v1::RegistrationService::Stub;

  template <typename Method, typename Request, typename Response>
  absl::Status Call(Method method, const std::string& token, const Request& request,
                    Response* response) {
    return wse::testing::CallWithToken(*stub_, method, token, request, response);
  }

  absl::StatusOr<v1::Draft> NewDraft(const std::string& token, const std::string& request_id) {
    v1::CreateDraftRequest request;
    request.set_parent("organizations/school");
    request.set_request_id(request_id);
    request.mutable_draft()->set_training("trainings/ODB-1");
    request.mutable_draft()->set_school_year("2025-2026");
    v1::CreateDraftResponse response;
    RETURN_IF_ERROR(Call(&Stub::CreateDraft, token, request, &response));
    return response.draft();
  }

  absl::StatusOr<std::string> Add(const std::string& token, const v1::Draft& draft,
                                  const std::string& etag, const std::string& insz) {
    v1::AddParticipantRequest request;
    request.set_parent(draft.name());
    request.set_etag(etag);
    *request.mutable_participant() = wse::testing::AttendingParticipant(insz, "Deelnemer", 36, 40);
    v1::AddParticipantResponse response;
    RETURN_IF_ERROR(Call(&Stub::AddParticipant, token, request, &response));
    return response.etag();
  }

  std::string Jan() const { return tokens_.For("jan", "school"); }

  static RegistrationConfig WithRegistrationWindow() {
    RegistrationConfig config;
    config.registration_window = absl::Hours(24 * 61);
    return config;
  }

  testing::FakeRegistrationStore store_;
  rights::FakeRightsClient rights_;
  RightsPermissions permissions_{rights_, "opleidingsdatabank"};
  identity::FakeIdentityClient directory_ = NamingDirectory();
  // 2 March 2026: the school year 2025-2026 is open for registration.
  // Registrations until 31 October after the school year; no correction deadline.
  RegistrationManager manager_{
      store_, permissions_, directory_, WithRegistrationWindow(),
      [] { return absl::FromCivil(absl::CivilSecond(2026, 3, 2, 10, 0, 0), absl::UTCTimeZone()); }};
  ApplicationScreenBuilder screens_{permissions_, "support@wse.example"};
  wse::testing::TestAccessTokens tokens_;
  OperatorAuthenticator operators_{ServiceTokenHash(kOperatorToken)};
  RegistrationServiceImpl service_{{tokens_.verifier(), operators_, screens_, manager_}};
  wse::testing::InProcessServer server_{{{&service_, "wse.registration.v1.RegistrationService"}}};
  std::unique_ptr<Stub> stub_;
};

TEST_F(RegistrationServiceTest, ImportsAreForOperatorsAndEveryCallNeedsAValidToken) {
  v1::BatchImportTrainingsRequest import;
  wse::testing::FillContactHoursTraining(import.add_trainings(), "ODB-2", "organizations/school",
                                         "Excel");
  v1::BatchImportTrainingsResponse imported;
  const absl::Status by_user = Call(&Stub::BatchImportTrainings, Jan(), import, &imported);
  EXPECT_EQ(by_user.code(), absl::StatusCode::kPermissionDenied);

  v1::ListDraftsRequest list;
  list.set_parent("organizations/school");
  v1::ListDraftsResponse drafts;
  EXPECT_EQ(Call(&Stub::ListDrafts, "", list, &drafts).code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Call(&Stub::ListDrafts, tokens_.Forged("jan", "school"), list, &drafts).code(),
            absl::StatusCode::kUnauthenticated);
  const absl::Status expired =
      Call(&Stub::ListDrafts, tokens_.For("jan", "school", -absl::Minutes(5)), list, &drafts);
  EXPECT_EQ(expired.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(ReasonOf(expired), "TOKEN_EXPIRED");
  EXPECT_OK(Call(&Stub::ListDrafts, Jan(), list, &drafts));
}

// ODB numbers compare case-insensitively: imported and looked up in any case, held in capitals;
// the exemption from the 10 % rule is the training's attribute.
TEST_F(RegistrationServiceTest, OdbNumbersAreCaseInsensitive) {
  v1::BatchImportTrainingsRequest import;
  v1::Training* training = import.add_trainings();
  wse::testing::FillContactHoursTraining(training, "odb-x77", "organizations/school", "Lassen");
  training->set_regular_programme(true);
  v1::BatchImportTrainingsResponse imported;
  ASSERT_OK(Call(&Stub::BatchImportTrainings, kOperatorToken, import, &imported));
  ASSERT_EQ(imported.results_size(), 1);
  EXPECT_EQ(imported.results(0).training(), "trainings/ODB-X77");
  v1::GetTrainingRequest get;
  get.set_name("trainings/Odb-X77");
  v1::GetTrainingResponse got;
  ASSERT_OK(Call(&Stub::GetTraining, Jan(), get, &got));
  EXPECT_EQ(got.training().odb_number(), "ODB-X77");
  EXPECT_TRUE(got.training().regular_programme());

  // An import that leaves the attribute out gets what the ODB number's prefix said before it
  // existed; one that sends it decides.
  v1::BatchImportTrainingsRequest more;
  wse::testing::FillContactHoursTraining(more.add_trainings(), "odb-y9", "organizations/school",
                                         "CVO");
  wse::testing::FillContactHoursTraining(more.add_trainings(), "ODB-Z9", "organizations/school",
                                         "Z");
  v1::Training* decided = more.add_trainings();
  wse::testing::FillContactHoursTraining(decided, "ODB-Y8", "organizations/school", "Y8");
  decided->set_regular_programme(false);
  ASSERT_OK(Call(&Stub::BatchImportTrainings, kOperatorToken, more, &imported));
  for (const auto& [name, regular] : std::vector<std::pair<std::string, bool>>{
           {"trainings/ODB-Y9", true}, {"trainings/ODB-Z9", false}, {"trainings/ODB-Y8", false}}) {
    get.set_name(name);
    ASSERT_OK(Call(&Stub::GetTraining, Jan(), get, &got));
    EXPECT_EQ(got.training().regular_programme(), regular) << name;
  }
}

TEST_F(RegistrationServiceTest, ADraftBecomesAReceiptAndItsMailIsInTheOutbox) {
  ASSERT_OK_AND_ASSIGN(v1::Draft draft, NewDraft(Jan(), "req-draft"));
  ASSERT_OK_AND_ASSIGN(std::string etag, Add(Jan(), draft, draft.etag(), kInszA));
  // The old etag is stale now: ABORTED, the participant not added twice.
  EXPECT_EQ(Add(Jan(), draft, draft.etag(), kInszB).status().code(), absl::StatusCode::kAborted);

  v1::ConfirmDraftRequest confirm;
  confirm.set_name(draft.name());
  confirm.set_etag(etag);
  confirm.set_request_id("req-confirm");
  v1::ConfirmDraftResponse confirmed;
  ASSERT_OK(Call(&Stub::ConfirmDraft, Jan(), confirm, &confirmed));
  EXPECT_FALSE(confirmed.receipt().reference().empty());
  // The configured deadline on the receipt: 1 November 2026, 00:00 in Belgium (23:00 UTC).
  EXPECT_EQ(confirmed.receipt().registration_deadline().seconds(),
            absl::ToUnixSeconds(
                absl::FromCivil(absl::CivilSecond(2026, 10, 31, 23, 0, 0), absl::UTCTimeZone())));
  EXPECT_FALSE(confirmed.receipt().has_correction_deadline());
  EXPECT_FALSE(confirmed.registration().name().empty());
  EXPECT_EQ(store_.Outbox().size(), 1u);
  // The same request again answers the same receipt and queues no second mail.
  v1::ConfirmDraftResponse again;
  ASSERT_OK(Call(&Stub::ConfirmDraft, Jan(), confirm, &again));
  EXPECT_EQ(again.receipt().reference(), confirmed.receipt().reference());
  EXPECT_EQ(store_.Outbox().size(), 1u);
}

TEST_F(RegistrationServiceTest, BadFieldsAreInvalidArgumentNamingTheField) {
  v1::CreateDraftRequest request;
  request.set_parent("organizations/school");
  request.set_request_id("req-1");
  request.mutable_draft()->set_training("trainings/ODB-1");
  request.mutable_draft()->set_school_year("2025-2027");
  v1::CreateDraftResponse response;
  const absl::Status year = Call(&Stub::CreateDraft, Jan(), request, &response);
  EXPECT_EQ(year.code(), absl::StatusCode::kInvalidArgument);
  ASSERT_FALSE(FieldViolationsOf(year).empty());
  EXPECT_EQ(FieldViolationsOf(year)[0].field, "draft.school_year");

  ASSERT_OK_AND_ASSIGN(v1::Draft draft, NewDraft(Jan(), "req-2"));
  const absl::Status insz = Add(Jan(), draft, draft.etag(), "12345678901").status();
  EXPECT_EQ(insz.code(), absl::StatusCode::kInvalidArgument);
  ASSERT_FALSE(FieldViolationsOf(insz).empty());
  EXPECT_EQ(FieldViolationsOf(insz)[0].field, "participant.insz");
}

TEST_F(RegistrationServiceTest, AnotherOrganisationsDraftsAreNeitherSeenNorNamed) {
  ASSERT_OK_AND_ASSIGN(v1::Draft draft, NewDraft(Jan(), "req-draft"));
  const std::string eva = tokens_.For("eva", "other");
  v1::GetDraftRequest get;
  get.set_name(draft.name());
  v1::GetDraftResponse got;
  EXPECT_EQ(Call(&Stub::GetDraft, eva, get, &got).code(), absl::StatusCode::kNotFound);
  v1::ListDraftsRequest list;
  list.set_parent("organizations/school");
  v1::ListDraftsResponse drafts;
  const absl::Status foreign = Call(&Stub::ListDrafts, eva, list, &drafts);
  EXPECT_EQ(foreign.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(drafts.drafts_size(), 0);
  // The personal context is no place to register from.
  const absl::Status personal = NewDraft(tokens_.For("jan", ""), "req-3").status();
  EXPECT_EQ(personal.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReasonOf(personal), "ORGANIZATION_REQUIRED");
}

TEST_F(RegistrationServiceTest, RightsUnreachableIsUnavailableNeverAllowed) {
  rights_.failure = absl::UnavailableError("rights-svc is down");
  const absl::Status down = NewDraft(Jan(), "req-draft").status();
  EXPECT_EQ(down.code(), absl::StatusCode::kUnavailable) << down;
  rights_.failure = absl::OkStatus();
  rights_.allowed.clear();  // Revoked: the next call is refused at once.
  EXPECT_EQ(NewDraft(Jan(), "req-draft").status().code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(RegistrationServiceTest, AnUploadStreamKeepsGoodRowsAndNamesTheBadOnes) {
  ASSERT_OK_AND_ASSIGN(v1::Draft draft, NewDraft(Jan(), "req-draft"));
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + Jan());
  v1::UploadParticipantsResponse response;
  auto writer = stub_->UploadParticipants(&context, &response);
  v1::UploadParticipantsRequest header;
  header.mutable_header()->set_draft(draft.name());
  header.mutable_header()->set_etag(draft.etag());
  header.mutable_header()->set_mode(v1::UPLOAD_MODE_MERGE);
  ASSERT_TRUE(writer->Write(header));
  int row = 1;
  for (const char* insz : {kInszA, "12345678901", kInszB}) {
    v1::UploadParticipantsRequest batch;
    auto* r = batch.mutable_batch()->add_rows();
    r->set_row_number(++row);
    *r->mutable_participant() = wse::testing::AttendingParticipant(insz, "Deelnemer", 36, 40);
    ASSERT_TRUE(writer->Write(batch));
  }
  writer->WritesDone();
  ASSERT_OK(FromGrpcStatus(writer->Finish()));
  EXPECT_EQ(response.accepted_count(), 2);
  EXPECT_EQ(response.rejected_count(), 1);
  ASSERT_EQ(response.row_errors_size(), 1);
  EXPECT_EQ(response.row_errors(0).row_number(), 3);
  EXPECT_EQ(response.participant_count(), 2);
}

// The same upload in one message (browsers over gRPC-Web cannot stream from the client): the
// good rows applied, the bad one named by its row number, the limits of a draft kept.
bool HasFieldViolation(const absl::Status& status, const std::string& field) {
  for (const FieldViolation& v : FieldViolationsOf(status)) {
    if (v.field == field) return true;
  }
  return false;
}

TEST_F(RegistrationServiceTest, UploadRowsInOneMessageKeepsGoodRowsAndNamesTheBadOnes) {
  ASSERT_OK_AND_ASSIGN(v1::Draft draft, NewDraft(Jan(), "req-draft"));
  v1::UploadParticipantRowsRequest request;
  request.mutable_header()->set_draft(draft.name());
  request.mutable_header()->set_etag(draft.etag());
  int row = 1;
  for (const char* insz : {kInszA, "12345678901", kInszB}) {
    auto* r = request.add_rows();
    r->set_row_number(++row);
    *r->mutable_participant() = wse::testing::AttendingParticipant(insz, "Deelnemer", 36, 40);
  }
  v1::UploadParticipantRowsResponse response;
  ASSERT_OK(Call(&Stub::UploadParticipantRows, Jan(), request, &response));
  EXPECT_EQ(response.accepted_count(), 2);
  EXPECT_EQ(response.rejected_count(), 1);
  ASSERT_EQ(response.row_errors_size(), 1);
  EXPECT_EQ(response.row_errors(0).row_number(), 3);
  ASSERT_GE(response.row_errors(0).violations_size(), 1);
  EXPECT_EQ(response.row_errors(0).violations(0).field(), "insz");
  EXPECT_EQ(response.participant_count(), 2);
  EXPECT_NE(response.etag(), draft.etag());

  // The old etag no longer applies; no rows and no header are refused with their field.
  v1::UploadParticipantRowsResponse stale;
  EXPECT_EQ(Call(&Stub::UploadParticipantRows, Jan(), request, &stale).code(),
            absl::StatusCode::kAborted);
  v1::UploadParticipantRowsRequest empty;
  *empty.mutable_header() = request.header();
  empty.mutable_header()->set_etag(response.etag());
  const absl::Status no_rows = Call(&Stub::UploadParticipantRows, Jan(), empty, &stale);
  EXPECT_EQ(no_rows.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(HasFieldViolation(no_rows, "rows")) << no_rows;
  const absl::Status no_header =
      Call(&Stub::UploadParticipantRows, Jan(), v1::UploadParticipantRowsRequest(), &stale);
  EXPECT_TRUE(HasFieldViolation(no_header, "header")) << no_header;

  // One row more than a draft may hold: nothing applied, as with the stream.
  v1::UploadParticipantRowsRequest too_many;
  *too_many.mutable_header() = empty.header();
  const v1::Participant participant =
      wse::testing::AttendingParticipant(kInszA, "Deelnemer", 36, 40);
  for (int i = 0; i <= RegistrationConfig().max_participants; ++i) {
    auto* r = too_many.add_rows();
    r->set_row_number(i + 2);
    *r->mutable_participant() = participant;
  }
  const absl::Status exhausted = Call(&Stub::UploadParticipantRows, Jan(), too_many, &stale);
  EXPECT_EQ(exhausted.code(), absl::StatusCode::kResourceExhausted) << exhausted;
  EXPECT_EQ(ReasonOf(exhausted), "TOO_MANY_ROWS");
}

}  // namespace
}  // namespace wse::registration
