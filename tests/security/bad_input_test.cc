// Abuse through bad input, against the test stack, by callers that are allowed to make the call
// (so the request reaches the service's validation): the rows of bad_input_table.cc (oversized
// messages and strings, invalid UTF-8, SQL metacharacters in identifiers, negative and huge
// numbers, unknown enum values, too many items), plus partial batch failures and uploads past
// their limits. Each must be INVALID_ARGUMENT naming the field (RESOURCE_EXHAUSTED for sizes
// past a limit), and none may change data: the rows of every service's tables (and the content
// checksums of those no background job touches) are the same after the barrage as before. Free
// text, on the other hand, is data: SQL metacharacters there are stored and returned verbatim.
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "common/grpc_status.h"
#include "common/mysql_pool.h"
#include "common/status.h"
#include "cppconn/connection.h"
#include "cppconn/resultset.h"
#include "cppconn/statement.h"
#include "gtest/gtest.h"
#include "tests/flow/flow.h"
#include "tests/flow/flow_gtest.h"
#include "tests/flow/identifiers.h"
#include "tests/security/bad_input_table.h"
#include "tests/support/grpc_generic.h"
#include "tests/support/grpc_helpers.h"
#include "tests/support/identity_test_data.h"
#include "tests/support/process.h"
#include "tests/support/stack_env.h"
#include "tests/support/stack_quiet.h"
#include "wse/notify/v1/notify_service.grpc.pb.h"
#include "wse/registration/v1/registration_service.grpc.pb.h"
#include "wse/rights/v1/rights_service.grpc.pb.h"

namespace wse::testing {
namespace {

namespace idv1 = wse::identity::v1;
namespace rv1 = wse::rights::v1;
namespace reg = wse::registration::v1;
namespace nv1 = wse::notify::v1;
using C = grpc::StatusCode;

constexpr char kSql[] = "x' OR '1'='1'; DROP TABLE persons; --";

using security::BadRequest;
using security::Caller;
using security::FieldCovers;
using security::kInvalidUtf8;
using security::kUtf8Slot;

// Every table whose rows requests could change, per service schema; `checksum`: no background
// job writes it, so its content must be byte-for-byte the same.
struct Table {
  const char* name;
  bool checksum;
};
const Table kTables[] = {
    {"wse_identity.persons", true},          {"wse_identity.organizations", true},
    {"wse_identity.legal_representatives", true}, {"wse_rights.work_relations", false},
    {"wse_rights.grants", false},            {"wse_rights.access_requests", false},
    {"wse_rights.request_ids", true},        {"wse_registration.trainings", true},
    {"wse_registration.drafts", true},       {"wse_registration.draft_participants", true},
    {"wse_registration.registrations", true}, {"wse_registration.registration_versions", true},
    {"wse_registration.request_ids", true},  {"wse_notify.messages", false},
};

std::map<std::string, std::string> Snapshot() {
  MysqlPool pool(StackEnv::Get().RootDb());
  auto lease = pool.Acquire();
  EXPECT_TRUE(lease.ok()) << lease.status();
  std::map<std::string, std::string> out;
  if (!lease.ok()) return out;
  std::unique_ptr<sql::Statement> stmt((*lease)->createStatement());
  for (const Table& t : kTables) {
    std::unique_ptr<sql::ResultSet> count(
        stmt->executeQuery(absl::StrCat("SELECT COUNT(*) FROM ", t.name)));
    count->next();
    out[absl::StrCat(t.name, " rows")] = count->getString(1);
    if (t.checksum) {
      std::unique_ptr<sql::ResultSet> sum(
          stmt->executeQuery(absl::StrCat("CHECKSUM TABLE ", t.name)));
      sum->next();
      out[absl::StrCat(t.name, " checksum")] = sum->getString(2);
    }
  }
  return out;
}

int PortOf(const std::string& service) {
  const StackEnv& env = StackEnv::Get();
  if (service == "identity") return env.identity_port;
  if (service == "rights") return env.rights_port;
  if (service == "registration") return env.registration_port;
  return env.notify_port;
}

// Whether `status` is INVALID_ARGUMENT with a field violation on `field` or below it.
::testing::AssertionResult NamesField(const grpc::Status& status, const std::string& field) {
  if (status.error_code() != C::INVALID_ARGUMENT) {
    return ::testing::AssertionFailure()
           << "answered " << status.error_code() << " " << status.error_message();
  }
  for (const FieldViolation& v : FieldViolationsOf(FromGrpcStatus(status))) {
    if (FieldCovers(field, v.field)) return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "no field violation on '" << field << "' in " << status.error_message();
}

class BadInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const StackEnv& env = StackEnv::Get();
    identity_ = idv1::IdentityService::NewStub(Channel(env.identity_port));
    registration_ = reg::RegistrationService::NewStub(Channel(env.registration_port));
    operator_ = OperatorToken();

    // A school (its local administrator, a member with the right), a training and a draft.
    flow::Flow flow(env);
    ASSERT_OK_AND_ASSIGN(flow::School school, flow.NewSchool("Abuse School", 1, /*grant=*/true));
    admin_ = school.admin_token;
    user_ = school.tokens[0];
    fixture_.org = school.org;
    fixture_.user = school.users[0].name;
    fixture_.odb = flow::NewOdbNumber();
    ASSERT_OK_AND_ASSIGN(
        reg::ImportOutcome imported,
        flow.ImportTraining(fixture_.odb, fixture_.org, "Misbruik voor beginners"));
    ASSERT_EQ(imported, reg::IMPORT_OUTCOME_CREATED);
    ASSERT_OK_AND_ASSIGN(draft_, flow.CreateDraft(user_, fixture_.org, fixture_.odb, "2025-2026"));
    fixture_.draft = draft_.name();
    fixture_.etag = draft_.etag();
  }

  std::string TokenOf(Caller caller) const {
    switch (caller) {
      case Caller::kNone:
        return "";
      case Caller::kOperator:
        return operator_;
      case Caller::kAdministrator:
        return admin_;
      case Caller::kUser:
        return user_;
    }
    return "";
  }

  reg::Participant Participant(const std::string& insz) {
    reg::Participant p;
    p.set_insz(insz);
    p.set_display_name("Deelnemer");
    p.mutable_attendance()->set_hours_present(10);
    p.mutable_attendance()->set_contact_hours_to_follow(40);
    return p;
  }

  // One row of the table: sent as bytes (the request may hold invalid UTF-8), answer checked.
  void Send(const BadRequest& row) {
    const std::string what = absl::StrCat(row.method, ": ", row.what);
    absl::StatusOr<std::string> bytes = security::WireRequest(row, fixture_);
    ASSERT_TRUE(bytes.ok()) << what << ": " << bytes.status();
    const GenericAnswer answer = CallUnaryBytes(PortOf(security::ServiceOf(row)),
                                                security::PathOf(row), TokenOf(row.caller), *bytes);
    ++cases_;
    EXPECT_EQ(answer.status.error_code(), row.want)
        << what << ": " << answer.status.error_code() << " " << answer.status.error_message();
    if (row.want == C::INVALID_ARGUMENT && !row.field.empty()) {
      EXPECT_TRUE(NamesField(answer.status, row.field)) << what;
    }
  }

  // Partial failures of the batch imports: the call answers, the bad items fail alone.
  void BatchImportsFailItemByItem() {
    grpc::ClientContext c;
    Bearer(&c, operator_);
    idv1::BatchImportPersonsRequest r;
    auto* p = r.add_persons();
    p->set_insz(kSql);
    p->set_given_name(std::string(10000, 'g'));
    p->set_family_name("Abuse");
    p->set_email_address("a@b'; DROP TABLE persons; --");
    idv1::BatchImportPersonsResponse out;
    ASSERT_TRUE(identity_->BatchImportPersons(&c, r, &out).ok());
    EXPECT_EQ(out.results(0).outcome(), idv1::IMPORT_OUTCOME_FAILED);
    EXPECT_GE(out.results(0).violations_size(), 2) << out.ShortDebugString().substr(0, 500);

    grpc::ClientContext tc;
    Bearer(&tc, operator_);
    reg::BatchImportTrainingsRequest tr;
    reg::Training* t = tr.add_trainings();
    t->set_odb_number(absl::StrCat("ODB-Q", flow::NewRequestId().substr(0, 8)));
    t->set_provider_organization(fixture_.org);
    t->set_title("Misbruik");
    t->set_type(reg::TRAINING_TYPE_CONTACT_HOURS);
    t->set_planned_hours(-40);
    t->mutable_recognition_start_date()->set_month(13);
    *tr.add_trainings() = *t;
    tr.mutable_trainings(1)->set_odb_number(absl::StrCat("ODB-", kSql));
    tr.mutable_trainings(1)->set_planned_hours(120);
    reg::BatchImportTrainingsResponse tout;
    ASSERT_TRUE(registration_->BatchImportTrainings(&tc, tr, &tout).ok());
    EXPECT_EQ(tout.results(0).outcome(), reg::IMPORT_OUTCOME_FAILED);
    EXPECT_EQ(tout.results(1).outcome(), reg::IMPORT_OUTCOME_FAILED);
    cases_ += 2;
  }

  // A batch over 500 rows, and a stream over the 10,000-row limit: refused whole. Invalid UTF-8
  // in the second batch: the whole upload is refused, not applied up to the bad message as if
  // the stream had ended there.
  void UploadsOverTheLimitsAreRefusedWhole() {
    auto upload = [&](int batches, int rows_per_batch, int bad_batch) {
      reg::UploadParticipantsRequest header;
      header.mutable_header()->set_draft(draft_.name());
      header.mutable_header()->set_etag(draft_.etag());
      header.mutable_header()->set_mode(reg::UPLOAD_MODE_REPLACE_ALL);
      std::vector<std::string> frames = {header.SerializeAsString()};
      int row = 1;
      for (int b = 0; b < batches; ++b) {
        reg::UploadParticipantsRequest batch;
        for (int i = 0; i < rows_per_batch; ++i) {
          auto* r = batch.mutable_batch()->add_rows();
          r->set_row_number(++row);
          *r->mutable_participant() = Participant(flow::NewInsz());
          if (b == bad_batch) r->mutable_participant()->set_display_name(kUtf8Slot);
        }
        frames.push_back(
            absl::StrReplaceAll(batch.SerializeAsString(), {{kUtf8Slot, kInvalidUtf8}}));
      }
      cases_ += 1;
      return CallClientStreamBytes(StackEnv::Get().registration_port,
                                   "/wse.registration.v1.RegistrationService/UploadParticipants",
                                   user_, frames)
          .status;
    };
    const grpc::Status big_batch = upload(1, 501, -1);
    EXPECT_EQ(big_batch.error_code(), C::INVALID_ARGUMENT) << big_batch.error_message();
    const grpc::Status too_many = upload(21, 500, -1);
    EXPECT_EQ(too_many.error_code(), C::RESOURCE_EXHAUSTED) << too_many.error_message();
    const grpc::Status bad_utf8 = upload(3, 1, 1);
    EXPECT_TRUE(NamesField(bad_utf8, "messages[2]")) << "UploadParticipants, invalid UTF-8";
  }

  std::unique_ptr<idv1::IdentityService::Stub> identity_;
  std::unique_ptr<reg::RegistrationService::Stub> registration_;
  std::string operator_, admin_, user_;
  security::Fixture fixture_;
  reg::Draft draft_;
  int cases_ = 0;
};

TEST_F(BadInputTest, RefusedWithInvalidArgumentAndNothingChanges) {
  // A quiet stack first: mails of earlier tests still on their way would change notify's rows.
  std::string pending;
  ASSERT_TRUE(WaitForMailQuiet(MailHighWater{}, absl::Seconds(60), &pending))
      << "the test stack still delivers mails of earlier tests: " << pending;
  const auto before = Snapshot();

  for (const BadRequest& row : security::BadRequests()) Send(row);
  BatchImportsFailItemByItem();
  UploadsOverTheLimitsAreRefusedWhole();

  // Nothing changed anywhere.
  const auto after = Snapshot();
  EXPECT_EQ(before, after);
  for (const auto& [what, value] : before) {
    EXPECT_EQ(after.count(what) ? after.at(what) : "<missing>", value) << what;
  }
  std::printf("%d bad requests, all refused; data unchanged (%zu table figures compared)\n", cases_,
              before.size());
}

TEST_F(BadInputTest, SqlMetacharactersInFreeTextAreStoredVerbatim) {
  const std::string name = "Robert'); DROP TABLE draft_participants; -- \"x\" \\ %_ `y`";
  reg::Participant p = Participant(flow::NewInsz());
  p.set_display_name(name);
  grpc::ClientContext c;
  Bearer(&c, user_);
  reg::AddParticipantRequest r;
  r.set_parent(draft_.name());
  r.set_etag(draft_.etag());
  *r.mutable_participant() = p;
  reg::AddParticipantResponse added;
  grpc::Status status = registration_->AddParticipant(&c, r, &added);
  ASSERT_TRUE(status.ok()) << status.error_message();
  grpc::ClientContext get_context;
  Bearer(&get_context, user_);
  reg::GetDraftRequest get;
  get.set_name(draft_.name());
  reg::GetDraftResponse got;
  ASSERT_TRUE(registration_->GetDraft(&get_context, get, &got).ok());
  ASSERT_EQ(got.draft().participants_size(), 1);
  EXPECT_EQ(got.draft().participants(0).display_name(), name);

  const std::string insz = flow::NewInsz();
  const std::string person = ImportPerson(*identity_, insz, "O'Brien; DROP TABLE persons;--",
                                          "Robert\"); --");
  grpc::ClientContext person_context;
  Bearer(&person_context, operator_);
  idv1::GetPersonRequest get_person;
  get_person.set_name(person);
  idv1::GetPersonResponse got_person;
  ASSERT_TRUE(identity_->GetPerson(&person_context, get_person, &got_person).ok());
  EXPECT_EQ(got_person.person().given_name(), "O'Brien; DROP TABLE persons;--");
  EXPECT_EQ(got_person.person().family_name(), "Robert\"); --");
}

}  // namespace
}  // namespace wse::testing

namespace wse::testing {
namespace {

std::string B64Url(const std::string& bytes) {
  std::string out;
  absl::WebSafeBase64Escape(bytes, &out);  // No padding.
  return out;
}

std::string KidOf(const std::string& jwks_path) {
  const std::string jwks = ReadFile(jwks_path);
  const size_t at = jwks.find("\"kid\":\"");
  if (at == std::string::npos) return "";
  const size_t start = at + 7;
  return jwks.substr(start, jwks.find('"', start) - start);
}

// Regressions of what fuzz/jwt_verifier_fuzzer found in cpp-jwt, reachable without a valid
// signature (only a public kid is needed): a byte >= 0x80 in the payload (out-of-bounds read in
// its base64 decoder) and a float `exp` (undefined float-to-integer conversion, checked before the
// signature). Both are refused as UNAUTHENTICATED and the service keeps serving.
TEST(MalformedTokenTest, NonAsciiOrFloatClaimsAreRefusedAndTheServiceStaysUp) {
  const StackEnv& env = StackEnv::Get();
  auto identity = idv1::IdentityService::NewStub(Channel(env.identity_port));
  const std::string idp_kid = KidOf(env.run_dir + "/dev-idp/dev-idp-jwks.json");
  const std::string access_kid = KidOf(env.run_dir + "/jwks/identity.json");
  ASSERT_FALSE(idp_kid.empty());
  ASSERT_FALSE(access_kid.empty());
  auto header = [](const std::string& kid) {
    return B64Url(absl::StrCat(R"({"alg":"ES256","typ":"JWT","kid":")", kid, R"("})"));
  };
  const std::string float_exp = B64Url(
      R"({"iss":"https://dev-idp.wse-loket.invalid","aud":"wse-loket","sub":"x","exp":1e300})");
  const std::string signature = B64Url(std::string(64, 's'));
  const std::vector<std::string> id_tokens = {
      header(idp_kid) + ".eyJzdWIiOiJ4In0\xc3\xa9\xc3\xa9\xc3\xa9." + signature,
      header(idp_kid) + "." + float_exp + "." + signature,
  };
  for (const std::string& token : id_tokens) {
    grpc::ClientContext context;
    idv1::ExchangeIdTokenRequest request;
    request.set_id_token(token);
    idv1::ExchangeIdTokenResponse response;
    const grpc::Status status = identity->ExchangeIdToken(&context, request, &response);
    EXPECT_EQ(status.error_code(), C::UNAUTHENTICATED) << status.error_message();
  }
  {
    grpc::ClientContext context;
    Bearer(&context, header(access_kid) + "." + float_exp + "." + signature);
    idv1::GetCurrentUserResponse response;
    const grpc::Status status = identity->GetCurrentUser(&context, {}, &response);
    EXPECT_EQ(status.error_code(), C::UNAUTHENTICATED) << status.error_message();
  }
  EXPECT_EQ(HealthOf(env.identity_port, "wse.identity.v1.IdentityService"), "SERVING");
}

}  // namespace
}  // namespace wse::testing
