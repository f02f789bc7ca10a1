// The directory RPCs of IdentityServiceImpl: operator imports and look-ups.
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/identifiers.h"
#include "common/request_checks.h"
#include "common/resource_name.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "identity-svc/adapters/directory_input.h"
#include "identity-svc/adapters/identity_service.h"
#include "identity-svc/domain/key_ring.h"

namespace wse::identity {
namespace {

v1::ImportOutcome ToProto(UpsertOutcome outcome) {
  switch (outcome) {
    case UpsertOutcome::kCreated:
      return v1::IMPORT_OUTCOME_CREATED;
    case UpsertOutcome::kUpdated:
      return v1::IMPORT_OUTCOME_UPDATED;
    case UpsertOutcome::kUnchanged:
      return v1::IMPORT_OUTCOME_UNCHANGED;
  }
  return v1::IMPORT_OUTCOME_UNSPECIFIED;
}

void AddViolations(const std::vector<ItemViolation>& violations, v1::ImportResult* result) {
  result->set_outcome(v1::IMPORT_OUTCOME_FAILED);
  for (const auto& v : violations) {
    auto* out = result->add_violations();
    out->set_field(v.field);
    out->set_reason(v.reason);
    out->set_description(v.description);
  }
}

absl::Status CheckBatchSize(int size, const char* field) {
  if (size == 0) return InvalidArgument({{field, "must hold at least one item"}});
  if (size > kMaxImportBatch) {
    return InvalidArgument({{field, absl::StrCat("at most ", kMaxImportBatch, " items per call")}});
  }
  return absl::OkStatus();
}

AuditEntry OperatorAudit(std::string action, std::string target) {
  return AuditEntry{"operator", "", "", std::move(action), std::move(target), ""};
}

}  // namespace

absl::Status IdentityServiceImpl::FillOrganization(const OrganizationRecord& org,
                                                   v1::Organization* out) {
  ToProto(org, out);
  for (int i = 0; i < out->legal_representatives_size(); ++i) {
    auto person = deps_.directory.FindPersonByInsz(org.legal_representative_insz[i]);
    if (absl::IsNotFound(person.status())) continue;  // Not known to the directory yet.
    if (!person.ok()) return person.status();
    out->mutable_legal_representatives(i)->set_person("persons/" + person->id);
    out->mutable_legal_representatives(i)->set_display_name(person->DisplayName());
  }
  return absl::OkStatus();
}

grpc::Status IdentityServiceImpl::LookupPerson(grpc::ServerContext* context,
                                               const v1::LookupPersonRequest* request,
                                               v1::LookupPersonResponse* response) {
  return Serve(context, "LookupPerson", [&](const RequestContext& call) -> absl::Status {
    RETURN_IF_ERROR(deps_.operators.RequireTrusted(call));
    ASSIGN_OR_RETURN(auto insz, ParseInsz(request->insz(), "insz"));
    ASSIGN_OR_RETURN(auto person, deps_.directory.FindPersonByInsz(insz.digits));
    ToProto(person, response->mutable_person());
    return absl::OkStatus();
  });
}

grpc::Status IdentityServiceImpl::BatchImportPersons(grpc::ServerContext* context,
                                                     const v1::BatchImportPersonsRequest* request,
                                                     v1::BatchImportPersonsResponse* response) {
  return Serve(context, "BatchImportPersons", [&](const RequestContext& call) -> absl::Status {
    RETURN_IF_ERROR(deps_.operators.RequireTrusted(call));
    RETURN_IF_ERROR(CheckBatchSize(request->persons_size(), "persons"));
    for (int i = 0; i < request->persons_size(); ++i) {
      auto* result = response->add_results();
      result->set_index(i);
      std::vector<ItemViolation> violations;
      PersonRecord person =
          PersonFromImport(request->persons(i), absl::StrCat("persons[", i, "]"), &violations);
      result->set_identifier(MaskInsz(person.insz));
      if (!violations.empty()) {
        AddViolations(violations, result);
        continue;
      }
      if (request->validate_only()) continue;
      person.id = RandomId();
      PersonRecord stored;
      auto outcome = deps_.directory.UpsertPerson(
          person, OperatorAudit("IMPORT_PERSON", "persons/" + person.id), &stored);
      if (!outcome.ok()) return outcome.status();  // Infrastructure failure: retry the batch.
      result->set_outcome(ToProto(*outcome));
      result->set_resource("persons/" + stored.id);
    }
    return absl::OkStatus();
  });
}

grpc::Status IdentityServiceImpl::BatchImportOrganizations(
    grpc::ServerContext* context, const v1::BatchImportOrganizationsRequest* request,
    v1::BatchImportOrganizationsResponse* response) {
  return Serve(
      context, "BatchImportOrganizations", [&](const RequestContext& call) -> absl::Status {
        RETURN_IF_ERROR(deps_.operators.RequireTrusted(call));
        RETURN_IF_ERROR(CheckBatchSize(request->organizations_size(), "organizations"));
        for (int i = 0; i < request->organizations_size(); ++i) {
          auto* result = response->add_results();
          result->set_index(i);
          std::vector<ItemViolation> violations;
          OrganizationRecord org = OrganizationFromImport(
              request->organizations(i), absl::StrCat("organizations[", i, "]"), &violations);
          result->set_identifier(org.kbo_number.empty() ? org.institution_number : org.kbo_number);
          if (!violations.empty()) {
            AddViolations(violations, result);
            continue;
          }
          if (request->validate_only()) continue;
          org.id = RandomId();
          OrganizationRecord stored;
          ASSIGN_OR_RETURN(
              auto outcome,
              deps_.directory.UpsertOrganization(
                  org, OperatorAudit("IMPORT_ORGANIZATION", result->identifier()), &stored));
          result->set_outcome(ToProto(outcome));
          result->set_resource("organizations/" + stored.id);
        }
        return absl::OkStatus();
      });
}

grpc::Status IdentityServiceImpl::GetOrganization(grpc::ServerContext* context,
                                                  const v1::GetOrganizationRequest* request,
                                                  v1::GetOrganizationResponse* response) {
  return Serve(context, "GetOrganization", [&](const RequestContext& call) -> absl::Status {
    const bool is_operator = deps_.operators.IsTrusted(call);
    absl::StatusOr<Caller> caller;
    if (!is_operator) {
      caller = Authenticate(call);
      if (!caller.ok()) return caller.status();
    }
    ASSIGN_OR_RETURN(auto id, IdFromName(request->name(), "organizations", "name"));
    if (!is_operator) {
      // Its legal representatives are personal data: only for those who act for it.
      ASSIGN_OR_RETURN(auto acts, deps_.sessions.ActsFor(*caller, id, call));
      if (!acts) {
        return ErrorBuilder(absl::StatusCode::kPermissionDenied,
                            "you may read only organisations you act for")
            .Reason("NOT_A_MEMBER")
            .Dutch("U kunt alleen de gegevens bekijken van organisaties waarvoor u optreedt.");
      }
    }
    ASSIGN_OR_RETURN(auto org, deps_.directory.FindOrganizationById(id));
    return FillOrganization(org, response->mutable_organization());
  });
}

grpc::Status IdentityServiceImpl::LookupOrganization(grpc::ServerContext* context,
                                                     const v1::LookupOrganizationRequest* request,
                                                     v1::LookupOrganizationResponse* response) {
  return Serve(context, "LookupOrganization", [&](const RequestContext& call) -> absl::Status {
    // Operators and services only (a bad token is UNAUTHENTICATED, a person PERMISSION_DENIED).
    RETURN_IF_ERROR(deps_.operators.RequireTrusted(call));
    std::string kbo, institution;
    const auto& identifier = request->identifier();
    if (identifier.has_kbo_number()) {
      ASSIGN_OR_RETURN(auto normalized,
                       NormalizeKboNumber(identifier.kbo_number(), "identifier.kbo_number"));
      kbo = normalized;
    } else if (identifier.has_institution_number()) {
      ASSIGN_OR_RETURN(auto normalized,
                       NormalizeInstitutionNumber(identifier.institution_number(),
                                                  "identifier.institution_number"));
      institution = normalized;
    } else {
      return InvalidArgument({{"identifier", "set kbo_number or institution_number"}});
    }
    ASSIGN_OR_RETURN(auto org, deps_.directory.FindOrganizationByIdentifier(kbo, institution));
    return FillOrganization(org, response->mutable_organization());
  });
}

grpc::Status IdentityServiceImpl::ListOrganizations(grpc::ServerContext* context,
                                                    const v1::ListOrganizationsRequest* request,
                                                    v1::ListOrganizationsResponse* response) {
  return Serve(context, "ListOrganizations", [&](const RequestContext& call) -> absl::Status {
    RETURN_IF_ERROR(deps_.operators.RequireTrusted(call));
    Page page;
    ASSIGN_OR_RETURN(page.size, PageSize(request->page_size()));
    if (request->query().size() > 200) return InvalidArgument({{"query", "is too long"}});
    if (!request->page_token().empty()) {
      ASSIGN_OR_RETURN(auto after, IdFromName(request->page_token(), "after", "page_token"));
      page.after_id = after;
    }
    std::string kind;
    if (!v1::OrganizationKind_IsValid(request->kind())) {  // An unknown number has no name.
      return InvalidArgument({{"kind", "is not an organisation kind"}});
    }
    if (request->kind() != v1::ORGANIZATION_KIND_UNSPECIFIED) {
      kind = v1::OrganizationKind_Name(request->kind()).substr(sizeof("ORGANIZATION_KIND_") - 1);
    }
    ASSIGN_OR_RETURN(auto orgs, deps_.directory.ListOrganizations(page, kind, request->query()));
    for (const auto& org : orgs) ToProto(org, response->add_organizations());
    if (static_cast<int>(orgs.size()) == page.size) {
      response->set_next_page_token("after/" + orgs.back().id);
    }
    return absl::OkStatus();
  });
}

grpc::Status IdentityServiceImpl::GetPerson(grpc::ServerContext* context,
                                            const v1::GetPersonRequest* request,
                                            v1::GetPersonResponse* response) {
  return Serve(context, "GetPerson", [&](const RequestContext& call) -> absl::Status {
    // Who asks before what is asked: a service outside its allow-list learns nothing here.
    std::optional<Caller> caller;
    if (!deps_.operators.IsTrusted(call)) {
      ASSIGN_OR_RETURN(auto authenticated, Authenticate(call));
      caller = std::move(authenticated);
    }
    ASSIGN_OR_RETURN(auto id, IdFromName(request->name(), "persons", "name"));
    // A person may read their own record; others' records are not theirs to see.
    if (caller && caller->person_id != id) return absl::NotFoundError("person not found");
    ASSIGN_OR_RETURN(auto person, deps_.directory.FindPersonById(id));
    ToProto(person, response->mutable_person());
    return absl::OkStatus();
  });
}

}  // namespace wse::identity
