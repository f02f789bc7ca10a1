// The expectation table of the authorization matrix (see authz_matrix.h), one row per RPC, with a
// minimal valid request each. Requests that would change data name a stale etag where the
// service checks the etag after the authorization, so an authorized caller gets ABORTED (proof
// that it got past the authorization) and nothing changes; creates use validate_only or request
// ids that make repeats idempotent.
//
// How the services decide (read from their adapters):
// - identity-svc: open StartLogin, ExchangeIdToken, RefreshSession, GetJwks; the session RPCs
// verify the
//   access token (the operator token is no access token); the directory RPCs are operator-only
//   except GetOrganization and GetPerson (own record only, others NOT_FOUND).
// - rights-svc: token (or operator) first; a named organisation must be the token's
//   (ORGANIZATION_MISMATCH); changes need rights.manage (local administrator) and then check the
//   etag; ListLocalAdministrators is for those acting for the organisation (and operators).
// - registration-svc: token (or operator) first; another organisation's draft, registration or
//   receipt is NOT_FOUND, a foreign `parent` PERMISSION_DENIED; every call re-checks
//   vov.registration.read/write live with rights-svc, a personal token or the operator is
//   ORGANIZATION_REQUIRED (PERMISSION_DENIED); imports are operator-only.
// - notify-svc: operator-only throughout (end users never call it).
#include "absl/strings/str_cat.h"
#include "envoy/service/auth/v3/external_auth.pb.h"
#include "grpc/health/v1/health.pb.h"
#include "tests/security/authz_matrix.h"
#include "tests/support/vov_fixtures.h"
#include "wse/identity/v1/identity_service.pb.h"
#include "wse/notify/v1/notify_service.pb.h"
#include "wse/registration/v1/registration_service.pb.h"
#include "wse/rights/v1/membership.pb.h"
#include "wse/rights/v1/replica_cache.pb.h"
#include "wse/rights/v1/rights_service.pb.h"

namespace wse::testing::security {

namespace {

namespace idv1 = wse::identity::v1;
namespace rv1 = wse::rights::v1;
namespace reg = wse::registration::v1;
namespace nv1 = wse::notify::v1;
namespace auth = envoy::service::auth::v3;
using C = grpc::StatusCode;

constexpr C OK = C::OK;
constexpr C U = C::UNAUTHENTICATED;
constexpr C PD = C::PERMISSION_DENIED;
constexpr C NF = C::NOT_FOUND;
constexpr C AB = C::ABORTED;
constexpr C FP = C::FAILED_PRECONDITION;
constexpr C AE = C::ALREADY_EXISTS;

constexpr char kStale[] = "999";    // A registration etag no draft reaches in this test.
constexpr char kStaleV[] = "v999";  // The same for rights-svc etags ("v" + version).

using RequestFn = std::function<Messages(const World&, Principal)>;

Row R(std::string service, std::string method, std::string target, Cells cells, RequestFn request,
      std::string foreign_data_allowed = "") {
  Row row;
  row.service = std::move(service);
  row.method = std::move(method);
  row.target = std::move(target);
  row.cells = std::move(cells);
  row.request = std::move(request);
  row.foreign_data_allowed = std::move(foreign_data_allowed);
  return row;
}

// Service descriptors of files without messages of their own register from static
// initialisers of objects nothing else references: naming their tables links them in, so
// DescriptorPool::generated_pool() knows every service.
void LinkServiceDescriptors() {
  static const void* volatile const kTables[] = {
      &descriptor_table_wse_2fidentity_2fv1_2fidentity_5fservice_2eproto,
      &descriptor_table_wse_2frights_2fv1_2frights_5fservice_2eproto,
      &descriptor_table_wse_2frights_2fv1_2freplica_5fcache_2eproto,
      &descriptor_table_wse_2frights_2fv1_2fmembership_2eproto,
      &descriptor_table_wse_2fregistration_2fv1_2fregistration_5fservice_2eproto,
      &descriptor_table_wse_2fnotify_2fv1_2fnotify_5fservice_2eproto,
      &descriptor_table_envoy_2fservice_2fauth_2fv3_2fexternal_5fauth_2eproto,
      &descriptor_table_grpc_2fhealth_2fv1_2fhealth_2eproto,
  };
  (void)kTables;
}

Cells Fill(C code) {
  Cells cells;
  for (Cell& c : cells) c.want = code;
  return cells;
}

// Every caller gets `code` (open RPCs).
Cells Open(C code = OK) { return Fill(code); }

// Callers without valid credentials: UNAUTHENTICATED; the rest as given.
Cells Authed(C personal, C other_org, C no_right, C with_right, C local_admin, C op) {
  Cells cells = Fill(U);
  cells[kPersonal].want = personal;
  cells[kOtherOrg].want = other_org;
  cells[kNoRight].want = no_right;
  cells[kWithRight].want = with_right;
  cells[kLocalAdmin].want = local_admin;
  cells[kOperator].want = op;
  return cells;
}

// For a cell whose answer today is known to be wrong (none at the moment).
[[maybe_unused]] Cells Deviate(Cells cells, Principal p, C now, std::string why) {
  cells[p].now = now;
  cells[p].why = std::move(why);
  return cells;
}

// Operator-only RPCs (identity directory, notify): who you are first, then the operator check.
Cells OperatorOnlyUnverified() { return Authed(PD, PD, PD, PD, PD, OK); }

template <typename M>
std::function<Messages(const World&, Principal)> Req(std::function<void(const World&, M&)> fill) {
  return [fill](const World& w, Principal) {
    auto m = std::make_unique<M>();
    fill(w, *m);
    Messages out;
    out.push_back(std::move(m));
    return out;
  };
}

template <typename M>
std::function<Messages(const World&, Principal)> Empty() {
  return Req<M>([](const World&, M&) {});
}

reg::Participant Attending(const std::string& insz) {
  reg::Participant p;
  p.set_insz(insz);
  p.set_display_name("Matrix Deelnemer");
  p.mutable_attendance()->set_hours_present(40);
  p.mutable_attendance()->set_contact_hours_to_follow(40);
  p.set_final_assessment(reg::FINAL_ASSESSMENT_PARTICIPATED);
  p.set_route_completed(true);
  p.set_exam_contract(false);
  return p;
}

std::string RequestId(const World& w, const char* what, Principal p) {
  return absl::StrCat("m-", w.run_id, "-", what, "-", static_cast<int>(p));
}

std::vector<Row> IdentityRows() {
  const std::string s = "wse.identity.v1.IdentityService";
  const std::string t = "identity";
  std::vector<Row> rows;
  rows.push_back(R(s, "StartLogin", t, Open(), Empty<idv1::StartLoginRequest>(),
                   "anyone may start a login; it grants nothing until an ID token completes it"));
  rows.push_back(R(s, "ExchangeIdToken", t, Open(),
                   Req<idv1::ExchangeIdTokenRequest>(
                       [](const World& w, auto& r) { r.set_id_token(w.fresh_id_token()); }),
                   "the answer is about the ID token in the request"));
  rows.push_back(R(s, "ListActingContexts", t, Authed(OK, OK, OK, OK, OK, U),
                   Empty<idv1::ListActingContextsRequest>()));
  rows.push_back(R(s, "SelectActingContext", t, Authed(OK, PD, OK, OK, OK, U),
                   Req<idv1::SelectActingContextRequest>(
                       [](const World& w, auto& r) { r.set_organization(w.org_a); })));
  rows.push_back(R(s, "RefreshSession", t, Open(),
                   Req<idv1::RefreshSessionRequest>([](const World& w, auto& r) {
                     r.set_refresh_token(w.fresh_refresh_token());
                   }),
                   "the answer is about the refresh token in the request"));
  // Names the with-right user's org session: only that session's token may end it.
  Row logout = R(s, "Logout", t, Authed(NF, NF, NF, OK, NF, U),
                 Req<idv1::LogoutRequest>(
                     [](const World& w, auto& r) { r.set_session(w.with_right_session); }));
  logout.run_last = true;
  rows.push_back(std::move(logout));
  rows.push_back(R(s, "GetCurrentUser", t, Authed(OK, OK, OK, OK, OK, U),
                   Empty<idv1::GetCurrentUserRequest>()));
  rows.push_back(R(s, "GetJwks", t, Open(), Empty<idv1::GetJwksRequest>()));
  // Any person for themselves; an implausible address / a code that is no six digits keeps the
  // matrix from mailing anyone: who may call is decided before what is asked.
  rows.push_back(R(s, "StartEmailVerification", t,
                   Authed(C::INVALID_ARGUMENT, C::INVALID_ARGUMENT, C::INVALID_ARGUMENT,
                          C::INVALID_ARGUMENT, C::INVALID_ARGUMENT, U),
                   Req<idv1::StartEmailVerificationRequest>(
                       [](const World&, auto& r) { r.set_email_address("geen-adres"); })));
  rows.push_back(
      R(s, "ConfirmEmailAddress", t,
        Authed(C::INVALID_ARGUMENT, C::INVALID_ARGUMENT, C::INVALID_ARGUMENT, C::INVALID_ARGUMENT,
               C::INVALID_ARGUMENT, U),
        Req<idv1::ConfirmEmailAddressRequest>([](const World&, auto& r) { r.set_code("abc"); })));
  rows.push_back(R(s, "BatchImportOrganizations", t, OperatorOnlyUnverified(),
                   Req<idv1::BatchImportOrganizationsRequest>([](const World& w, auto& r) {
                     auto* org = r.add_organizations();
                     org->mutable_identifier()->set_kbo_number(w.kbo_a);
                     org->set_display_name("Matrix School A");
                     org->set_kind(idv1::ORGANIZATION_KIND_ENTERPRISE);
                     r.set_validate_only(true);
                   })));
  rows.push_back(R(s, "BatchImportPersons", t, OperatorOnlyUnverified(),
                   Req<idv1::BatchImportPersonsRequest>([](const World& w, auto& r) {
                     auto* person = r.add_persons();
                     person->set_insz(w.with_right_insz);
                     person->set_given_name("Matrix");
                     person->set_family_name("Gebruiker");
                     r.set_validate_only(true);
                   })));
  rows.push_back(
      R(s, "GetOrganization", t, Authed(OK, PD, OK, OK, OK, OK),
        Req<idv1::GetOrganizationRequest>([](const World& w, auto& r) { r.set_name(w.org_a); })));
  rows.push_back(R(s, "ListOrganizations", t, OperatorOnlyUnverified(),
                   Empty<idv1::ListOrganizationsRequest>()));
  // Operators and services only; an unauthenticated caller is told so first.
  rows.push_back(R(s, "LookupOrganization", t, Authed(PD, PD, PD, PD, PD, OK),
                   Req<idv1::LookupOrganizationRequest>([](const World& w, auto& r) {
                     r.mutable_identifier()->set_kbo_number(w.kbo_a);
                   })));
  rows.push_back(
      R(s, "GetPerson", t, Authed(OK, NF, NF, OK, NF, OK),
        Req<idv1::GetPersonRequest>([](const World& w, auto& r) { r.set_name(w.with_right_a); })));
  rows.push_back(R(s, "LookupPerson", t, OperatorOnlyUnverified(),
                   Req<idv1::LookupPersonRequest>(
                       [](const World& w, auto& r) { r.set_insz(w.with_right_insz); })));
  return rows;
}

std::vector<Row> RightsRows() {
  const std::string s = "wse.rights.v1.RightsService";
  const std::string t = "rights";
  // rights.manage: the local administrator and the operator; everyone else is refused, callers
  // of another organisation or without one by the organisation check.
  const Cells manage = Authed(PD, PD, PD, PD, OK, OK);
  const Cells manage_stale = Authed(PD, PD, PD, PD, AB, AB);
  std::vector<Row> rows;
  rows.push_back(R(s, "CreateWorkRelation", t, manage,
                   Req<rv1::CreateWorkRelationRequest>([](const World& w, auto& r) {
                     r.set_parent(w.org_a);
                     r.set_request_id(absl::StrCat("m-", w.run_id, "-relation"));
                     r.mutable_work_relation()->set_person(w.spare2_a);
                     r.mutable_work_relation()->set_type(rv1::WORK_RELATION_TYPE_VASTE_MEDEWERKER);
                   })));
  rows.push_back(R(s, "UpdateWorkRelation", t, manage_stale,
                   Req<rv1::UpdateWorkRelationRequest>([](const World& w, auto& r) {
                     r.mutable_work_relation()->set_name(w.work_relation_a);
                     r.mutable_work_relation()->set_etag(kStaleV);
                     r.mutable_update_mask()->add_paths("validity");
                   })));
  rows.push_back(R(s, "EndWorkRelation", t, manage_stale,
                   Req<rv1::EndWorkRelationRequest>([](const World& w, auto& r) {
                     r.set_name(w.work_relation_a);
                     r.set_etag(kStaleV);
                     r.set_reason("matrix");
                   })));
  rows.push_back(R(
      s, "ListWorkRelations", t, manage,
      Req<rv1::ListWorkRelationsRequest>([](const World& w, auto& r) { r.set_parent(w.org_a); })));
  // The local administrator (earlier in the row) creates the grant; the operator's call with the
  // same request id is its own create (request ids answer only their sender), so it meets the
  // grant the administrator made.
  rows.push_back(R(s, "CreateGrant", t, Authed(PD, PD, PD, PD, OK, AE),
                   Req<rv1::CreateGrantRequest>([](const World& w, auto& r) {
                     r.set_parent(w.org_a);
                     r.set_request_id(absl::StrCat("m-", w.run_id, "-grant"));
                     r.mutable_grant()->set_person(w.spare1_a);
                     r.mutable_grant()->set_role("DWSE_ORGANISATIEVERANTWOORDELIJKE");
                     r.mutable_grant()->set_context("opleidingsverlof");
                   })));
  rows.push_back(R(s, "UpdateGrant", t, manage_stale,
                   Req<rv1::UpdateGrantRequest>([](const World& w, auto& r) {
                     r.mutable_grant()->set_name(w.grant_a);
                     r.mutable_grant()->set_etag(kStaleV);
                     r.mutable_update_mask()->add_paths("validity");
                   })));
  rows.push_back(R(s, "RevokeGrant", t, manage_stale,
                   Req<rv1::RevokeGrantRequest>([](const World& w, auto& r) {
                     r.set_name(w.grant_a);
                     r.set_etag(kStaleV);
                     r.set_reason("matrix");
                   })));
  rows.push_back(
      R(s, "ListGrants", t, manage,
        Req<rv1::ListGrantsRequest>([](const World& w, auto& r) { r.set_parent(w.org_a); })));
  rows.push_back(
      R(s, "ListRoles", t, Authed(OK, OK, OK, OK, OK, OK), Empty<rv1::ListRolesRequest>()));
  // Requested while logged in via A: the member without the right may (a pending request and a
  // mail to A's administrator); the holder already has it; A's only administrator has nobody to
  // ask; the operator and callers without A's token are refused.
  rows.push_back(R(s, "CreateAccessRequest", t, Authed(PD, PD, OK, FP, FP, PD),
                   [](const World& w, Principal p) {
                     auto r = std::make_unique<rv1::CreateAccessRequestRequest>();
                     r->set_parent(w.org_a);
                     r->set_request_id(RequestId(w, "access", p));
                     r->mutable_access_request()->set_role("DWSE_ORGANISATIEVERANTWOORDELIJKE");
                     r->mutable_access_request()->set_context("opleidingsverlof");
                     r->mutable_access_request()->set_reason("Matrix");
                     Messages out;
                     out.push_back(std::move(r));
                     return out;
                   }));
  rows.push_back(R(s, "ApproveAccessRequest", t, manage_stale,
                   Req<rv1::ApproveAccessRequestRequest>([](const World& w, auto& r) {
                     r.set_name(w.access_request_a);
                     r.set_etag(kStaleV);
                   })));
  rows.push_back(R(s, "RejectAccessRequest", t, manage_stale,
                   Req<rv1::RejectAccessRequestRequest>([](const World& w, auto& r) {
                     r.set_name(w.access_request_a);
                     r.set_etag(kStaleV);
                     r.set_reason("matrix");
                   })));
  // Only the requester's own request: others do not learn it exists.
  rows.push_back(R(s, "WithdrawAccessRequest", t, Authed(PD, PD, AB, NF, NF, NF),
                   Req<rv1::WithdrawAccessRequestRequest>([](const World& w, auto& r) {
                     r.set_name(w.access_request_a);
                     r.set_etag(kStaleV);
                   })));
  rows.push_back(R(s, "GetAccessRequest", t, Authed(PD, PD, OK, PD, OK, OK),
                   Req<rv1::GetAccessRequestRequest>(
                       [](const World& w, auto& r) { r.set_name(w.access_request_a); })));
  rows.push_back(R(
      s, "ListAccessRequests", t, manage,
      Req<rv1::ListAccessRequestsRequest>([](const World& w, auto& r) { r.set_parent(w.org_a); })));
  rows.push_back(R(s, "ListLocalAdministrators", t, Authed(PD, PD, OK, OK, OK, OK),
                   Req<rv1::ListLocalAdministratorsRequest>(
                       [](const World& w, auto& r) { r.set_parent(w.org_a); })));
  rows.push_back(
      R(s, "ListAuditEvents", t, manage,
        Req<rv1::ListAuditEventsRequest>([](const World& w, auto& r) { r.set_parent(w.org_a); }),
        "by design a refused call is audited in the caller's organisation, naming "
        "the organisation it asked for"));
  rows.push_back(
      R(s, "VerifyAuditChain", t, manage,
        Req<rv1::VerifyAuditChainRequest>([](const World& w, auto& r) { r.set_parent(w.org_a); })));
  // A person may check only themself (the with-right user, also from the personal context).
  const Cells self_check = Authed(OK, PD, PD, OK, PD, OK);
  rows.push_back(R(s, "CheckPermission", t, self_check,
                   Req<rv1::CheckPermissionRequest>([](const World& w, auto& r) {
                     r.set_person(w.with_right_a);
                     r.set_organization(w.org_a);
                     r.set_permission("vov.registration.write");
                   })));
  rows.push_back(R(s, "ExplainPermission", t, self_check,
                   Req<rv1::ExplainPermissionRequest>([](const World& w, auto& r) {
                     r.set_person(w.with_right_a);
                     r.set_organization(w.org_a);
                     r.set_permission("vov.registration.write");
                   })));
  return rows;
}

std::vector<Row> RegistrationRows() {
  const std::string s = "wse.registration.v1.RegistrationService";
  const std::string t = "registration";
  // Named resources of A: NOT_FOUND for B (existence does not leak); a foreign parent is
  // PERMISSION_DENIED; no right, a personal token or the operator: PERMISSION_DENIED.
  const Cells read_named = Authed(PD, NF, PD, OK, PD, PD);
  const Cells read_parent = Authed(PD, PD, PD, OK, PD, PD);
  const Cells write_stale = Authed(PD, NF, PD, AB, PD, PD);
  std::vector<Row> rows;
  rows.push_back(R(s, "BatchImportTrainings", t, Authed(PD, PD, PD, PD, PD, OK),
                   Req<reg::BatchImportTrainingsRequest>([](const World& w, auto& r) {
                     FillContactHoursTraining(r.add_trainings(),
                                              w.training_a.substr(sizeof("trainings/") - 1),
                                              w.org_a, "Matrix opleiding");
                     r.set_validate_only(true);
                   })));
  rows.push_back(
      R(s, "GetTraining", t, Authed(PD, NF, PD, OK, PD, OK),
        Req<reg::GetTrainingRequest>([](const World& w, auto& r) { r.set_name(w.training_a); })));
  rows.push_back(R(s, "ListTrainings", t, Authed(PD, PD, PD, OK, PD, OK),
                   Req<reg::ListTrainingsRequest>(
                       [](const World& w, auto& r) { r.set_provider_organization(w.org_a); })));
  rows.push_back(R(s, "GetApplicationScreen", t, Authed(OK, OK, OK, OK, OK, U),
                   Empty<reg::GetApplicationScreenRequest>()));
  rows.push_back(R(s, "CreateDraft", t, read_parent, [](const World& w, Principal p) {
    auto r = std::make_unique<reg::CreateDraftRequest>();
    r->set_parent(w.org_a);
    r->set_request_id(RequestId(w, "draft", p));
    r->mutable_draft()->set_training(w.training_a);
    r->mutable_draft()->set_school_year("2025-2026");
    Messages out;
    out.push_back(std::move(r));
    return out;
  }));
  rows.push_back(
      R(s, "GetDraft", t, read_named,
        Req<reg::GetDraftRequest>([](const World& w, auto& r) { r.set_name(w.draft_a); })));
  rows.push_back(
      R(s, "ListDrafts", t, read_parent,
        Req<reg::ListDraftsRequest>([](const World& w, auto& r) { r.set_parent(w.org_a); })));
  rows.push_back(
      R(s, "DeleteDraft", t, write_stale, Req<reg::DeleteDraftRequest>([](const World& w, auto& r) {
          r.set_name(w.draft_a);
          r.set_etag(kStale);
        })));
  rows.push_back(R(s, "AddParticipant", t, write_stale,
                   Req<reg::AddParticipantRequest>([](const World& w, auto& r) {
                     r.set_parent(w.draft_a);
                     r.set_etag(kStale);
                     *r.mutable_participant() = Attending(w.with_right_insz);
                   })));
  rows.push_back(R(s, "UpdateParticipant", t, write_stale,
                   Req<reg::UpdateParticipantRequest>([](const World& w, auto& r) {
                     r.mutable_participant()->set_name(w.participant_a);
                     r.mutable_participant()->set_display_name("Matrix");
                     r.mutable_update_mask()->add_paths("display_name");
                     r.set_etag(kStale);
                   })));
  rows.push_back(R(s, "RemoveParticipant", t, write_stale,
                   Req<reg::RemoveParticipantRequest>([](const World& w, auto& r) {
                     r.set_name(w.participant_a);
                     r.set_etag(kStale);
                   })));
  rows.push_back(R(s, "UploadParticipants", t, write_stale, [](const World& w, Principal) {
    auto header = std::make_unique<reg::UploadParticipantsRequest>();
    header->mutable_header()->set_draft(w.draft_a);
    header->mutable_header()->set_etag(kStale);
    header->mutable_header()->set_mode(reg::UPLOAD_MODE_MERGE);
    auto batch = std::make_unique<reg::UploadParticipantsRequest>();
    auto* row = batch->mutable_batch()->add_rows();
    row->set_row_number(2);
    *row->mutable_participant() = Attending(w.with_right_insz);
    Messages out;
    out.push_back(std::move(header));
    out.push_back(std::move(batch));
    return out;
  }));
  rows.push_back(R(s, "UploadParticipantRows", t, write_stale,
                   Req<reg::UploadParticipantRowsRequest>([](const World& w, auto& r) {
                     r.mutable_header()->set_draft(w.draft_a);
                     r.mutable_header()->set_etag(kStale);
                     r.mutable_header()->set_mode(reg::UPLOAD_MODE_MERGE);
                     auto* row = r.add_rows();
                     row->set_row_number(2);
                     *row->mutable_participant() = Attending(w.with_right_insz);
                   })));
  rows.push_back(
      R(s, "ValidateDraft", t, read_named,
        Req<reg::ValidateDraftRequest>([](const World& w, auto& r) { r.set_name(w.draft_a); })));
  rows.push_back(R(s, "ConfirmDraft", t, write_stale, [](const World& w, Principal p) {
    auto r = std::make_unique<reg::ConfirmDraftRequest>();
    r->set_name(w.draft_a);
    r->set_etag(kStale);
    r->set_request_id(RequestId(w, "confirm", p));
    Messages out;
    out.push_back(std::move(r));
    return out;
  }));
  rows.push_back(R(s, "GetRegistration", t, read_named,
                   Req<reg::GetRegistrationRequest>([](const World& w, auto& r) {
                     r.set_name(w.registration_a);
                     r.set_view(reg::REGISTRATION_VIEW_FULL);
                   })));
  rows.push_back(R(
      s, "ListRegistrations", t, read_parent,
      Req<reg::ListRegistrationsRequest>([](const World& w, auto& r) { r.set_parent(w.org_a); })));
  rows.push_back(R(s, "ListRegistrationVersions", t, read_named,
                   Req<reg::ListRegistrationVersionsRequest>(
                       [](const World& w, auto& r) { r.set_name(w.registration_a); })));
  rows.push_back(R(s, "CorrectRegistration", t, write_stale, [](const World& w, Principal p) {
    auto r = std::make_unique<reg::CorrectRegistrationRequest>();
    r->set_name(w.registration_a);
    r->set_etag(kStale);
    r->set_request_id(RequestId(w, "correct", p));
    Messages out;
    out.push_back(std::move(r));
    return out;
  }));
  rows.push_back(R(s, "WithdrawRegistration", t, write_stale, [](const World& w, Principal p) {
    auto r = std::make_unique<reg::WithdrawRegistrationRequest>();
    r->set_name(w.registration_a);
    r->set_etag(kStale);
    r->set_reason("Matrix");
    r->set_request_id(RequestId(w, "withdraw", p));
    Messages out;
    out.push_back(std::move(r));
    return out;
  }));
  rows.push_back(
      R(s, "GetReceipt", t, read_named,
        Req<reg::GetReceiptRequest>([](const World& w, auto& r) { r.set_name(w.receipt_a); })));
  return rows;
}

std::vector<Row> NotifyRows() {
  const std::string s = "wse.notify.v1.NotifyService";
  const std::string t = "notify";
  std::vector<Row> rows;
  // The fixture sent this exact request once: the operator's repeat is an idempotent replay.
  auto probe = [](const World& w, nv1::SendMailRequest& r) {
    r.set_idempotency_key(absl::StrCat("security-matrix/", w.run_id));
    r.set_template_id("access-request-rejected");
    r.set_locale("nl");
    auto* to = r.add_recipients();
    to->set_email_address(w.probe_email);
    auto& p = *r.mutable_parameters();
    p["requester_name"] = "Matrix";
    p["organization_name"] = "Matrix School A";
    p["role_label"] = "DWSE organisatieverantwoordelijke";
    p["context"] = "opleidingsverlof";
    p["rejection_reason"] = "Matrix";
    r.set_source_event(absl::StrCat("security/", w.run_id));
  };
  rows.push_back(R(s, "SendMail", t, OperatorOnlyUnverified(), Req<nv1::SendMailRequest>(probe)));
  // The same probe in a batch: a replay again, queueing nothing new.
  rows.push_back(R(s, "SendMails", t, OperatorOnlyUnverified(),
                   Req<nv1::SendMailsRequest>([probe](const World& w, auto& r) {
                     probe(w, *r.add_mails()->mutable_mail());
                   })));
  rows.push_back(
      R(s, "GetMessage", t, OperatorOnlyUnverified(),
        Req<nv1::GetMessageRequest>([](const World& w, auto& r) { r.set_name(w.message); })));
  rows.push_back(R(s, "ListMessages", t, OperatorOnlyUnverified(),
                   Req<nv1::ListMessagesRequest>(
                       [](const World& w, auto& r) { r.set_recipient(w.probe_email); })));
  // The probe message is SENT, not DEAD: requeues nothing.
  rows.push_back(R(
      s, "RetryDeadLetters", t, OperatorOnlyUnverified(),
      Req<nv1::RetryDeadLettersRequest>([](const World& w, auto& r) { r.add_names(w.message); })));
  rows.push_back(
      R(s, "ListTemplates", t, OperatorOnlyUnverified(), Empty<nv1::ListTemplatesRequest>()));
  rows.push_back(R(s, "PreviewTemplate", t, OperatorOnlyUnverified(),
                   Req<nv1::PreviewTemplateRequest>([](const World&, auto& r) {
                     r.set_template_id("access-request-rejected");
                     r.set_locale("nl");
                   })));
  return rows;
}

// Envoy's ext_authz (served by rights-svc): the call itself is open (Envoy calls it); the
// decision about the proxied call is in the answer. Judged for a VOV read route with each
// principal's token in the proxied request's headers.
std::vector<Row> ExtAuthzRows() {
  Row row = R("envoy.service.auth.v3.Authorization", "Check", "rights",
              Authed(PD, OK, PD, OK, PD, OK), nullptr);
  row.request = [](const World& w, Principal p) {
    auto r = std::make_unique<auth::CheckRequest>();
    auto* http = r->mutable_attributes()->mutable_request()->mutable_http();
    http->set_path("/wse.registration.v1.RegistrationService/ListDrafts");
    http->set_method("POST");
    if (!w.tokens[p].empty()) (*http->mutable_headers())["authorization"] = "Bearer " + w.tokens[p];
    Messages out;
    out.push_back(std::move(r));
    return out;
  };
  row.decision = [](const google::protobuf::Message& m) {
    return static_cast<grpc::StatusCode>(
        static_cast<const auth::CheckResponse&>(m).status().code());
  };
  // Organisation B's token passes the gateway for B's own data; the service then refuses A's.
  row.foreign_data_allowed = "the decision names no data";
  std::vector<Row> rows;
  rows.push_back(std::move(row));
  return rows;
}

// Internal rights-svc services, operators and the allowed service only: identity-svc asks
// whether a person may act for an organisation (a person could otherwise probe others'
// memberships); replicas tell each other to forget revisions (harmless even when allowed: it only
// makes a replica re-read).
std::vector<Row> InternalRightsRows() {
  std::vector<Row> rows;
  rows.push_back(R("wse.rights.v1.MembershipService", "CheckMembership", "rights",
                   OperatorOnlyUnverified(),
                   Req<rv1::CheckMembershipRequest>([](const World& w, auto& r) {
                     r.set_person(w.with_right_a);
                     r.set_organization(w.org_a);
                   })));
  rows.push_back(R("wse.rights.v1.ReplicaCacheService", "InvalidateRevisions", "rights",
                   OperatorOnlyUnverified(),
                   Req<rv1::InvalidateRevisionsRequest>([](const World& w, auto& r) {
                     r.add_organization_ids(w.org_a.substr(w.org_a.find('/') + 1));
                     r.set_from_replica("security-matrix");
                   })));
  // Leases for services that keep CheckPermission answers: registration-svc's token only (not
  // the operators': a lease makes every rights change wait for its holder).
  rows.push_back(R("wse.rights.v1.ReplicaCacheService", "RenewLease", "rights",
                   Authed(PD, PD, PD, PD, PD, PD),
                   Req<rv1::RenewLeaseRequest>([](const World& w, auto& r) {
                     r.set_holder("security-matrix-" + w.run_id.substr(0, 16));
                     r.set_address("127.0.0.1:9");
                     r.set_push_token(std::string(32, 'x'));
                   })));
  rows.push_back(R("wse.rights.v1.ReplicaCacheService", "ReleaseLease", "rights",
                   Authed(PD, PD, PD, PD, PD, PD),
                   Req<rv1::ReleaseLeaseRequest>([](const World& w, auto& r) {
                     r.set_holder("security-matrix-" + w.run_id.substr(0, 16));
                   })));
  // registration-svc hears of rights changes there (the push token of its lease, or operators).
  rows.push_back(R("wse.rights.v1.ReplicaCacheService", "InvalidateRevisions", "registration",
                   OperatorOnlyUnverified(),
                   Req<rv1::InvalidateRevisionsRequest>([](const World& w, auto& r) {
                     r.add_organization_ids(w.org_a.substr(w.org_a.find('/') + 1));
                     r.set_from_replica("security-matrix");
                   })));
  return rows;
}

// grpc.health.v1.Health on every service: open (load balancers and probes have no token).
std::vector<Row> HealthRows() {
  std::vector<Row> rows;
  for (const char* target : {"identity", "rights", "registration", "notify"}) {
    rows.push_back(R("grpc.health.v1.Health", "Check", target, Open(),
                     Empty<grpc::health::v1::HealthCheckRequest>(), "health names no data"));
  }
  return rows;
}

}  // namespace

const char* PrincipalName(Principal p) {
  static const char* const kNames[] = {"no token",    "tampered",  "expired",  "unknown key",
                                       "personal",    "other org", "no right", "with right",
                                       "local admin", "operator"};
  return kNames[p];
}

const char* ShortCode(grpc::StatusCode code) {
  switch (code) {
    case C::OK:
      return "OK";
    case C::UNAUTHENTICATED:
      return "UNAUTH";
    case C::PERMISSION_DENIED:
      return "DENIED";
    case C::NOT_FOUND:
      return "NOTFOUND";
    case C::ABORTED:
      return "ABORTED";
    case C::FAILED_PRECONDITION:
      return "PRECOND";
    case C::INVALID_ARGUMENT:
      return "INVALID";
    case C::ALREADY_EXISTS:
      return "EXISTS";
    case C::UNAVAILABLE:
      return "UNAVAIL";
    case C::INTERNAL:
      return "INTERNAL";
    case C::UNIMPLEMENTED:
      return "UNIMPL";
    case C::RESOURCE_EXHAUSTED:
      return "EXHAUSTED";
    case C::DEADLINE_EXCEEDED:
      return "DEADLINE";
    default:
      return "OTHER";
  }
}

const std::vector<Row>& MatrixRows() {
  static const std::vector<Row>* const kRows = [] {
    auto* rows = new std::vector<Row>;
    for (auto part : {IdentityRows, RightsRows, RegistrationRows, NotifyRows, ExtAuthzRows,
                      InternalRightsRows, HealthRows}) {
      for (Row& row : part()) rows->push_back(std::move(row));
    }
    return rows;
  }();
  return *kRows;
}

const std::vector<std::string>& CoveredServices() {
  LinkServiceDescriptors();
  static const std::vector<std::string> kServices = {
      "wse.identity.v1.IdentityService",         "wse.rights.v1.RightsService",
      "wse.registration.v1.RegistrationService", "wse.notify.v1.NotifyService",
      "envoy.service.auth.v3.Authorization",     "wse.rights.v1.MembershipService",
      "wse.rights.v1.ReplicaCacheService"};
  return kServices;
}

}  // namespace wse::testing::security
