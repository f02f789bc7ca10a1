#include "tests/reliability/flow_client.h"

#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/grpc_status.h"
#include "common/status_macros.h"
#include "gtest/gtest.h"
#include "tests/support/grpc_helpers.h"
#include "tests/support/identity_test_data.h"
#include "tests/support/vov_fixtures.h"

namespace wse::testing {

namespace idv1 = wse::identity::v1;
namespace rv1 = wse::rights::v1;
namespace reg = wse::registration::v1;

namespace {

std::mt19937_64& Rng() {
  static std::mt19937_64 rng{std::random_device{}()};
  return rng;
}

// Call first, then read the response (a function argument's evaluation order is unspecified).
template <typename Response>
absl::StatusOr<Response> Result(const grpc::Status& status, Response&& response) {
  RETURN_IF_ERROR(FromGrpcStatus(status));
  return std::move(response);
}

}  // namespace

std::string NewUuid() { return absl::StrFormat("%016x-%016x", Rng()(), Rng()()); }

std::string NewOdbNumber() { return absl::StrFormat("ODB-R%010d", Rng()() % 10000000000ULL); }

reg::Participant Attending(const std::string& display_name, double present, double to_follow) {
  return AttendingParticipant(RandomInsz(), display_name, present, to_follow);
}

FlowClient::FlowClient(PrivateStack& stack, absl::Duration deadline)
    : stack_(stack),
      deadline_(deadline),
      identity_(idv1::IdentityService::NewStub(Channel(stack.identity().port()))),
      rights_(rv1::RightsService::NewStub(Channel(stack.rights().port()))),
      registration_(reg::RegistrationService::NewStub(Channel(stack.registration().port()))) {}

void FlowClient::Prepare(grpc::ClientContext* context, const std::string& token,
                         std::optional<absl::Duration> deadline) const {
  context->set_deadline(std::chrono::system_clock::now() +
                        absl::ToChronoMilliseconds(deadline.value_or(deadline_)));
  if (!token.empty()) Bearer(context, token);
}

FlowPerson FlowClient::NewPerson(const std::string& given) {
  FlowPerson p;
  p.insz = RandomInsz();
  p.email = absl::StrCat(absl::AsciiStrToLower(given), "-", p.insz, "@school.example");
  grpc::ClientContext context;
  Prepare(&context, stack_.operator_token());
  idv1::BatchImportPersonsRequest request;
  auto* person = request.add_persons();
  person->set_insz(p.insz);
  person->set_given_name(given);
  person->set_family_name("Test");
  person->set_email_address(p.email);
  idv1::BatchImportPersonsResponse response;
  grpc::Status status = identity_->BatchImportPersons(&context, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  if (status.ok() && response.results_size() == 1) p.name = response.results(0).resource();
  return p;
}

std::string FlowClient::LoginFor(const FlowPerson& p, const std::string& organization) {
  grpc::ClientContext login_context;
  Prepare(&login_context, "");
  idv1::ExchangeIdTokenRequest login;
  login.set_id_token(DevIdToken(p.insz, "Given", "Test"));
  idv1::ExchangeIdTokenResponse session;
  grpc::Status status = identity_->ExchangeIdToken(&login_context, login, &session);
  EXPECT_TRUE(status.ok()) << status.error_message();
  if (!status.ok()) return "";
  grpc::ClientContext select_context;
  Prepare(&select_context, session.access_token());
  idv1::SelectActingContextRequest select;
  select.set_organization(organization);
  idv1::SelectActingContextResponse selected;
  status = identity_->SelectActingContext(&select_context, select, &selected);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return selected.access_token();
}

absl::Status FlowClient::Login(const FlowPerson& p, absl::Duration deadline) {
  grpc::ClientContext context;
  Prepare(&context, "", deadline);
  idv1::ExchangeIdTokenRequest login;
  login.set_id_token(DevIdToken(p.insz, "Given", "Test"));
  idv1::ExchangeIdTokenResponse session;
  return FromGrpcStatus(identity_->ExchangeIdToken(&context, login, &session));
}

absl::StatusOr<bool> FlowClient::CheckPermission(const std::string& token, const FlowPerson& p,
                                                 const std::string& org,
                                                 absl::Duration deadline) {
  grpc::ClientContext context;
  Prepare(&context, token, deadline);
  rv1::CheckPermissionRequest request;
  request.set_person(p.name);
  request.set_organization(org);
  request.set_permission("vov.registration.write");
  rv1::CheckPermissionResponse response;
  grpc::Status status = rights_->CheckPermission(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response.allowed();
}

absl::Status FlowClient::Grant(const FlowSchool& school, const FlowPerson& person) {
  grpc::ClientContext context;
  Prepare(&context, school.admin_token);
  rv1::CreateGrantRequest request;
  request.set_parent(school.org);
  request.set_request_id(NewUuid());
  request.mutable_grant()->set_person(person.name);
  request.mutable_grant()->set_role("DWSE_ORGANISATIEVERANTWOORDELIJKE");
  request.mutable_grant()->set_context("opleidingsverlof");
  rv1::CreateGrantResponse response;
  return FromGrpcStatus(rights_->CreateGrant(&context, request, &response));
}

absl::Status FlowClient::RevokeGrants(const FlowSchool& school, const FlowPerson& person) {
  rv1::ListGrantsResponse grants;
  {
    grpc::ClientContext context;
    Prepare(&context, school.admin_token);
    rv1::ListGrantsRequest request;
    request.set_parent(school.org);
    request.set_person(person.name);
    request.set_page_size(500);
    grpc::Status status = rights_->ListGrants(&context, request, &grants);
    if (!status.ok()) return FromGrpcStatus(status);
  }
  for (const rv1::Grant& grant : grants.grants()) {
    grpc::ClientContext context;
    Prepare(&context, school.admin_token);
    rv1::RevokeGrantRequest request;
    request.set_name(grant.name());
    request.set_etag(grant.etag());
    request.set_reason("Niet langer nodig");
    rv1::RevokeGrantResponse response;
    grpc::Status status = rights_->RevokeGrant(&context, request, &response);
    if (!status.ok()) return FromGrpcStatus(status);
  }
  return absl::OkStatus();
}

FlowSchool FlowClient::NewSchool(const std::string& label, int members, bool grant) {
  FlowSchool s;
  s.admin = NewPerson("Admin");
  {
    grpc::ClientContext context;
    Prepare(&context, stack_.operator_token());
    idv1::BatchImportOrganizationsRequest request;
    auto* org = request.add_organizations();
    org->mutable_identifier()->set_kbo_number(RandomKboNumber());
    org->set_display_name(label);
    org->set_kind(idv1::ORGANIZATION_KIND_ENTERPRISE);
    org->add_legal_representatives()->set_insz(s.admin.insz);
    idv1::BatchImportOrganizationsResponse response;
    grpc::Status status = identity_->BatchImportOrganizations(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    if (!status.ok() || response.results_size() != 1) return s;
    s.org = response.results(0).resource();
  }
  s.admin_token = LoginFor(s.admin, s.org);
  for (int i = 0; i < members; ++i) AddMember(s, absl::StrCat("Lid", i), grant);
  return s;
}

size_t FlowClient::AddMember(FlowSchool& s, const std::string& given, bool grant) {
  FlowPerson user = NewPerson(given);
  grpc::ClientContext context;
  Prepare(&context, s.admin_token);
  rv1::CreateWorkRelationRequest relation;
  relation.set_parent(s.org);
  relation.set_request_id(NewUuid());
  relation.mutable_work_relation()->set_person(user.name);
  relation.mutable_work_relation()->set_type(rv1::WORK_RELATION_TYPE_VASTE_MEDEWERKER);
  rv1::CreateWorkRelationResponse created;
  grpc::Status status = rights_->CreateWorkRelation(&context, relation, &created);
  EXPECT_TRUE(status.ok()) << status.error_message();
  if (grant) {
    absl::Status granted = Grant(s, user);
    EXPECT_TRUE(granted.ok()) << granted;
  }
  s.tokens.push_back(LoginFor(user, s.org));
  s.users.push_back(std::move(user));
  return s.users.size() - 1;
}

absl::Status FlowClient::ImportTraining(const std::string& odb, const std::string& org) {
  grpc::ClientContext context;
  Prepare(&context, stack_.operator_token());
  reg::BatchImportTrainingsRequest request;
  FillContactHoursTraining(request.add_trainings(), odb, org, "Boekhouden (betrouwbaarheid)");
  reg::BatchImportTrainingsResponse response;
  RETURN_IF_ERROR(
      FromGrpcStatus(registration_->BatchImportTrainings(&context, request, &response)));
  if (response.results_size() != 1 ||
      response.results(0).outcome() == reg::IMPORT_OUTCOME_FAILED) {
    return absl::InternalError("training import failed: " + response.DebugString());
  }
  return absl::OkStatus();
}

absl::StatusOr<PreparedDraft> FlowClient::PrepareDraft(const std::string& token,
                                                       const std::string& org,
                                                       const std::string& odb, int participants) {
  PreparedDraft draft;
  {
    grpc::ClientContext context;
    Prepare(&context, token);
    reg::CreateDraftRequest request;
    request.set_parent(org);
    request.set_request_id(NewUuid());
    request.mutable_draft()->set_training("trainings/" + odb);
    request.mutable_draft()->set_school_year("2025-2026");
    reg::CreateDraftResponse response;
    RETURN_IF_ERROR(FromGrpcStatus(registration_->CreateDraft(&context, request, &response)));
    draft.name = response.draft().name();
    draft.etag = response.draft().etag();
  }
  for (int i = 0; i < participants; ++i) {
    ASSIGN_OR_RETURN(auto added,
                     AddParticipant(token, draft.name, draft.etag,
                                    Attending(absl::StrCat("Deelnemer ", i + 1), 36, 40)));
    draft.etag = added.etag();
  }
  draft.request_id = NewUuid();
  return draft;
}

absl::StatusOr<reg::ConfirmDraftResponse> FlowClient::Confirm(const std::string& token,
                                                             const PreparedDraft& draft,
                                                             absl::Duration deadline,
                                                             const std::string& call_id) {
  grpc::ClientContext context;
  Prepare(&context, token, deadline);
  if (!call_id.empty()) context.AddMetadata("x-request-id", call_id);
  reg::ConfirmDraftRequest request;
  request.set_name(draft.name);
  request.set_etag(draft.etag);
  request.set_request_id(draft.request_id);
  reg::ConfirmDraftResponse response;
  grpc::Status status = registration_->ConfirmDraft(&context, request, &response);
  return Result(status, std::move(response));
}

absl::StatusOr<reg::Draft> FlowClient::GetDraft(const std::string& token,
                                                const std::string& name) {
  grpc::ClientContext context;
  Prepare(&context, token);
  reg::GetDraftRequest request;
  request.set_name(name);
  reg::GetDraftResponse response;
  grpc::Status status = registration_->GetDraft(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response.draft();
}

absl::StatusOr<reg::AddParticipantResponse> FlowClient::AddParticipant(
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
  return Result(status, std::move(response));
}

absl::StatusOr<reg::UpdateParticipantResponse> FlowClient::UpdateHoursPresent(
    const std::string& token, const std::string& participant_name, const std::string& etag,
    double hours_present) {
  grpc::ClientContext context;
  Prepare(&context, token);
  reg::UpdateParticipantRequest request;
  request.mutable_participant()->set_name(participant_name);
  request.mutable_participant()->mutable_attendance()->set_hours_present(hours_present);
  request.mutable_update_mask()->add_paths("attendance.hours_present");
  request.set_etag(etag);
  reg::UpdateParticipantResponse response;
  grpc::Status status = registration_->UpdateParticipant(&context, request, &response);
  return Result(status, std::move(response));
}

absl::StatusOr<rv1::AccessRequest> FlowClient::RequestRight(const std::string& token,
                                                            const std::string& org) {
  grpc::ClientContext context;
  Prepare(&context, token);
  rv1::CreateAccessRequestRequest request;
  request.set_parent(org);
  request.set_request_id(NewUuid());
  request.mutable_access_request()->set_role("DWSE_ORGANISATIEVERANTWOORDELIJKE");
  request.mutable_access_request()->set_context("opleidingsverlof");
  request.mutable_access_request()->set_reason("Aanwezigheden VOV registreren");
  rv1::CreateAccessRequestResponse response;
  grpc::Status status = rights_->CreateAccessRequest(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response.access_request();
}

absl::StatusOr<rv1::AccessRequest> FlowClient::Approve(const std::string& admin_token,
                                                       const rv1::AccessRequest& r) {
  grpc::ClientContext context;
  Prepare(&context, admin_token);
  rv1::ApproveAccessRequestRequest request;
  request.set_name(r.name());
  request.set_etag(r.etag());
  rv1::ApproveAccessRequestResponse response;
  grpc::Status status = rights_->ApproveAccessRequest(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response.access_request();
}

absl::StatusOr<rv1::AccessRequest> FlowClient::Reject(const std::string& admin_token,
                                                      const rv1::AccessRequest& r,
                                                      const std::string& reason) {
  grpc::ClientContext context;
  Prepare(&context, admin_token);
  rv1::RejectAccessRequestRequest request;
  request.set_name(r.name());
  request.set_etag(r.etag());
  request.set_reason(reason);
  rv1::RejectAccessRequestResponse response;
  grpc::Status status = rights_->RejectAccessRequest(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response.access_request();
}

}  // namespace wse::testing
