// The authorization matrix against the running test stack: every row of authz_matrix_table.cc
// (one per RPC, enumerated from the protos by authz_matrix_unit_test) called generically (the
// request serialized into a ByteBuffer, the answer parsed with the method's descriptor) by every
// principal; each cell must answer its expected status, and no answer may carry data of an
// organisation the caller does not act for, nor any INSZ in clear.
#include "tests/security/authz_matrix.h"

#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "tests/flow/flow.h"
#include "tests/flow/identifiers.h"
#include "tests/support/grpc_generic.h"
#include "tests/support/grpc_helpers.h"
#include "tests/support/identity_test_data.h"
#include "tests/support/mail_sink.h"
#include "tests/support/security_tokens.h"
#include "tests/support/stack_env.h"
#include "tests/support/stack_quiet.h"
#include "tests/support/vov_fixtures.h"
#include "wse/notify/v1/notify_service.grpc.pb.h"
#include "wse/registration/v1/registration_service.grpc.pb.h"
#include "wse/rights/v1/rights_service.grpc.pb.h"

namespace wse::testing::security {
namespace {

namespace idv1 = wse::identity::v1;
namespace rv1 = wse::rights::v1;
namespace reg = wse::registration::v1;
namespace nv1 = wse::notify::v1;

std::string Hex(size_t bytes) {
  static std::mt19937_64 rng{std::random_device{}()};
  std::string out;
  while (out.size() < bytes * 2) out += absl::StrFormat("%016x", rng());
  return out.substr(0, bytes * 2);
}

std::string IdOf(absl::string_view name) {
  const size_t slash = name.rfind('/');
  return std::string(slash == absl::string_view::npos ? name : name.substr(slash + 1));
}

int PortOf(const std::string& target) {
  const StackEnv& env = StackEnv::Get();
  if (target == "identity") return env.identity_port;
  if (target == "rights") return env.rights_port;
  if (target == "registration") return env.registration_port;
  return env.notify_port;
}

// Calls the method with `requests` (one, or several for client streaming) over the generic API.
GenericAnswer CallGeneric(const google::protobuf::MethodDescriptor& method, int port,
                          const std::string& token, const Messages& requests) {
  const std::string path = absl::StrCat("/", method.service()->full_name(), "/", method.name());
  if (!method.client_streaming()) {
    return CallUnaryBytes(port, path, token, requests.at(0)->SerializeAsString());
  }
  std::vector<std::string> bytes;
  for (const auto& request : requests) bytes.push_back(request->SerializeAsString());
  return CallClientStreamBytes(port, path, token, bytes);
}

class AuthzMatrixTest : public ::testing::Test {
 protected:
  using Person = flow::Person;

  void SetUp() override {
    notify_ = nv1::NotifyService::NewStub(Channel(StackEnv::Get().notify_port));
    mail_mark_ = CurrentMailHighWater();
  }

  void TearDown() override {
    // Mails this test caused (receipt, access requests, the probe) must be out before the next
    // test starts counting mails.
    std::string pending;
    EXPECT_TRUE(WaitForMailQuiet(mail_mark_, absl::Seconds(60), &pending)) << pending;
  }

  // A step of the flow library that must succeed for the world to be built.
  template <typename T>
  T Must(absl::StatusOr<T> result, const char* what) {
    EXPECT_TRUE(result.ok()) << what << ": " << result.status();
    return std::move(result).value_or(T());
  }

  Person NewPerson(const std::string& given) {
    const std::string email =
        absl::StrCat(absl::AsciiStrToLower(given), "-", Hex(6), "@security.example");
    Person p = Must(flow_.ImportPerson(given, "Matrix", email), "ImportPerson");
    insz_.insert(p.insz);
    return p;
  }

  idv1::ExchangeIdTokenResponse Login(const Person& p) { return Must(flow_.Login(p), "Login"); }

  // Logs in (a session of its own) and selects `organization`; returns the token.
  std::string LoginFor(const Person& p, const std::string& organization,
                       std::string* session_name = nullptr) {
    idv1::ExchangeIdTokenResponse session = Login(p);
    if (session_name != nullptr) *session_name = session.session().name();
    return Must(flow_.Select(session.access_token(), organization), "SelectActingContext");
  }

  template <typename Call>
  void Ok(const std::string& token, Call call, const char* what) {
    grpc::ClientContext context;
    Bearer(&context, token);
    grpc::Status status = call(&context);
    ASSERT_TRUE(status.ok()) << what << ": " << status.error_message();
  }

  std::string WorkRelation(const std::string& admin_token, const std::string& org,
                           const Person& p) {
    return Must(flow_.AddWorkRelation(admin_token, org, p), "CreateWorkRelation").name();
  }

  std::string Grant(const std::string& token, const std::string& org, const Person& p) {
    return Must(flow_.Grant(token, org, p), "CreateGrant").name();
  }

  std::string Training(const std::string& org) {
    const std::string odb = flow::NewOdbNumber();
    EXPECT_EQ(Must(flow_.ImportTraining(odb, org, "Matrix opleiding"), "BatchImportTrainings"),
              reg::IMPORT_OUTCOME_CREATED);
    return "trainings/" + odb;
  }

  reg::Draft Draft(const std::string& token, const std::string& org, const std::string& training) {
    const std::string odb(absl::StripPrefix(training, "trainings/"));
    return Must(flow_.CreateDraft(token, org, odb, "2025-2026"), "CreateDraft");
  }

  reg::AddParticipantResponse Participant(const std::string& token, const reg::Draft& draft) {
    const std::string insz = flow::NewInsz();
    insz_.insert(insz);
    return Must(flow_.AddParticipant(token, draft.name(), draft.etag(),
                                     flow::Attending("Deelnemer Matrix", 40, 40, insz)),
                "AddParticipant");
  }

  // Builds organisations A and B, their people, resources and every principal's token.
  void BuildWorld() {
    World& w = world_;
    w.run_id = Hex(6);
    Person admin_a = NewPerson("AdminA");
    Person no_right = NewPerson("Zonder");
    Person with_right = NewPerson("Met");
    Person spare1 = NewPerson("Reserve");
    Person spare2 = NewPerson("Nieuw");
    Person admin_b = NewPerson("AdminB");
    w.kbo_a = flow::NewKboNumber();
    kbo_b_ = flow::NewKboNumber();
    w.org_a = Must(flow_.ImportOrganization("Matrix School A", {admin_a.insz}, w.kbo_a),
                   "ImportOrganization");
    w.org_b = Must(flow_.ImportOrganization("Matrix School B", {admin_b.insz}, kbo_b_),
                   "ImportOrganization");
    ASSERT_FALSE(w.org_a.empty());
    ASSERT_FALSE(w.org_b.empty());
    w.admin_a = admin_a.name;
    w.no_right_a = no_right.name;
    w.with_right_a = with_right.name;
    w.spare1_a = spare1.name;
    w.spare2_a = spare2.name;
    w.admin_b = admin_b.name;
    w.with_right_insz = with_right.insz;

    const std::string admin_a_token = LoginFor(admin_a, w.org_a);
    w.work_relation_a = WorkRelation(admin_a_token, w.org_a, no_right);
    WorkRelation(admin_a_token, w.org_a, with_right);
    WorkRelation(admin_a_token, w.org_a, spare1);
    w.grant_a = Grant(admin_a_token, w.org_a, with_right);
    Grant(OperatorToken(), w.org_b, admin_b);
    w.training_a = Training(w.org_a);
    w.training_b = Training(w.org_b);

    const std::string with_right_token = LoginFor(with_right, w.org_a, &w.with_right_session);
    const std::string no_right_token = LoginFor(no_right, w.org_a);
    const std::string admin_b_token = LoginFor(admin_b, w.org_b);
    const std::string personal_token = Login(with_right).access_token();

    // A draft with one participant, and a confirmed registration with its receipt.
    reg::Draft draft = Draft(with_right_token, w.org_a, w.training_a);
    w.draft_a = draft.name();
    w.participant_a = Participant(with_right_token, draft).participant().name();
    reg::Draft second = Draft(with_right_token, w.org_a, w.training_a);
    reg::AddParticipantResponse added = Participant(with_right_token, second);
    reg::ConfirmDraftResponse confirmed =
        Must(flow_.Confirm(with_right_token, {second.name(), added.etag(), flow::NewRequestId()}),
             "ConfirmDraft");
    w.registration_a = confirmed.registration().name();
    w.receipt_a = confirmed.receipt().name();
    draft_b_ = Draft(admin_b_token, w.org_b, w.training_b).name();
    w.draft_b = draft_b_;

    // A pending request of the member without the right (other context than the matrix's).
    rv1::CreateAccessRequestRequest ask;
    ask.set_parent(w.org_a);
    ask.set_request_id(Hex(8));
    ask.mutable_access_request()->set_role("DWSE_ORGANISATIEVERANTWOORDELIJKE");
    ask.mutable_access_request()->set_context("opleidingsdatabank");
    ask.mutable_access_request()->set_reason("Matrix");
    rv1::CreateAccessRequestResponse asked;
    Ok(
        no_right_token, [&](auto* c) { return flow_.rights().CreateAccessRequest(c, ask, &asked); },
        "CreateAccessRequest");
    w.access_request_a = asked.access_request().name();

    // The notify probe: sent once now, so the matrix's SendMail is an idempotent replay.
    w.probe_email = absl::StrCat("probe-", w.run_id, "@security.example");
    std::unique_ptr<google::protobuf::Message> probe;
    for (const Row& row : MatrixRows()) {
      if (row.service == "wse.notify.v1.NotifyService" && row.method == "SendMail") {
        probe = std::move(row.request(w, kOperator).at(0));
      }
    }
    ASSERT_NE(probe, nullptr);
    nv1::SendMailResponse sent;
    Ok(OperatorToken(),
       [&](auto* c) {
         return notify_->SendMail(c, static_cast<const nv1::SendMailRequest&>(*probe), &sent);
       },
       "SendMail");
    w.message = sent.message().name();
    ASSERT_EQ(WaitForMailsTo(StackEnv::Get().mail_dir, w.probe_email, 1, absl::Seconds(30)).size(),
              1u);

    w.fresh_id_token = [this, with_right] { return Must(flow_.IdToken(with_right), "IdToken"); };
    w.fresh_refresh_token = [this, with_right] { return Login(with_right).refresh_token(); };

    w.tokens[kNoToken] = "";
    w.tokens[kTampered] = TamperSignature(with_right_token);
    auto expired = ExpiredCopy(with_right_token);
    ASSERT_TRUE(expired.ok()) << expired.status();
    w.tokens[kExpired] = *expired;
    auto unknown = SignedByUnknownKey(with_right_token);
    ASSERT_TRUE(unknown.ok()) << unknown.status();
    w.tokens[kUnknownKey] = *unknown;
    w.tokens[kPersonal] = personal_token;
    w.tokens[kOtherOrg] = admin_b_token;
    w.tokens[kNoRight] = no_right_token;
    w.tokens[kWithRight] = with_right_token;
    w.tokens[kLocalAdmin] = admin_a_token;
    w.tokens[kOperator] = OperatorToken();

    // What must never reach the other side.
    for (const std::string& name : {w.org_a, w.admin_a, w.no_right_a, w.with_right_a, w.spare1_a,
                                    w.spare2_a, w.training_a, w.draft_a, w.registration_a,
                                    w.access_request_a, w.grant_a, w.work_relation_a}) {
      a_markers_.push_back(IdOf(name));
    }
    a_markers_.push_back(w.kbo_a);
    for (const std::string& name : {w.org_b, w.admin_b, w.training_b, w.draft_b}) {
      b_markers_.push_back(IdOf(name));
    }
    b_markers_.push_back(kbo_b_);
  }

  // The other organisation's identifiers, for answers to `p` (none for the operator).
  const std::vector<std::string>* Foreign(Principal p) const {
    switch (p) {
      case kOtherOrg:
        return &a_markers_;
      case kPersonal:
      case kNoRight:
      case kWithRight:
      case kLocalAdmin:
        return &b_markers_;
      default:
        return nullptr;
    }
  }

  flow::Flow flow_{StackEnv::Get()};
  std::unique_ptr<nv1::NotifyService::Stub> notify_;
  MailHighWater mail_mark_;
  World world_;
  std::string kbo_b_, draft_b_;
  std::set<std::string> insz_;
  std::vector<std::string> a_markers_, b_markers_;
};

TEST_F(AuthzMatrixTest, EveryRpcEveryPrincipal) {
  BuildWorld();
  if (HasFatalFailure()) return;
  const bool strict = std::getenv("WSE_AUTHZ_STRICT") != nullptr;
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  auto* factory = google::protobuf::MessageFactory::generated_factory();

  std::vector<const Row*> order;
  for (const Row& row : MatrixRows()) {
    if (!row.run_last) order.push_back(&row);
  }
  for (const Row& row : MatrixRows()) {
    if (row.run_last) order.push_back(&row);
  }

  std::map<const Row*, std::array<std::string, kPrincipalCount>> shown;
  std::vector<std::string> deviations;
  int cells = 0;
  for (const Row* row : order) {
    const auto* service = pool->FindServiceByName(row->service);
    ASSERT_NE(service, nullptr) << row->service;
    const auto* method = service->FindMethodByName(row->method);
    ASSERT_NE(method, nullptr) << row->service << "/" << row->method;
    for (int i = 0; i < kPrincipalCount; ++i) {
      const Principal p = static_cast<Principal>(i);
      const Cell& cell = row->cells[p];
      const std::string where =
          absl::StrCat(row->service, "/", row->method, " as ", PrincipalName(p));
      Messages requests = row->request(world_, p);
      for (const auto& r : requests) {
        ASSERT_EQ(r->GetDescriptor(), method->input_type()) << where;
      }
      // ext_authz judges the token inside the request; its own caller (Envoy) sends none.
      const std::string call_token = row->decision ? "" : world_.tokens[p];
      GenericAnswer answer = CallGeneric(*method, PortOf(row->target), call_token, requests);
      grpc::StatusCode got = answer.status.error_code();
      std::unique_ptr<google::protobuf::Message> response;
      if (answer.status.ok()) {
        response.reset(factory->GetPrototype(method->output_type())->New());
        ASSERT_TRUE(response->ParseFromString(answer.bytes)) << where;
        if (row->decision) got = row->decision(*response);
      }
      ++cells;
      std::string& mark = shown[row][static_cast<size_t>(i)];
      mark = ShortCode(got);
      if (cell.now && got == *cell.now && got != cell.want) {
        mark += "!";
        deviations.push_back(absl::StrCat(where, ": ", ShortCode(got), " (want ",
                                          ShortCode(cell.want), "): ", cell.why));
        if (strict) ADD_FAILURE() << "deviation: " << deviations.back();
        continue;  // A documented deviation; its data is judged by the note.
      }
      EXPECT_EQ(got, cell.want) << where << ": got " << ShortCode(got) << " ("
                                << answer.status.error_message() << "), want "
                                << ShortCode(cell.want)
                                << (cell.now ? " [the deviation mark can go: fixed?]" : "");
      if (!answer.status.ok()) continue;
      // No INSZ in clear, ever; no identifier of an organisation the caller does not act for.
      for (const std::string& insz : insz_) {
        EXPECT_FALSE(absl::StrContains(answer.bytes, insz))
            << where << ": an INSZ in clear in " << response->ShortDebugString();
      }
      const std::vector<std::string>* foreign = Foreign(p);
      if (foreign == nullptr || !row->foreign_data_allowed.empty()) continue;
      for (const std::string& marker : *foreign) {
        EXPECT_FALSE(absl::StrContains(answer.bytes, marker))
            << where << ": answer names '" << marker << "' of another organisation: "
            << response->ShortDebugString();
      }
    }
  }

  // The matrix, for the log and docs/reliability.md.
  std::printf("\nAuthorization matrix: %zu rows x %d principals = %d cells (! = deviation)\n",
              order.size(), static_cast<int>(kPrincipalCount), cells);
  std::printf("%-62s", "method");
  for (int i = 0; i < kPrincipalCount; ++i) std::printf(" %-11s", PrincipalName(Principal(i)));
  std::printf("\n");
  for (const Row& row : MatrixRows()) {
    std::printf("%-62s", absl::StrCat(absl::StripPrefix(row.service, "wse."), "/", row.method,
                                      row.service == "grpc.health.v1.Health"
                                          ? absl::StrCat("@", row.target)
                                          : std::string())
                             .c_str());
    for (const std::string& mark : shown[&row]) std::printf(" %-11s", mark.c_str());
    std::printf("\n");
  }
  std::printf("\n%zu deviations:\n", deviations.size());
  for (const std::string& d : deviations) std::printf("  %s\n", d.c_str());
}

}  // namespace
}  // namespace wse::testing::security
