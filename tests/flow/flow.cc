#include "tests/flow/flow.h"

#include <atomic>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/grpc_metrics.h"
#include "common/grpc_status.h"
#include "common/status_macros.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "identity-svc/dev_idp/dev_idp.h"
#include "tests/flow/identifiers.h"
#include "tests/support/vov_fixtures.h"

namespace wse::flow {

namespace idv1 = wse::identity::v1;
namespace rv1 = wse::rights::v1;
namespace reg = wse::registration::v1;

namespace {

// ImportPerson without an address (an import that gives none).
constexpr char kNoAddress[] = "\x01none";

// The response of a finished call, or its status (code, message and details).
template <typename Response>
absl::StatusOr<Response> Answer(const grpc::Status& status, Response&& response) {
  RETURN_IF_ERROR(FromGrpcStatus(status));
  return std::move(response);
}

constexpr const char* kGivenNames[] = {"Lotte", "Wout",  "Fien", "Arne",
                                       "Noor",  "Jonas", "Lien", "Pieter"};
constexpr const char* kFamilyNames[] = {"Peeters", "Willems", "Goossens",
                                        "Wouters", "Jacobs",  "Mertens"};

}  // namespace

reg::Participant Attending(const std::string& display_name, double present, double to_follow,
                           const std::string& insz) {
  return wse::testing::AttendingParticipant(insz.empty() ? NewInsz() : insz, display_name, present,
                                            to_follow);
}

absl::Status ParallelFor(size_t n, int threads, const std::function<absl::Status(size_t)>& fn) {
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  absl::Mutex mu;
  absl::Status first;
  std::vector<std::thread> pool;
  const size_t count = std::max<size_t>(1, std::min<size_t>(static_cast<size_t>(threads), n));
  for (size_t t = 0; t < count; ++t) {
    pool.emplace_back([&] {
      for (size_t i = next.fetch_add(1); i < n && !failed.load(); i = next.fetch_add(1)) {
        absl::Status s = fn(i);
        if (s.ok()) continue;
        failed = true;
        absl::MutexLock lock(&mu);
        if (first.ok()) first = std::move(s);
      }
    });
  }
  for (auto& thread : pool) thread.join();
  return first;
}

std::shared_ptr<grpc::Channel> NewChannel(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  // Counted like the services' own calls (grpc_client_*), so a test can hold the services'
  // metrics against the calls it made.
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> counted;
  counted.push_back(wse::MakeClientMetricsInterceptorFactory());
  return grpc::experimental::CreateCustomChannelWithInterceptors(
      address, grpc::InsecureChannelCredentials(), args, std::move(counted));
}

Flow::Flow(Services services, absl::Duration deadline)
    : services_(std::move(services)),
      deadline_(deadline),
      identity_(idv1::IdentityService::NewStub(NewChannel(services_.identity()))),
      rights_(rv1::RightsService::NewStub(NewChannel(services_.rights()))),
      registration_(reg::RegistrationService::NewStub(NewChannel(services_.registration()))) {}

void Flow::Prepare(grpc::ClientContext* context, const std::string& token, const Call& call) const {
  context->set_deadline(std::chrono::system_clock::now() +
                        absl::ToChronoMilliseconds(call.deadline.value_or(deadline_)));
  if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
  if (!call.log_id.empty()) context->AddMetadata("x-request-id", call.log_id);
  if (!call.traceparent.empty()) context->AddMetadata("traceparent", call.traceparent);
}

absl::StatusOr<Person> Flow::ImportPerson(const std::string& given_name,
                                          const std::string& family_name,
                                          const std::string& email) {
  Person p;
  p.insz = NewInsz();
  p.given_name = given_name;
  p.family_name = family_name;
  p.email = email == kNoAddress ? std::string()
            : !email.empty()
                ? email
                : absl::StrCat(absl::AsciiStrToLower(given_name), "-", p.insz, "@school.example");
  grpc::ClientContext context;
  Prepare(&context, services_.operator_token);
  idv1::BatchImportPersonsRequest request;
  auto* person = request.add_persons();
  person->set_insz(p.insz);
  person->set_given_name(p.given_name);
  person->set_family_name(p.family_name);
  person->set_email_address(p.email);
  idv1::BatchImportPersonsResponse response;
  RETURN_IF_ERROR(FromGrpcStatus(identity_->BatchImportPersons(&context, request, &response)));
  if (response.results_size() != 1 ||
      response.results(0).outcome() == idv1::IMPORT_OUTCOME_FAILED) {
    return absl::InternalError("importing a person failed: " + response.DebugString());
  }
  p.name = response.results(0).resource();
  return p;
}

absl::StatusOr<Person> Flow::ImportPersonWithoutAddress(const std::string& given_name) {
  return ImportPerson(given_name, "Test", kNoAddress);
}

absl::StatusOr<std::string> Flow::ImportOrganization(
    const std::string& display_name, const std::vector<std::string>& representatives,
    const std::string& kbo_number) {
  grpc::ClientContext context;
  Prepare(&context, services_.operator_token);
  idv1::BatchImportOrganizationsRequest request;
  auto* org = request.add_organizations();
  org->mutable_identifier()->set_kbo_number(kbo_number.empty() ? NewKboNumber() : kbo_number);
  org->set_display_name(display_name);
  org->set_kind(idv1::ORGANIZATION_KIND_ENTERPRISE);
  for (const auto& insz : representatives) org->add_legal_representatives()->set_insz(insz);
  idv1::BatchImportOrganizationsResponse response;
  RETURN_IF_ERROR(
      FromGrpcStatus(identity_->BatchImportOrganizations(&context, request, &response)));
  if (response.results_size() != 1 ||
      response.results(0).outcome() == idv1::IMPORT_OUTCOME_FAILED) {
    return absl::InternalError("importing an organisation failed: " + response.DebugString());
  }
  return response.results(0).resource();
}

absl::StatusOr<reg::ImportOutcome> Flow::ImportTraining(const std::string& odb,
                                                        const std::string& org,
                                                        const std::string& title) {
  grpc::ClientContext context;
  Prepare(&context, services_.operator_token);
  reg::BatchImportTrainingsRequest request;
  wse::testing::FillContactHoursTraining(request.add_trainings(), odb, org, title);
  reg::BatchImportTrainingsResponse response;
  RETURN_IF_ERROR(
      FromGrpcStatus(registration_->BatchImportTrainings(&context, request, &response)));
  if (response.results_size() != 1 || response.results(0).outcome() == reg::IMPORT_OUTCOME_FAILED) {
    return absl::InternalError("importing a training failed: " + response.DebugString());
  }
  return response.results(0).outcome();
}

absl::StatusOr<std::string> Flow::IdToken(const Person& person) const {
  identity::DevIdpKey key;
  {
    absl::MutexLock lock(&key_mu_);
    if (idp_pem_.empty()) {
      ASSIGN_OR_RETURN(identity::DevIdpKey loaded,
                       identity::LoadOrCreateDevIdpKey(services_.dev_idp_dir));
      idp_kid_ = loaded.kid;
      idp_pem_ = loaded.private_pem;
    }
    key.kid = idp_kid_;
    key.private_pem = idp_pem_;
  }
  identity::DevLogin login;
  login.insz = person.insz;
  login.given_name = person.given_name.empty() ? "Given" : person.given_name;
  login.family_name = person.family_name.empty() ? "Test" : person.family_name;
  login.email = person.idp_email;
  login.amr = person.amr;
  login.acr = person.acr;
  return identity::MintDevIdToken(key, login, absl::Now());
}

absl::StatusOr<idv1::ExchangeIdTokenResponse> Flow::Login(const Person& person, const Call& call) {
  ASSIGN_OR_RETURN(std::string id_token, IdToken(person));
  grpc::ClientContext context;
  Prepare(&context, "", call);
  idv1::ExchangeIdTokenRequest request;
  request.set_id_token(id_token);
  idv1::ExchangeIdTokenResponse response;
  grpc::Status status = identity_->ExchangeIdToken(&context, request, &response);
  return Answer(status, std::move(response));
}

absl::StatusOr<std::string> Flow::Select(const std::string& personal_token,
                                         const std::string& organization) {
  grpc::ClientContext context;
  Prepare(&context, personal_token);
  idv1::SelectActingContextRequest request;
  request.set_organization(organization);
  idv1::SelectActingContextResponse response;
  RETURN_IF_ERROR(FromGrpcStatus(identity_->SelectActingContext(&context, request, &response)));
  return response.access_token();
}

absl::StatusOr<std::string> Flow::LoginFor(const Person& person, const std::string& organization) {
  ASSIGN_OR_RETURN(idv1::ExchangeIdTokenResponse session, Login(person));
  return Select(session.access_token(), organization);
}

absl::StatusOr<rv1::WorkRelation> Flow::AddWorkRelation(const std::string& token,
                                                        const std::string& org,
                                                        const Person& person) {
  grpc::ClientContext context;
  Prepare(&context, token);
  rv1::CreateWorkRelationRequest request;
  request.set_parent(org);
  request.set_request_id(NewRequestId());
  request.mutable_work_relation()->set_person(person.name);
  request.mutable_work_relation()->set_type(rv1::WORK_RELATION_TYPE_VASTE_MEDEWERKER);
  rv1::CreateWorkRelationResponse response;
  RETURN_IF_ERROR(FromGrpcStatus(rights_->CreateWorkRelation(&context, request, &response)));
  return response.work_relation();
}

absl::StatusOr<rv1::Grant> Flow::Grant(const std::string& token, const std::string& org,
                                       const Person& person) {
  grpc::ClientContext context;
  Prepare(&context, token);
  rv1::CreateGrantRequest request;
  request.set_parent(org);
  request.set_request_id(NewRequestId());
  request.mutable_grant()->set_person(person.name);
  request.mutable_grant()->set_role(kRegistrationRole);
  request.mutable_grant()->set_context(kRegistrationContext);
  rv1::CreateGrantResponse response;
  RETURN_IF_ERROR(FromGrpcStatus(rights_->CreateGrant(&context, request, &response)));
  return response.grant();
}

absl::Status Flow::RevokeGrants(const std::string& token, const std::string& org,
                                const Person& person) {
  rv1::ListGrantsResponse grants;
  {
    grpc::ClientContext context;
    Prepare(&context, token);
    rv1::ListGrantsRequest request;
    request.set_parent(org);
    request.set_person(person.name);
    request.set_page_size(500);
    RETURN_IF_ERROR(FromGrpcStatus(rights_->ListGrants(&context, request, &grants)));
  }
  for (const rv1::Grant& grant : grants.grants()) RETURN_IF_ERROR(Revoke(token, grant));
  return absl::OkStatus();
}

absl::Status Flow::Revoke(const std::string& token, const rv1::Grant& grant) {
  grpc::ClientContext context;
  Prepare(&context, token);
  rv1::RevokeGrantRequest request;
  request.set_name(grant.name());
  request.set_etag(grant.etag());
  request.set_reason("Niet langer nodig");
  rv1::RevokeGrantResponse response;
  return FromGrpcStatus(rights_->RevokeGrant(&context, request, &response));
}

absl::StatusOr<rv1::AccessRequest> Flow::RequestRight(const std::string& token,
                                                      const std::string& org) {
  grpc::ClientContext context;
  Prepare(&context, token);
  rv1::CreateAccessRequestRequest request;
  request.set_parent(org);
  request.set_request_id(NewRequestId());
  request.mutable_access_request()->set_role(kRegistrationRole);
  request.mutable_access_request()->set_context(kRegistrationContext);
  request.mutable_access_request()->set_reason("Aanwezigheden VOV registreren");
  rv1::CreateAccessRequestResponse response;
  RETURN_IF_ERROR(FromGrpcStatus(rights_->CreateAccessRequest(&context, request, &response)));
  return response.access_request();
}

absl::StatusOr<rv1::ApproveAccessRequestResponse> Flow::Approve(const std::string& token,
                                                                const rv1::AccessRequest& r) {
  grpc::ClientContext context;
  Prepare(&context, token);
  rv1::ApproveAccessRequestRequest request;
  request.set_name(r.name());
  request.set_etag(r.etag());
  rv1::ApproveAccessRequestResponse response;
  grpc::Status status = rights_->ApproveAccessRequest(&context, request, &response);
  return Answer(status, std::move(response));
}

absl::StatusOr<rv1::AccessRequest> Flow::Reject(const std::string& token,
                                                const rv1::AccessRequest& r,
                                                const std::string& reason) {
  grpc::ClientContext context;
  Prepare(&context, token);
  rv1::RejectAccessRequestRequest request;
  request.set_name(r.name());
  request.set_etag(r.etag());
  request.set_reason(reason);
  rv1::RejectAccessRequestResponse response;
  RETURN_IF_ERROR(FromGrpcStatus(rights_->RejectAccessRequest(&context, request, &response)));
  return response.access_request();
}

absl::StatusOr<bool> Flow::CheckPermission(const std::string& token, const std::string& person,
                                           const std::string& org, const Call& call) {
  grpc::ClientContext context;
  Prepare(&context, token, call);
  rv1::CheckPermissionRequest request;
  request.set_person(person);
  request.set_organization(org);
  request.set_permission(kRegistrationPermission);
  rv1::CheckPermissionResponse response;
  RETURN_IF_ERROR(FromGrpcStatus(rights_->CheckPermission(&context, request, &response)));
  return response.allowed();
}

absl::StatusOr<School> Flow::NewSchool(const std::string& label, int members, bool grant) {
  School s;
  ASSIGN_OR_RETURN(s.admin, ImportPerson("Admin"));
  ASSIGN_OR_RETURN(s.org, ImportOrganization(label, {s.admin.insz}));
  ASSIGN_OR_RETURN(s.admin_token, LoginFor(s.admin, s.org));
  for (int i = 0; i < members; ++i) {
    RETURN_IF_ERROR(AddMember(s, absl::StrCat("Lid", i), grant).status());
  }
  return s;
}

absl::StatusOr<size_t> Flow::AddMember(School& school, const std::string& given_name, bool grant) {
  ASSIGN_OR_RETURN(Person user, ImportPerson(given_name));
  RETURN_IF_ERROR(AddWorkRelation(school.admin_token, school.org, user).status());
  if (grant) RETURN_IF_ERROR(Grant(school.admin_token, school.org, user).status());
  ASSIGN_OR_RETURN(std::string token, LoginFor(user, school.org));
  school.tokens.push_back(std::move(token));
  school.users.push_back(std::move(user));
  return school.users.size() - 1;
}

absl::StatusOr<reg::ApplicationScreen> Flow::Screen(const std::string& token) {
  grpc::ClientContext context;
  Prepare(&context, token);
  reg::GetApplicationScreenResponse response;
  RETURN_IF_ERROR(FromGrpcStatus(registration_->GetApplicationScreen(&context, {}, &response)));
  return response.screen();
}

absl::StatusOr<reg::Draft> Flow::CreateDraft(const std::string& token, const std::string& org,
                                             const std::string& odb, const std::string& school_year,
                                             const std::string& request_id) {
  grpc::ClientContext context;
  Prepare(&context, token);
  reg::CreateDraftRequest request;
  request.set_parent(org);
  request.set_request_id(request_id.empty() ? NewRequestId() : request_id);
  request.mutable_draft()->set_training("trainings/" + odb);
  request.mutable_draft()->set_school_year(school_year.empty() ? CurrentSchoolYear() : school_year);
  reg::CreateDraftResponse response;
  RETURN_IF_ERROR(FromGrpcStatus(registration_->CreateDraft(&context, request, &response)));
  return response.draft();
}

absl::StatusOr<reg::AddParticipantResponse> Flow::AddParticipant(
    const std::string& token, const std::string& draft, const std::string& etag,
    const reg::Participant& participant) {
  grpc::ClientContext context;
  Prepare(&context, token);
  reg::AddParticipantRequest request;
  request.set_parent(draft);
  request.set_etag(etag);
  *request.mutable_participant() = participant;
  reg::AddParticipantResponse response;
  grpc::Status status = registration_->AddParticipant(&context, request, &response);
  return Answer(status, std::move(response));
}

absl::StatusOr<PreparedDraft> Flow::PrepareDraft(const std::string& token, const std::string& org,
                                                 const std::string& odb, int participants,
                                                 const std::string& school_year) {
  ASSIGN_OR_RETURN(reg::Draft created, CreateDraft(token, org, odb, school_year));
  PreparedDraft draft{created.name(), created.etag(), NewRequestId()};
  for (int i = 0; i < participants; ++i) {
    ASSIGN_OR_RETURN(auto added,
                     AddParticipant(token, draft.name, draft.etag,
                                    Attending(absl::StrCat("Deelnemer ", i + 1), 36, 40)));
    draft.etag = added.etag();
  }
  return draft;
}

absl::StatusOr<reg::Draft> Flow::GetDraft(const std::string& token, const std::string& name) {
  grpc::ClientContext context;
  Prepare(&context, token);
  reg::GetDraftRequest request;
  request.set_name(name);
  reg::GetDraftResponse response;
  RETURN_IF_ERROR(FromGrpcStatus(registration_->GetDraft(&context, request, &response)));
  return response.draft();
}

absl::StatusOr<reg::UpdateParticipantResponse> Flow::UpdateHoursPresent(
    const std::string& token, const std::string& participant, const std::string& etag,
    double hours_present) {
  grpc::ClientContext context;
  Prepare(&context, token);
  reg::UpdateParticipantRequest request;
  request.mutable_participant()->set_name(participant);
  request.mutable_participant()->mutable_attendance()->set_hours_present(hours_present);
  request.mutable_update_mask()->add_paths("attendance.hours_present");
  request.set_etag(etag);
  reg::UpdateParticipantResponse response;
  grpc::Status status = registration_->UpdateParticipant(&context, request, &response);
  return Answer(status, std::move(response));
}

absl::StatusOr<reg::UploadParticipantsResponse> Flow::Upload(
    const std::string& token, const std::string& draft, const std::string& etag,
    const std::vector<reg::ParticipantRow>& rows) {
  grpc::ClientContext context;
  Prepare(&context, token);
  reg::UploadParticipantsResponse response;
  auto writer = registration_->UploadParticipants(&context, &response);
  reg::UploadParticipantsRequest header;
  header.mutable_header()->set_draft(draft);
  header.mutable_header()->set_etag(etag);
  header.mutable_header()->set_mode(reg::UPLOAD_MODE_MERGE);
  bool open = writer->Write(header);
  constexpr size_t kRowsPerMessage = 500;
  for (size_t i = 0; open && i < rows.size(); i += kRowsPerMessage) {
    reg::UploadParticipantsRequest batch;
    for (size_t j = i; j < std::min(rows.size(), i + kRowsPerMessage); ++j) {
      *batch.mutable_batch()->add_rows() = rows[j];
    }
    open = writer->Write(batch);
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();  // The server's answer, also when it closed early.
  return Answer(status, std::move(response));
}

absl::StatusOr<reg::ValidateDraftResponse> Flow::Validate(const std::string& token,
                                                          const std::string& draft) {
  grpc::ClientContext context;
  Prepare(&context, token);
  reg::ValidateDraftRequest request;
  request.set_name(draft);
  reg::ValidateDraftResponse response;
  grpc::Status status = registration_->ValidateDraft(&context, request, &response);
  return Answer(status, std::move(response));
}

absl::StatusOr<reg::ConfirmDraftResponse> Flow::Confirm(const std::string& token,
                                                        const PreparedDraft& draft,
                                                        const Call& call) {
  grpc::ClientContext context;
  Prepare(&context, token, call);
  reg::ConfirmDraftRequest request;
  request.set_name(draft.name);
  request.set_etag(draft.etag);
  request.set_request_id(draft.request_id);
  reg::ConfirmDraftResponse response;
  grpc::Status status = registration_->ConfirmDraft(&context, request, &response);
  return Answer(status, std::move(response));
}

absl::Status Flow::ImportTenants(std::vector<Tenant>& tenants, size_t from, size_t to) {
  idv1::BatchImportPersonsRequest persons;
  idv1::BatchImportOrganizationsRequest orgs;
  for (size_t i = from; i < to; ++i) {
    const Person& t = tenants[i].person;
    auto* p = persons.add_persons();
    p->set_insz(t.insz);
    p->set_given_name(t.given_name);
    p->set_family_name(t.family_name);
    p->set_email_address(t.email);
    p->set_preferred_locale("nl");
    auto* o = orgs.add_organizations();
    o->mutable_identifier()->set_kbo_number(NewKboNumber());
    o->set_display_name(absl::StrCat("Benchschool ", t.insz.substr(0, 6), "-", i));
    o->set_kind(idv1::ORGANIZATION_KIND_ENTERPRISE);
    o->add_legal_representatives()->set_insz(t.insz);
  }
  grpc::ClientContext pc, oc, tc;
  Prepare(&pc, services_.operator_token, {absl::Seconds(60), ""});
  Prepare(&oc, services_.operator_token, {absl::Seconds(60), ""});
  Prepare(&tc, services_.operator_token, {absl::Seconds(60), ""});
  idv1::BatchImportPersonsResponse imported_persons;
  RETURN_IF_ERROR(FromGrpcStatus(identity_->BatchImportPersons(&pc, persons, &imported_persons)));
  idv1::BatchImportOrganizationsResponse imported_orgs;
  RETURN_IF_ERROR(FromGrpcStatus(identity_->BatchImportOrganizations(&oc, orgs, &imported_orgs)));
  const int expected = static_cast<int>(to - from);
  if (imported_persons.results_size() != expected || imported_orgs.results_size() != expected) {
    return absl::InternalError("an import answered fewer results than items");
  }
  reg::BatchImportTrainingsRequest trainings;
  for (size_t i = from; i < to; ++i) {
    Tenant& t = tenants[i];
    const auto& person = imported_persons.results(static_cast<int>(i - from));
    const auto& org = imported_orgs.results(static_cast<int>(i - from));
    if (person.outcome() == idv1::IMPORT_OUTCOME_FAILED ||
        org.outcome() == idv1::IMPORT_OUTCOME_FAILED) {
      return absl::InternalError(absl::StrCat(
          "importing tenant ", i, " failed: ", person.DebugString(), org.DebugString()));
    }
    t.person.name = person.resource();
    t.org = org.resource();
    t.odb = NewOdbNumber();
    t.training = "trainings/" + t.odb;
    wse::testing::FillContactHoursTraining(trainings.add_trainings(), t.odb, t.org,
                                           "Boekhouden voor gevorderden");
  }
  reg::BatchImportTrainingsResponse imported_trainings;
  RETURN_IF_ERROR(
      FromGrpcStatus(registration_->BatchImportTrainings(&tc, trainings, &imported_trainings)));
  for (const auto& r : imported_trainings.results()) {
    if (r.outcome() == reg::IMPORT_OUTCOME_FAILED) {
      return absl::InternalError("importing a training failed: " + r.DebugString());
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Tenant>> Flow::NewTenants(int count, bool login, int threads,
                                                     bool work_relation) {
  std::vector<Tenant> tenants(static_cast<size_t>(std::max(0, count)));
  for (size_t i = 0; i < tenants.size(); ++i) {
    Person& p = tenants[i].person;
    p.insz = NewInsz();
    p.given_name = kGivenNames[i % std::size(kGivenNames)];
    p.family_name = kFamilyNames[(i / std::size(kGivenNames)) % std::size(kFamilyNames)];
    p.email = absl::StrCat("bench-", p.insz, "@bench.example");
  }
  constexpr size_t kBatch = 500;
  for (size_t from = 0; from < tenants.size(); from += kBatch) {
    RETURN_IF_ERROR(ImportTenants(tenants, from, std::min(tenants.size(), from + kBatch)));
  }
  // The right, granted by the operator (a legal representative needs no work relation).
  RETURN_IF_ERROR(ParallelFor(tenants.size(), threads, [&](size_t i) -> absl::Status {
    if (work_relation) {
      absl::Status related =
          AddWorkRelation(services_.operator_token, tenants[i].org, tenants[i].person).status();
      if (!related.ok()) return related;
    }
    return Grant(services_.operator_token, tenants[i].org, tenants[i].person).status();
  }));
  if (login) {
    RETURN_IF_ERROR(
        ParallelFor(tenants.size(), threads, [&](size_t i) { return LoginTenant(tenants[i]); }));
  }
  return tenants;
}

absl::Status Flow::LoginTenant(Tenant& tenant) {
  ASSIGN_OR_RETURN(idv1::ExchangeIdTokenResponse session, Login(tenant.person));
  tenant.personal_token = session.access_token();
  ASSIGN_OR_RETURN(tenant.org_token, Select(tenant.personal_token, tenant.org));
  return absl::OkStatus();
}

}  // namespace wse::flow
