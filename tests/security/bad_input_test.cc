// Abuse through bad input, against the test stack, by callers that are allowed to make the call
// (so the request reaches the service's validation): oversized messages and strings, invalid
// UTF-8, SQL metacharacters in identifiers, negative and huge numbers, unknown enum values, too
// many items. Each must be INVALID_ARGUMENT naming the field (RESOURCE_EXHAUSTED for sizes past a
// limit), and none may change data: the rows of every service's tables (and the content checksums
// of those no background job touches) are the same after the barrage as before. Free text, on the
// other hand, is data: SQL metacharacters there are stored and returned verbatim.
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
constexpr char kPlaceholder[] = "UTF8SLOT";            // 8 bytes, replaced on the wire by:
constexpr char kInvalidUtf8[] = "\xff\xfe\xc3\x28\xa0\xa1\xe2\x28";  // 8 bytes of invalid UTF-8.
constexpr size_t kOverMessageLimit = 5 * 1024 * 1024;  // The services accept 4 MiB.

std::string Hex(size_t bytes) {
  static std::mt19937_64 rng{std::random_device{}()};
  std::string out;
  while (out.size() < bytes * 2) out += absl::StrFormat("%016x", rng());
  return out.substr(0, bytes * 2);
}

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

class BadInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const StackEnv& env = StackEnv::Get();
    identity_ = idv1::IdentityService::NewStub(Channel(env.identity_port));
    rights_ = rv1::RightsService::NewStub(Channel(env.rights_port));
    registration_ = reg::RegistrationService::NewStub(Channel(env.registration_port));
    notify_ = nv1::NotifyService::NewStub(Channel(env.notify_port));
    operator_ = OperatorToken();

    // A school (its local administrator, a member with the right), a training and a draft.
    flow::Flow flow(env);
    ASSERT_OK_AND_ASSIGN(flow::School school, flow.NewSchool("Abuse School", 1, /*grant=*/true));
    org_ = school.org;
    admin_ = school.admin_token;
    user_ = school.tokens[0];
    user_name_ = school.users[0].name;
    odb_ = flow::NewOdbNumber();
    ASSERT_OK_AND_ASSIGN(reg::ImportOutcome imported,
                         flow.ImportTraining(odb_, org_, "Misbruik voor beginners"));
    ASSERT_EQ(imported, reg::IMPORT_OUTCOME_CREATED);
    ASSERT_OK_AND_ASSIGN(draft_, flow.CreateDraft(user_, org_, odb_, "2025-2026"));
  }

  reg::Training Training(const std::string& odb) {
    reg::Training t;
    t.set_odb_number(odb);
    t.set_provider_organization(org_);
    t.set_title("Misbruik voor beginners");
    t.set_type(reg::TRAINING_TYPE_CONTACT_HOURS);
    t.set_planned_hours(120);
    t.set_delivery_mode(reg::DELIVERY_MODE_CLASSROOM);
    t.mutable_recognition_start_date()->set_year(2020);
    t.mutable_recognition_start_date()->set_month(9);
    t.mutable_recognition_start_date()->set_day(1);
    return t;
  }

  reg::Participant Participant(const std::string& insz) {
    reg::Participant p;
    p.set_insz(insz);
    p.set_display_name("Deelnemer");
    p.mutable_attendance()->set_hours_present(10);
    p.mutable_attendance()->set_contact_hours_to_follow(40);
    return p;
  }

  // Runs `call` with `token` and checks the answer: `want`, and for INVALID_ARGUMENT a field
  // violation on `field` (prefix match, so "participant.attendance" covers its subfields).
  template <typename Call>
  void Expect(const std::string& what, const std::string& token, C want, const std::string& field,
              Call call) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    if (!token.empty()) Bearer(&context, token);
    const grpc::Status status = call(&context);
    ++cases_;
    EXPECT_EQ(status.error_code(), want)
        << what << ": " << status.error_code() << " " << status.error_message();
    if (want != C::INVALID_ARGUMENT || field.empty() || status.error_code() != want) return;
    bool named = false;
    for (const FieldViolation& v : FieldViolationsOf(FromGrpcStatus(status))) {
      named = named || absl::StartsWith(v.field, field);
    }
    EXPECT_TRUE(named) << what << ": no field violation on '" << field << "' in "
                       << status.error_message();
  }

  // Sends `message` with its placeholder string replaced by invalid UTF-8 on the wire.
  void ExpectInvalidUtf8(const std::string& what, int port, const std::string& path,
                         const std::string& token, const google::protobuf::Message& message) {
    std::string bytes = message.SerializeAsString();
    ASSERT_NE(bytes.find(kPlaceholder), std::string::npos) << what;
    bytes = absl::StrReplaceAll(bytes, {{kPlaceholder, kInvalidUtf8}});
    GenericAnswer answer = CallUnaryBytes(port, path, token, bytes);
    ++cases_;
    // gRPC's protobuf parser refuses the message (proto3 strings must be UTF-8) before the
    // handler runs; common/request_parse_interceptor turns that into INVALID_ARGUMENT.
    utf8_codes_[what] = answer.status.error_code();
    ExpectNamedViolation(what, answer.status, "request");
  }

  void ExpectNamedViolation(const std::string& what, const grpc::Status& status,
                            const std::string& field) {
    ASSERT_EQ(status.error_code(), C::INVALID_ARGUMENT)
        << what << ": " << status.error_code() << " " << status.error_message();
    bool named = false;
    for (const FieldViolation& v : FieldViolationsOf(FromGrpcStatus(status))) {
      named = named || v.field == field;
    }
    EXPECT_TRUE(named) << what << ": no field violation on '" << field << "' in "
                       << status.error_message();
  }

  std::unique_ptr<idv1::IdentityService::Stub> identity_;
  std::unique_ptr<rv1::RightsService::Stub> rights_;
  std::unique_ptr<reg::RegistrationService::Stub> registration_;
  std::unique_ptr<nv1::NotifyService::Stub> notify_;
  std::string operator_, admin_, user_, user_name_, org_, odb_;
  reg::Draft draft_;
  int cases_ = 0;
  std::map<std::string, C> utf8_codes_;
};

TEST_F(BadInputTest, RefusedWithInvalidArgumentAndNothingChanges) {
  // A quiet stack first: mails of earlier tests still on their way would change notify's rows.
  std::string pending;
  ASSERT_TRUE(WaitForMailQuiet(MailHighWater{}, absl::Seconds(60), &pending))
      << "the test stack still delivers mails of earlier tests: " << pending;
  const auto before = Snapshot();
  const StackEnv& env = StackEnv::Get();
  const std::string huge(kOverMessageLimit, 'x');
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  const C IA = C::INVALID_ARGUMENT;

  // ---- identity-svc ----
  Expect("ExchangeIdToken: 17 KiB id_token", "", IA, "id_token", [&](auto* c) {
    idv1::ExchangeIdTokenRequest r;
    r.set_id_token(std::string(17 * 1024, 'e'));
    idv1::ExchangeIdTokenResponse out;
    return identity_->ExchangeIdToken(c, r, &out);
  });
  Expect("ExchangeIdToken: 5 MiB message", "", C::RESOURCE_EXHAUSTED, "", [&](auto* c) {
    idv1::ExchangeIdTokenRequest r;
    r.set_id_token(huge);
    idv1::ExchangeIdTokenResponse out;
    return identity_->ExchangeIdToken(c, r, &out);
  });
  Expect("ExchangeIdToken: long nonce", "", IA, "nonce", [&](auto* c) {
    idv1::ExchangeIdTokenRequest r;
    r.set_id_token("eyJhbGciOiJFUzI1NiJ9.e30.c2ln");
    r.set_nonce(std::string(300, 'n'));
    idv1::ExchangeIdTokenResponse out;
    return identity_->ExchangeIdToken(c, r, &out);
  });
  Expect("RefreshSession: 300-character token", "", IA, "refresh_token", [&](auto* c) {
    idv1::RefreshSessionRequest r;
    r.set_refresh_token(std::string(300, 'r'));
    idv1::RefreshSessionResponse out;
    return identity_->RefreshSession(c, r, &out);
  });
  Expect("SelectActingContext: SQL in organization", user_, IA, "organization", [&](auto* c) {
    idv1::SelectActingContextRequest r;
    r.set_organization(absl::StrCat("organizations/", kSql));
    idv1::SelectActingContextResponse out;
    return identity_->SelectActingContext(c, r, &out);
  });
  Expect("GetPerson: path traversal in name", operator_, IA, "name", [&](auto* c) {
    idv1::GetPersonRequest r;
    r.set_name("persons/../../organizations");
    idv1::GetPersonResponse out;
    return identity_->GetPerson(c, r, &out);
  });
  Expect("LookupPerson: SQL as INSZ", operator_, IA, "insz", [&](auto* c) {
    idv1::LookupPersonRequest r;
    r.set_insz(kSql);
    idv1::LookupPersonResponse out;
    return identity_->LookupPerson(c, r, &out);
  });
  Expect("LookupPerson: 100 KiB INSZ", operator_, IA, "insz", [&](auto* c) {
    idv1::LookupPersonRequest r;
    r.set_insz(std::string(100 * 1024, '7'));
    idv1::LookupPersonResponse out;
    return identity_->LookupPerson(c, r, &out);
  });
  Expect("LookupOrganization: SQL after a KBO number", operator_, IA, "identifier.kbo_number",
         [&](auto* c) {
           idv1::LookupOrganizationRequest r;
           r.mutable_identifier()->set_kbo_number(absl::StrCat("0412345614", kSql));
           idv1::LookupOrganizationResponse out;
           return identity_->LookupOrganization(c, r, &out);
         });
  Expect("ListOrganizations: negative page_size", operator_, IA, "page_size", [&](auto* c) {
    idv1::ListOrganizationsRequest r;
    r.set_page_size(-1);
    idv1::ListOrganizationsResponse out;
    return identity_->ListOrganizations(c, r, &out);
  });
  Expect("ListOrganizations: SQL page_token", operator_, IA, "page_token", [&](auto* c) {
    idv1::ListOrganizationsRequest r;
    r.set_page_token(kSql);
    idv1::ListOrganizationsResponse out;
    return identity_->ListOrganizations(c, r, &out);
  });
  Expect("ListOrganizations: unknown kind", operator_, IA, "kind", [&](auto* c) {
    idv1::ListOrganizationsRequest r;
    r.set_kind(static_cast<idv1::OrganizationKind>(77));
    idv1::ListOrganizationsResponse out;
    return identity_->ListOrganizations(c, r, &out);
  });
  Expect("ListOrganizations: 201-character query", operator_, IA, "query", [&](auto* c) {
    idv1::ListOrganizationsRequest r;
    r.set_query(std::string(201, 'q'));
    idv1::ListOrganizationsResponse out;
    return identity_->ListOrganizations(c, r, &out);
  });
  Expect("BatchImportPersons: 1001 items", operator_, IA, "persons", [&](auto* c) {
    idv1::BatchImportPersonsRequest r;
    for (int i = 0; i < 1001; ++i) r.add_persons()->set_insz(flow::NewInsz());
    idv1::BatchImportPersonsResponse out;
    return identity_->BatchImportPersons(c, r, &out);
  });
  {
    // An invalid item fails alone, with its violation; the call answers, nothing is stored.
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
    ++cases_;
  }
  {
    idv1::ListOrganizationsRequest r;
    r.set_query(kPlaceholder);
    ExpectInvalidUtf8("identity ListOrganizations.query", env.identity_port,
                      "/wse.identity.v1.IdentityService/ListOrganizations", operator_, r);
  }

  // ---- rights-svc ----
  Expect("CreateWorkRelation: SQL in parent", admin_, IA, "parent", [&](auto* c) {
    rv1::CreateWorkRelationRequest r;
    r.set_parent(absl::StrCat("organizations/", kSql));
    r.set_request_id(Hex(8));
    r.mutable_work_relation()->set_person("persons/abc");
    r.mutable_work_relation()->set_type(rv1::WORK_RELATION_TYPE_VASTE_MEDEWERKER);
    rv1::CreateWorkRelationResponse out;
    return rights_->CreateWorkRelation(c, r, &out);
  });
  Expect("CreateWorkRelation: SQL in request_id", admin_, IA, "request_id", [&](auto* c) {
    rv1::CreateWorkRelationRequest r;
    r.set_parent(org_);
    r.set_request_id(kSql);
    r.mutable_work_relation()->set_person("persons/abc");
    r.mutable_work_relation()->set_type(rv1::WORK_RELATION_TYPE_VASTE_MEDEWERKER);
    rv1::CreateWorkRelationResponse out;
    return rights_->CreateWorkRelation(c, r, &out);
  });
  Expect("CreateWorkRelation: SQL in person", admin_, IA, "work_relation.person", [&](auto* c) {
    rv1::CreateWorkRelationRequest r;
    r.set_parent(org_);
    r.set_request_id(Hex(8));
    r.mutable_work_relation()->set_person(absl::StrCat("persons/", kSql));
    r.mutable_work_relation()->set_type(rv1::WORK_RELATION_TYPE_VASTE_MEDEWERKER);
    rv1::CreateWorkRelationResponse out;
    return rights_->CreateWorkRelation(c, r, &out);
  });
  Expect("CreateWorkRelation: unknown enum type", admin_, IA, "work_relation.type", [&](auto* c) {
    rv1::CreateWorkRelationRequest r;
    r.set_parent(org_);
    r.set_request_id(Hex(8));
    r.mutable_work_relation()->set_person("persons/abc");
    r.mutable_work_relation()->set_type(static_cast<rv1::WorkRelationType>(4242));
    rv1::CreateWorkRelationResponse out;
    return rights_->CreateWorkRelation(c, r, &out);
  });
  for (int64_t seconds : {int64_t{-1}, int64_t{1} << 50}) {
    Expect(absl::StrCat("CreateGrant: validity start ", seconds, " s"), admin_, IA,
           "grant.validity", [&](auto* c) {
             rv1::CreateGrantRequest r;
             r.set_parent(org_);
             r.set_request_id(Hex(8));
             r.mutable_grant()->set_person("persons/abc");
             r.mutable_grant()->set_role("DWSE_ORGANISATIEVERANTWOORDELIJKE");
             r.mutable_grant()->set_context("opleidingsverlof");
             r.mutable_grant()->mutable_validity()->mutable_start_time()->set_seconds(seconds);
             rv1::CreateGrantResponse out;
             return rights_->CreateGrant(c, r, &out);
           });
  }
  Expect("CreateGrant: negative nanos", admin_, IA, "grant.validity", [&](auto* c) {
    rv1::CreateGrantRequest r;
    r.set_parent(org_);
    r.set_request_id(Hex(8));
    r.mutable_grant()->set_person("persons/abc");
    r.mutable_grant()->set_role("DWSE_ORGANISATIEVERANTWOORDELIJKE");
    r.mutable_grant()->mutable_validity()->mutable_end_time()->set_nanos(-1);
    rv1::CreateGrantResponse out;
    return rights_->CreateGrant(c, r, &out);
  });
  Expect("CreateGrant: 65-character role", admin_, IA, "grant.role", [&](auto* c) {
    rv1::CreateGrantRequest r;
    r.set_parent(org_);
    r.set_request_id(Hex(8));
    r.mutable_grant()->set_person("persons/abc");
    r.mutable_grant()->set_role(std::string(65, 'R'));
    rv1::CreateGrantResponse out;
    return rights_->CreateGrant(c, r, &out);
  });
  Expect("RevokeGrant: 1001-character reason", admin_, IA, "reason", [&](auto* c) {
    rv1::RevokeGrantRequest r;
    r.set_name(absl::StrCat(org_, "/grants/doesnotexist"));
    r.set_etag("v1");
    r.set_reason(std::string(1001, 'r'));
    rv1::RevokeGrantResponse out;
    return rights_->RevokeGrant(c, r, &out);
  });
  for (const char* etag : {"v-1", "v0", "vabc", "v99999999999999999999", "1' OR '1'='1"}) {
    Expect(absl::StrCat("EndWorkRelation: etag ", etag), admin_, IA, "etag", [&](auto* c) {
      rv1::EndWorkRelationRequest r;
      r.set_name(absl::StrCat(org_, "/workRelations/doesnotexist"));
      r.set_etag(etag);
      rv1::EndWorkRelationResponse out;
      return rights_->EndWorkRelation(c, r, &out);
    });
  }
  Expect("ListGrants: negative page_size", admin_, IA, "page_size", [&](auto* c) {
    rv1::ListGrantsRequest r;
    r.set_parent(org_);
    r.set_page_size(-5);
    rv1::ListGrantsResponse out;
    return rights_->ListGrants(c, r, &out);
  });
  Expect("ListGrants: SQL page_token", admin_, IA, "page_token", [&](auto* c) {
    rv1::ListGrantsRequest r;
    r.set_parent(org_);
    r.set_page_token(kSql);
    rv1::ListGrantsResponse out;
    return rights_->ListGrants(c, r, &out);
  });
  Expect("ListAuditEvents: negative page_token", admin_, IA, "page_token", [&](auto* c) {
    rv1::ListAuditEventsRequest r;
    r.set_parent(org_);
    r.set_page_token("-5");
    rv1::ListAuditEventsResponse out;
    return rights_->ListAuditEvents(c, r, &out);
  });
  Expect("CreateAccessRequest: 5 KiB reason", user_, IA, "access_request.reason", [&](auto* c) {
    rv1::CreateAccessRequestRequest r;
    r.set_parent(org_);
    r.set_request_id(Hex(8));
    r.mutable_access_request()->set_role("DWSE_ORGANISATIEVERANTWOORDELIJKE");
    r.mutable_access_request()->set_context("opleidingsdatabank");
    r.mutable_access_request()->set_reason(std::string(5000, 'w'));
    rv1::CreateAccessRequestResponse out;
    return rights_->CreateAccessRequest(c, r, &out);
  });
  Expect("CreateAccessRequest: 5 MiB message", user_, C::RESOURCE_EXHAUSTED, "", [&](auto* c) {
    rv1::CreateAccessRequestRequest r;
    r.set_parent(org_);
    r.set_request_id(Hex(8));
    r.mutable_access_request()->set_reason(huge);
    rv1::CreateAccessRequestResponse out;
    return rights_->CreateAccessRequest(c, r, &out);
  });
  Expect("ListAccessRequests: unknown state", admin_, IA, "state", [&](auto* c) {
    rv1::ListAccessRequestsRequest r;
    r.set_parent(org_);
    r.set_state(static_cast<rv1::AccessRequestState>(-3));
    rv1::ListAccessRequestsResponse out;
    return rights_->ListAccessRequests(c, r, &out);
  });
  Expect("CheckPermission: 101-character permission", user_, IA, "permission", [&](auto* c) {
    rv1::CheckPermissionRequest r;
    r.set_person(user_name_);
    r.set_permission(std::string(101, 'p'));
    rv1::CheckPermissionResponse out;
    return rights_->CheckPermission(c, r, &out);
  });
  {
    rv1::ListGrantsRequest r;
    r.set_parent(org_);
    r.set_role(kPlaceholder);
    ExpectInvalidUtf8("rights ListGrants.role", env.rights_port,
                      "/wse.rights.v1.RightsService/ListGrants", admin_, r);
  }

  // ---- registration-svc ----
  Expect("CreateDraft: SQL in training", user_, IA, "draft.training", [&](auto* c) {
    reg::CreateDraftRequest r;
    r.set_parent(org_);
    r.set_request_id(Hex(8));
    r.mutable_draft()->set_training(absl::StrCat("trainings/", kSql));
    r.mutable_draft()->set_school_year("2025-2026");
    reg::CreateDraftResponse out;
    return registration_->CreateDraft(c, r, &out);
  });
  for (const char* year : {"99999-100000", "-2025--2024", "2025-2027", "2025-2026' --"}) {
    Expect(absl::StrCat("CreateDraft: school year ", year), user_, IA, "draft.school_year",
           [&](auto* c) {
             reg::CreateDraftRequest r;
             r.set_parent(org_);
             r.set_request_id(Hex(8));
             r.mutable_draft()->set_training("trainings/" + odb_);
             r.mutable_draft()->set_school_year(year);
             reg::CreateDraftResponse out;
             return registration_->CreateDraft(c, r, &out);
           });
  }
  Expect("CreateDraft: 65-character request_id", user_, IA, "request_id", [&](auto* c) {
    reg::CreateDraftRequest r;
    r.set_parent(org_);
    r.set_request_id(std::string(65, 'a'));
    r.mutable_draft()->set_training("trainings/" + odb_);
    r.mutable_draft()->set_school_year("2025-2026");
    reg::CreateDraftResponse out;
    return registration_->CreateDraft(c, r, &out);
  });
  Expect("GetDraft: 10 KiB name", user_, IA, "name", [&](auto* c) {
    reg::GetDraftRequest r;
    r.set_name(absl::StrCat(org_, "/drafts/", std::string(10240, 'd')));
    reg::GetDraftResponse out;
    return registration_->GetDraft(c, r, &out);
  });
  struct BadParticipant {
    const char* what;
    const char* field;
    std::function<void(reg::Participant&)> spoil;
  };
  const BadParticipant kBad[] = {
      {"INSZ with a wrong checksum", "participant.insz",
       [](reg::Participant& p) { p.set_insz("12345678901"); }},
      {"SQL as INSZ", "participant.insz", [](reg::Participant& p) { p.set_insz(kSql); }},
      {"10,000-character display name", "participant.display_name",
       [](reg::Participant& p) { p.set_display_name(std::string(10000, 'n')); }},
      {"control characters in the display name", "participant.display_name",
       [](reg::Participant& p) { p.set_display_name("Jan\x01\x1b[2J"); }},
      {"negative hours", "participant.attendance",
       [](reg::Participant& p) { p.mutable_attendance()->set_hours_present(-1); }},
      {"1e308 hours", "participant.attendance",
       [](reg::Participant& p) { p.mutable_attendance()->set_hours_present(1e308); }},
      {"NaN hours", "participant.attendance",
       [nan](reg::Participant& p) { p.mutable_attendance()->set_contact_hours_to_follow(nan); }},
      {"infinite hours", "participant.attendance",
       [inf](reg::Participant& p) { p.mutable_attendance()->set_unjustified_absence_hours(inf); }},
      {"three decimals", "participant.attendance",
       [](reg::Participant& p) { p.mutable_attendance()->set_hours_present(1.005); }},
      {"unknown final assessment", "participant.final_assessment",
       [](reg::Participant& p) {
         p.set_final_assessment(static_cast<reg::FinalAssessment>(-7));
       }},
      {"impossible end date", "participant.actual_end_date",
       [](reg::Participant& p) {
         p.mutable_actual_end_date()->set_year(2025);
         p.mutable_actual_end_date()->set_month(2);
         p.mutable_actual_end_date()->set_day(30);
       }},
  };
  for (const BadParticipant& bad : kBad) {
    Expect(absl::StrCat("AddParticipant: ", bad.what), user_, IA, bad.field, [&](auto* c) {
      reg::AddParticipantRequest r;
      r.set_parent(draft_.name());
      r.set_etag(draft_.etag());
      *r.mutable_participant() = Participant(flow::NewInsz());
      bad.spoil(*r.mutable_participant());
      reg::AddParticipantResponse out;
      return registration_->AddParticipant(c, r, &out);
    });
  }
  Expect("AddParticipant: 5 MiB message", user_, C::RESOURCE_EXHAUSTED, "", [&](auto* c) {
    reg::AddParticipantRequest r;
    r.set_parent(draft_.name());
    r.set_etag(draft_.etag());
    *r.mutable_participant() = Participant(flow::NewInsz());
    r.mutable_participant()->set_display_name(huge);
    reg::AddParticipantResponse out;
    return registration_->AddParticipant(c, r, &out);
  });
  {
    // A batch over 500 rows, and a stream over the 10,000-row limit: refused whole.
    auto upload = [&](int batches, int rows_per_batch) {
      grpc::ClientContext c;
      Bearer(&c, user_);
      reg::UploadParticipantsResponse out;
      auto writer = registration_->UploadParticipants(&c, &out);
      reg::UploadParticipantsRequest header;
      header.mutable_header()->set_draft(draft_.name());
      header.mutable_header()->set_etag(draft_.etag());
      header.mutable_header()->set_mode(reg::UPLOAD_MODE_REPLACE_ALL);
      writer->Write(header);
      int row = 1;
      for (int b = 0; b < batches; ++b) {
        reg::UploadParticipantsRequest batch;
        for (int i = 0; i < rows_per_batch; ++i) {
          auto* r = batch.mutable_batch()->add_rows();
          r->set_row_number(++row);
          *r->mutable_participant() = Participant(flow::NewInsz());
        }
        if (!writer->Write(batch)) break;
      }
      writer->WritesDone();
      return writer->Finish();
    };
    grpc::Status big_batch = upload(1, 501);
    EXPECT_EQ(big_batch.error_code(), IA) << big_batch.error_message();
    grpc::Status too_many = upload(21, 500);
    EXPECT_EQ(too_many.error_code(), C::RESOURCE_EXHAUSTED) << too_many.error_message();
    cases_ += 2;
  }
  {
    // Invalid UTF-8 in the second batch of an upload: the whole upload is refused, not applied
    // up to the bad message as if the stream had ended there.
    reg::UploadParticipantsRequest header;
    header.mutable_header()->set_draft(draft_.name());
    header.mutable_header()->set_etag(draft_.etag());
    header.mutable_header()->set_mode(reg::UPLOAD_MODE_MERGE);
    std::vector<std::string> frames = {header.SerializeAsString()};
    for (int b = 0; b < 3; ++b) {
      reg::UploadParticipantsRequest batch;
      auto* r = batch.mutable_batch()->add_rows();
      r->set_row_number(b + 1);
      *r->mutable_participant() = Participant(flow::NewInsz());
      if (b == 1) r->mutable_participant()->set_display_name(kPlaceholder);
      std::string bytes = batch.SerializeAsString();
      frames.push_back(absl::StrReplaceAll(bytes, {{kPlaceholder, kInvalidUtf8}}));
    }
    GenericAnswer answer =
        CallClientStreamBytes(env.registration_port,
                              "/wse.registration.v1.RegistrationService/UploadParticipants",
                              user_, frames);
    ++cases_;
    utf8_codes_["registration UploadParticipants messages[2]"] = answer.status.error_code();
    ExpectNamedViolation("UploadParticipants: invalid UTF-8 in messages[2]", answer.status,
                         "messages[2]");
  }
  Expect("ListDrafts: negative page_size", user_, IA, "page_size", [&](auto* c) {
    reg::ListDraftsRequest r;
    r.set_parent(org_);
    r.set_page_size(std::numeric_limits<int32_t>::min());
    reg::ListDraftsResponse out;
    return registration_->ListDrafts(c, r, &out);
  });
  Expect("ListDrafts: SQL page_token", user_, IA, "page_token", [&](auto* c) {
    reg::ListDraftsRequest r;
    r.set_parent(org_);
    r.set_page_token(kSql);
    reg::ListDraftsResponse out;
    return registration_->ListDrafts(c, r, &out);
  });
  Expect("ListRegistrations: short participant INSZ", user_, IA, "participant_insz",
         [&](auto* c) {
           reg::ListRegistrationsRequest r;
           r.set_parent(org_);
           r.set_participant_insz("1234");
           reg::ListRegistrationsResponse out;
           return registration_->ListRegistrations(c, r, &out);
         });
  Expect("GetRegistration: unknown view", user_, IA, "view", [&](auto* c) {
    reg::GetRegistrationRequest r;
    r.set_name(absl::StrCat(org_, "/registrations/doesnotexist"));
    r.set_view(static_cast<reg::RegistrationView>(99));
    reg::GetRegistrationResponse out;
    return registration_->GetRegistration(c, r, &out);
  });
  Expect("GetRegistration: huge version", user_, IA, "name", [&](auto* c) {
    reg::GetRegistrationRequest r;
    r.set_name(absl::StrCat(org_, "/registrations/abc@99999999999999999999"));
    reg::GetRegistrationResponse out;
    return registration_->GetRegistration(c, r, &out);
  });
  Expect("WithdrawRegistration: 1001-character reason", user_, IA, "reason", [&](auto* c) {
    reg::WithdrawRegistrationRequest r;
    r.set_name(absl::StrCat(org_, "/registrations/doesnotexist"));
    r.set_etag("1");
    r.set_reason(std::string(1001, 'r'));
    r.set_request_id(Hex(8));
    reg::WithdrawRegistrationResponse out;
    return registration_->WithdrawRegistration(c, r, &out);
  });
  Expect("ListTrainings: 201-character query", user_, IA, "query", [&](auto* c) {
    reg::ListTrainingsRequest r;
    r.set_provider_organization(org_);
    r.set_query(std::string(201, 'q'));
    reg::ListTrainingsResponse out;
    return registration_->ListTrainings(c, r, &out);
  });
  Expect("BatchImportTrainings: 1001 items", operator_, IA, "trainings", [&](auto* c) {
    reg::BatchImportTrainingsRequest r;
    for (int i = 0; i < 1001; ++i) *r.add_trainings() = Training(absl::StrCat("ODB-Z", i));
    reg::BatchImportTrainingsResponse out;
    return registration_->BatchImportTrainings(c, r, &out);
  });
  {
    grpc::ClientContext c;
    Bearer(&c, operator_);
    reg::BatchImportTrainingsRequest r;
    reg::Training t = Training(absl::StrCat("ODB-Q", Hex(4)));
    t.set_planned_hours(-40);
    t.mutable_recognition_start_date()->set_month(13);
    *r.add_trainings() = t;
    reg::Training sql = Training(absl::StrCat("ODB-", kSql));
    *r.add_trainings() = sql;
    reg::BatchImportTrainingsResponse out;
    ASSERT_TRUE(registration_->BatchImportTrainings(&c, r, &out).ok());
    EXPECT_EQ(out.results(0).outcome(), reg::IMPORT_OUTCOME_FAILED);
    EXPECT_EQ(out.results(1).outcome(), reg::IMPORT_OUTCOME_FAILED);
    ++cases_;
  }
  {
    reg::ListTrainingsRequest r;
    r.set_provider_organization(org_);
    r.set_query(kPlaceholder);
    ExpectInvalidUtf8("registration ListTrainings.query", env.registration_port,
                      "/wse.registration.v1.RegistrationService/ListTrainings", user_, r);
  }

  // ---- notify-svc ----
  auto mail = [&]() {
    nv1::SendMailRequest r;
    r.set_idempotency_key(absl::StrCat("abuse/", Hex(8)));
    r.set_template_id("access-request-rejected");
    r.add_recipients()->set_email_address("abuse@abuse.example");
    auto& p = *r.mutable_parameters();
    p["requester_name"] = "A";
    p["organization_name"] = "B";
    p["role_label"] = "C";
    p["context"] = "D";
    p["rejection_reason"] = "E";
    return r;
  };
  struct BadMail {
    const char* what;
    const char* field;
    std::function<void(nv1::SendMailRequest&)> spoil;
  };
  const BadMail kBadMails[] = {
      {"201-character idempotency key", "idempotency_key",
       [](nv1::SendMailRequest& r) { r.set_idempotency_key(std::string(201, 'k')); }},
      {"path traversal as template", "template_id",
       [](nv1::SendMailRequest& r) { r.set_template_id("../../../etc/passwd"); }},
      {"SQL as locale", "locale", [](nv1::SendMailRequest& r) { r.set_locale(kSql); }},
      {"SQL as e-mail address", "recipients[0]",
       [](nv1::SendMailRequest& r) { r.mutable_recipients(0)->set_email_address(kSql); }},
      {"header injection in the e-mail address", "recipients[0]",
       [](nv1::SendMailRequest& r) {
         r.mutable_recipients(0)->set_email_address("a@b.example\r\nBcc: all@example.com");
       }},
      {"no recipients", "recipients", [](nv1::SendMailRequest& r) { r.clear_recipients(); }},
      {"51 recipients", "recipients",
       [](nv1::SendMailRequest& r) {
         for (int i = 0; i < 50; ++i) r.add_recipients()->set_email_address("x@abuse.example");
       }},
      {"10,001-character parameter", "parameters",
       [](nv1::SendMailRequest& r) {
         (*r.mutable_parameters())["rejection_reason"] = std::string(10001, 'p');
       }},
  };
  for (const BadMail& bad : kBadMails) {
    Expect(absl::StrCat("SendMail: ", bad.what), operator_, IA, bad.field, [&](auto* c) {
      nv1::SendMailRequest r = mail();
      bad.spoil(r);
      nv1::SendMailResponse out;
      return notify_->SendMail(c, r, &out);
    });
  }
  Expect("SendMail: 5 MiB message", operator_, C::RESOURCE_EXHAUSTED, "", [&](auto* c) {
    nv1::SendMailRequest r = mail();
    (*r.mutable_parameters())["rejection_reason"] = huge;
    nv1::SendMailResponse out;
    return notify_->SendMail(c, r, &out);
  });
  Expect("ListMessages: negative page_size", operator_, IA, "page_size", [&](auto* c) {
    nv1::ListMessagesRequest r;
    r.set_page_size(-1);
    nv1::ListMessagesResponse out;
    return notify_->ListMessages(c, r, &out);
  });
  Expect("ListMessages: unknown state", operator_, IA, "state", [&](auto* c) {
    nv1::ListMessagesRequest r;
    r.set_state(static_cast<nv1::MessageState>(99));
    nv1::ListMessagesResponse out;
    return notify_->ListMessages(c, r, &out);
  });
  Expect("ListMessages: SQL page_token", operator_, IA, "page_token", [&](auto* c) {
    nv1::ListMessagesRequest r;
    r.set_page_token(kSql);
    nv1::ListMessagesResponse out;
    return notify_->ListMessages(c, r, &out);
  });
  for (int limit : {-1, 1001, std::numeric_limits<int32_t>::max()}) {
    Expect(absl::StrCat("RetryDeadLetters: limit ", limit), operator_, IA, "limit", [&](auto* c) {
      nv1::RetryDeadLettersRequest r;
      r.set_all(true);
      r.set_limit(limit);
      nv1::RetryDeadLettersResponse out;
      return notify_->RetryDeadLetters(c, r, &out);
    });
  }
  Expect("RetryDeadLetters: SQL as name", operator_, IA, "names[0]", [&](auto* c) {
    nv1::RetryDeadLettersRequest r;
    r.add_names(absl::StrCat("messages/", kSql));
    nv1::RetryDeadLettersResponse out;
    return notify_->RetryDeadLetters(c, r, &out);
  });
  Expect("PreviewTemplate: SQL as template", operator_, IA, "template_id", [&](auto* c) {
    nv1::PreviewTemplateRequest r;
    r.set_template_id(kSql);
    nv1::PreviewTemplateResponse out;
    return notify_->PreviewTemplate(c, r, &out);
  });
  {
    nv1::ListMessagesRequest r;
    r.set_recipient(kPlaceholder);
    ExpectInvalidUtf8("notify ListMessages.recipient", env.notify_port,
                      "/wse.notify.v1.NotifyService/ListMessages", operator_, r);
  }

  // Nothing changed anywhere.
  const auto after = Snapshot();
  EXPECT_EQ(before, after);
  for (const auto& [what, value] : before) {
    EXPECT_EQ(after.count(what) ? after.at(what) : "<missing>", value) << what;
  }
  std::printf("%d bad requests, all refused; data unchanged (%zu table figures compared)\n",
              cases_, before.size());
  for (const auto& [what, code] : utf8_codes_) {
    std::printf("invalid UTF-8, %s: %s\n", what.c_str(),
                code == C::INVALID_ARGUMENT ? "INVALID_ARGUMENT" : "not INVALID_ARGUMENT");
  }
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
