#include "bench/load/stack.h"

#include <cstdlib>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/grpc_status.h"
#include "common/status_macros.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "identity-svc/dev_idp/dev_idp.h"
#include "tests/support/vov_fixtures.h"
#include "wse/identity/v1/identity_service.grpc.pb.h"
#include "wse/registration/v1/registration_service.grpc.pb.h"
#include "wse/rights/v1/rights_service.grpc.pb.h"

namespace wse::bench {
namespace {

namespace idv1 = wse::identity::v1;
namespace rv1 = wse::rights::v1;
namespace reg = wse::registration::v1;

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

std::string Address(const char* port_variable) {
  const std::string port = Env(port_variable);
  return port.empty() ? "" : "127.0.0.1:" + port;
}

uint64_t RandomStart(uint64_t range) {
  static std::mt19937_64 rng{std::random_device{}()};
  static absl::Mutex mu;
  absl::MutexLock lock(&mu);
  return rng() % range;
}

// One shared channel per address for the preparation calls.
std::shared_ptr<grpc::Channel> SharedChannel(const std::string& address) {
  static absl::Mutex mu;
  static auto* channels = new std::map<std::string, std::shared_ptr<grpc::Channel>>();
  absl::MutexLock lock(&mu);
  auto& channel = (*channels)[address];
  if (channel == nullptr) channel = NewChannel(address);
  return channel;
}

absl::Status Called(const grpc::Status& status, absl::string_view what) {
  if (status.ok()) return absl::OkStatus();
  absl::Status s = FromGrpcStatus(status);
  return absl::Status(s.code(), absl::StrCat(what, ": ", s.message()));
}

const char* kGivenNames[] = {"Lotte", "Wout", "Fien", "Arne", "Noor", "Jonas", "Lien", "Pieter"};
const char* kFamilyNames[] = {"Peeters", "Willems", "Goossens", "Wouters", "Jacobs", "Mertens"};

}  // namespace

StackConfig StackConfig::FromEnv() {
  StackConfig c;
  c.identity = Address("STACK_IDENTITY_PORT");
  c.rights = Address("STACK_RIGHTS_PORT");
  c.registration = Address("STACK_REGISTRATION_PORT");
  c.notify = Address("STACK_NOTIFY_PORT");
  c.gateway = Address("STACK_GATEWAY_PORT");
  c.run_dir = Env("STACK_RUN_DIR");
  c.db_socket = Env("STACK_DB_SOCKET");
  c.mail_dir = Env("STACK_MAIL_DIR");
  if (c.mail_dir.empty() && !c.run_dir.empty()) c.mail_dir = c.run_dir + "/mail";
  return c;
}

absl::Status StackConfig::Require() const {
  if (identity.empty() || rights.empty() || registration.empty() || notify.empty() ||
      gateway.empty() || run_dir.empty() || db_socket.empty()) {
    return absl::FailedPreconditionError(
        "the STACK_* variables of deploy/local/lib.sh are not set (run through bench/run.sh, "
        "or deploy/local/test.sh for the smoke test)");
  }
  return absl::OkStatus();
}

std::string StackConfig::OperatorToken() const {
  std::ifstream in(run_dir + "/secrets/operator.token");
  std::stringstream text;
  text << in.rdbuf();
  return std::string(absl::StripAsciiWhitespace(text.str()));
}

std::shared_ptr<grpc::Channel> NewChannel(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

void Bearer(grpc::ClientContext* context, const std::string& token, int timeout_seconds) {
  if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(timeout_seconds));
}

std::string NextInsz() {
  // 50 years x 12 months x 28 days x 997 sequence numbers, walked from a random start.
  constexpr uint64_t kRange = 50ULL * 12 * 28 * 997;
  static const uint64_t start = RandomStart(kRange);
  static std::atomic<uint64_t> counter{0};
  uint64_t n = (start + counter.fetch_add(1)) % kRange;
  const uint64_t seq = n % 997 + 1;
  n /= 997;
  const uint64_t day = n % 28 + 1;
  n /= 28;
  const uint64_t month = n % 12 + 1;
  const uint64_t year = n / 12 + 50;
  const std::string base = absl::StrFormat("%02d%02d%02d%03d", year, month, day, seq);
  const uint64_t value = std::stoull(base);
  return absl::StrFormat("%s%02d", base, 97 - value % 97);
}

std::string NextKbo() {
  constexpr uint64_t kRange = 8000000;
  static const uint64_t start = RandomStart(kRange);
  static std::atomic<uint64_t> counter{0};
  const uint64_t n = 2000000 + (start + counter.fetch_add(1)) % kRange;
  const std::string base = absl::StrFormat("0%07d", n);
  return absl::StrFormat("%s%02d", base, 97 - std::stoull(base) % 97);
}

std::string NextOdb() {
  constexpr uint64_t kRange = 10000000000ULL;
  static const uint64_t start = RandomStart(kRange);
  static std::atomic<uint64_t> counter{0};
  return absl::StrFormat("ODB-B%010d", (start + counter.fetch_add(1)) % kRange);
}

std::string NewRequestId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return absl::StrFormat("%016x-%016x", rng(), rng());
}

std::string CurrentSchoolYear() {
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  const int64_t start = today.month() >= 9 ? today.year() : today.year() - 1;
  return absl::StrCat(start, "-", start + 1);
}

reg::Participant Attending(const std::string& insz, double present, double to_follow) {
  return wse::testing::AttendingParticipant(insz, "Deelnemer " + insz.substr(0, 6), present,
                                            to_follow);
}

absl::Status ParallelFor(int n, int threads, const std::function<absl::Status(int)>& fn) {
  std::atomic<int> next{0};
  absl::Mutex mu;
  absl::Status first;
  std::vector<std::thread> pool;
  for (int t = 0; t < std::max(1, std::min(threads, n)); ++t) {
    pool.emplace_back([&] {
      for (int i = next.fetch_add(1); i < n; i = next.fetch_add(1)) {
        absl::Status s = fn(i);
        if (!s.ok()) {
          absl::MutexLock lock(&mu);
          if (first.ok()) first = s;
          return;
        }
      }
    });
  }
  for (auto& t : pool) t.join();
  return first;
}

absl::StatusOr<std::string> MintIdToken(const StackConfig& stack, const Tenant& tenant) {
  static absl::Mutex mu;
  static std::map<std::string, identity::DevIdpKey>* keys =
      new std::map<std::string, identity::DevIdpKey>();
  identity::DevIdpKey key;
  {
    absl::MutexLock lock(&mu);
    auto it = keys->find(stack.run_dir);
    if (it == keys->end()) {
      ASSIGN_OR_RETURN(auto loaded, identity::LoadOrCreateDevIdpKey(stack.run_dir + "/dev-idp"));
      it = keys->emplace(stack.run_dir, std::move(loaded)).first;
    }
    key = it->second;
  }
  identity::DevLogin login;
  login.insz = tenant.insz;
  login.given_name = tenant.given_name;
  login.family_name = tenant.family_name;
  return identity::MintDevIdToken(key, login, absl::Now());
}

absl::Status Login(const StackConfig& stack, Tenant& tenant) {
  auto identity = idv1::IdentityService::NewStub(SharedChannel(stack.identity));
  ASSIGN_OR_RETURN(auto id_token, MintIdToken(stack, tenant));
  grpc::ClientContext login_context;
  Bearer(&login_context, "");
  idv1::ExchangeIdTokenRequest login;
  login.set_id_token(id_token);
  idv1::ExchangeIdTokenResponse session;
  RETURN_IF_ERROR(
      Called(identity->ExchangeIdToken(&login_context, login, &session), "ExchangeIdToken"));
  tenant.personal_token = session.access_token();
  grpc::ClientContext select_context;
  Bearer(&select_context, tenant.personal_token);
  idv1::SelectActingContextRequest select;
  select.set_organization(tenant.org);
  idv1::SelectActingContextResponse selected;
  RETURN_IF_ERROR(Called(identity->SelectActingContext(&select_context, select, &selected),
                         "SelectActingContext"));
  tenant.org_token = selected.access_token();
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Tenant>> PrepareTenants(const StackConfig& stack, int count,
                                                   bool login) {
  RETURN_IF_ERROR(stack.Require());
  const std::string op = stack.OperatorToken();
  if (op.empty()) return absl::FailedPreconditionError("no operator token in " + stack.run_dir);
  auto identity = idv1::IdentityService::NewStub(SharedChannel(stack.identity));
  auto rights = rv1::RightsService::NewStub(SharedChannel(stack.rights));
  auto registration = reg::RegistrationService::NewStub(SharedChannel(stack.registration));
  std::vector<Tenant> tenants(static_cast<size_t>(count));
  for (size_t i = 0; i < tenants.size(); ++i) {
    Tenant& t = tenants[i];
    t.insz = NextInsz();
    t.given_name = kGivenNames[i % std::size(kGivenNames)];
    t.family_name = kFamilyNames[(i / std::size(kGivenNames)) % std::size(kFamilyNames)];
    t.email = absl::StrCat("bench-", t.insz, "@bench.example");
  }
  constexpr int kBatch = 500;
  for (int from = 0; from < count; from += kBatch) {
    const int to = std::min(count, from + kBatch);
    idv1::BatchImportPersonsRequest persons;
    idv1::BatchImportOrganizationsRequest orgs;
    reg::BatchImportTrainingsRequest trainings;
    for (int i = from; i < to; ++i) {
      const Tenant& t = tenants[static_cast<size_t>(i)];
      auto* p = persons.add_persons();
      p->set_insz(t.insz);
      p->set_given_name(t.given_name);
      p->set_family_name(t.family_name);
      p->set_email_address(t.email);
      p->set_preferred_locale("nl");
      auto* o = orgs.add_organizations();
      o->mutable_identifier()->set_kbo_number(NextKbo());
      o->set_display_name(absl::StrCat("Benchschool ", t.insz.substr(0, 6), "-", i));
      o->set_kind(idv1::ORGANIZATION_KIND_ENTERPRISE);
      o->add_legal_representatives()->set_insz(t.insz);
    }
    grpc::ClientContext pc;
    Bearer(&pc, op);
    idv1::BatchImportPersonsResponse imported_persons;
    RETURN_IF_ERROR(Called(identity->BatchImportPersons(&pc, persons, &imported_persons),
                           "BatchImportPersons"));
    grpc::ClientContext oc;
    Bearer(&oc, op);
    idv1::BatchImportOrganizationsResponse imported_orgs;
    RETURN_IF_ERROR(Called(identity->BatchImportOrganizations(&oc, orgs, &imported_orgs),
                           "BatchImportOrganizations"));
    if (imported_persons.results_size() != to - from || imported_orgs.results_size() != to - from) {
      return absl::InternalError("an import answered fewer results than items");
    }
    for (int i = from; i < to; ++i) {
      Tenant& t = tenants[static_cast<size_t>(i)];
      const auto& person = imported_persons.results(i - from);
      const auto& org = imported_orgs.results(i - from);
      if (person.outcome() == idv1::IMPORT_OUTCOME_FAILED ||
          org.outcome() == idv1::IMPORT_OUTCOME_FAILED) {
        return absl::InternalError(absl::StrCat("importing tenant ", i, " failed: ",
                                                person.DebugString(), org.DebugString()));
      }
      t.person = person.resource();
      t.org = org.resource();
      t.training = "trainings/" + NextOdb();
      wse::testing::FillContactHoursTraining(trainings.add_trainings(),
                                             t.training.substr(sizeof("trainings/") - 1), t.org,
                                             "Boekhouden voor gevorderden");
    }
    grpc::ClientContext tc;
    Bearer(&tc, op);
    reg::BatchImportTrainingsResponse imported_trainings;
    RETURN_IF_ERROR(Called(registration->BatchImportTrainings(&tc, trainings, &imported_trainings),
                           "BatchImportTrainings"));
    for (const auto& r : imported_trainings.results()) {
      if (r.outcome() == reg::IMPORT_OUTCOME_FAILED) {
        return absl::InternalError("importing a training failed: " + r.DebugString());
      }
    }
  }
  // The right, granted by the operator (a legal representative needs no work relation).
  absl::Status granted = ParallelFor(count, 8, [&](int i) -> absl::Status {
    const Tenant& t = tenants[static_cast<size_t>(i)];
    grpc::ClientContext context;
    Bearer(&context, op);
    rv1::CreateGrantRequest request;
    request.set_parent(t.org);
    request.set_request_id(NewRequestId());
    request.mutable_grant()->set_person(t.person);
    request.mutable_grant()->set_role("DWSE_ORGANISATIEVERANTWOORDELIJKE");
    request.mutable_grant()->set_context("opleidingsverlof");
    rv1::CreateGrantResponse response;
    return Called(rights->CreateGrant(&context, request, &response), "CreateGrant");
  });
  if (!granted.ok()) return granted;
  if (login) {
    RETURN_IF_ERROR(ParallelFor(
        count, 8, [&](int i) { return Login(stack, tenants[static_cast<size_t>(i)]); }));
  }
  return tenants;
}

absl::StatusOr<std::pair<std::string, std::string>> PrepareDraft(const StackConfig& stack,
                                                                 const Tenant& tenant,
                                                                 int participants) {
  auto registration = reg::RegistrationService::NewStub(SharedChannel(stack.registration));
  grpc::ClientContext context;
  Bearer(&context, tenant.org_token);
  reg::CreateDraftRequest request;
  request.set_parent(tenant.org);
  request.set_request_id(NewRequestId());
  request.mutable_draft()->set_training(tenant.training);
  request.mutable_draft()->set_school_year(CurrentSchoolYear());
  reg::CreateDraftResponse created;
  RETURN_IF_ERROR(Called(registration->CreateDraft(&context, request, &created), "CreateDraft"));
  std::string etag = created.draft().etag();
  for (int i = 0; i < participants; ++i) {
    grpc::ClientContext add_context;
    Bearer(&add_context, tenant.org_token);
    reg::AddParticipantRequest add;
    add.set_parent(created.draft().name());
    add.set_etag(etag);
    *add.mutable_participant() = Attending(NextInsz(), 36 - 4 * i, 40);
    reg::AddParticipantResponse added;
    RETURN_IF_ERROR(
        Called(registration->AddParticipant(&add_context, add, &added), "AddParticipant"));
    etag = added.etag();
  }
  return std::make_pair(created.draft().name(), etag);
}

}  // namespace wse::bench
