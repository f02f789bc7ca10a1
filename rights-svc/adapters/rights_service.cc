// RightsServiceImpl: authentication helpers, work relations, grants, roles.
#include "rights-svc/adapters/rights_service.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/resource_name.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "rights-svc/adapters/convert.h"
#include "rights-svc/adapters/person_names.h"

namespace wse::rights {

absl::Status CheckRequestId(const std::string& request_id) {
  if (request_id.empty() || request_id.size() > 64) {
    return InvalidArgument({{"request_id", "is required (a UUID, at most 64 characters)"}});
  }
  for (char c : request_id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-') {
      return InvalidArgument({{"request_id", "may hold only letters, digits and '-'"}});
    }
  }
  return absl::OkStatus();
}

absl::Status CheckText(const std::string& text, const std::string& field, bool required) {
  if (required && absl::StripAsciiWhitespace(text).empty()) {
    return InvalidArgument({{field, "is required"}});
  }
  if (text.size() > 1000) return InvalidArgument({{field, "is longer than 1000 characters"}});
  return absl::OkStatus();
}

absl::StatusOr<std::string> PersonId(const std::string& name, const std::string& field) {
  return IdFromName(name, "persons", field);
}

absl::StatusOr<PageRequest> PageFrom(int32_t page_size, const std::string& page_token) {
  if (page_size < 0) return InvalidArgument({{"page_size", "must not be negative"}});
  PageRequest page;
  page.size = page_size == 0 ? 50 : std::min(page_size, 500);
  if (!page_token.empty()) {
    ASSIGN_OR_RETURN(auto after, IdFromName("t/" + page_token, "t", "page_token"));
    page.after = after;
  }
  return page;
}

absl::StatusOr<Actor> RightsServiceImpl::Authenticate(const RequestContext& call) {
  if (deps_.operators.IsTrusted(call)) return Actor{"", "", std::nullopt, true};
  RETURN_IF_ERROR(deps_.operators.RefuseOtherServices(call));
  ASSIGN_OR_RETURN(auto caller, deps_.tokens.Verify(call.bearer_token));
  Actor actor;
  actor.person_id = caller.person_id;
  actor.key_type = absl::AsciiStrToUpper(caller.key_type);
  if (caller.organization) {
    actor.organization_id = std::string(absl::StripPrefix(*caller.organization, "organizations/"));
  }
  return actor;
}

absl::StatusOr<std::string> RightsServiceImpl::OwnOrganization(const Actor& actor,
                                                               const std::string& parent,
                                                               const std::string& field,
                                                               const RequestContext& call) {
  ASSIGN_OR_RETURN(auto id, IdFromName(parent, "organizations", field));
  if (actor.is_operator || actor.organization_id == id) return id;
  deps_.rights.RecordDenial(actor, id, "token of another organisation", call);
  return ErrorBuilder(absl::StatusCode::kPermissionDenied,
                      "the organisation is not the one you are logged in for")
      .Reason("ORGANIZATION_MISMATCH")
      .Dutch("U bent niet aangemeld voor deze organisatie. Kies de juiste organisatie.");
}

absl::StatusOr<std::pair<std::string, std::string>> RightsServiceImpl::OwnChild(
    const Actor& actor, const std::string& name, const std::string& collection,
    const RequestContext& call) {
  std::vector<std::string> parts = absl::StrSplit(name, '/');
  if (parts.size() != 4 || parts[0] != "organizations" || parts[2] != collection) {
    return InvalidArgument({{"name", "must be organizations/{id}/" + collection + "/{id}"}});
  }
  ASSIGN_OR_RETURN(auto org, OwnOrganization(actor, "organizations/" + parts[1], "name", call));
  ASSIGN_OR_RETURN(auto id, IdFromName(collection + "/" + parts[3], collection, "name"));
  return std::make_pair(org, id);
}

absl::StatusOr<std::string> RightsServiceImpl::ListScope(const Actor& actor,
                                                         const std::string& parent,
                                                         const std::string& person_id,
                                                         const RequestContext& call) {
  if (parent == "organizations/-") {
    // identity-svc asks this way where someone may act.
    if (person_id.empty() || (!actor.is_operator && person_id != actor.person_id)) {
      return ErrorBuilder(absl::StatusCode::kPermissionDenied,
                          "across organisations you may list only your own records")
          .Reason("OWN_RECORDS_ONLY");
    }
    return std::string();
  }
  ASSIGN_OR_RETURN(auto org, OwnOrganization(actor, parent, "parent", call));
  if (person_id != actor.person_id || actor.person_id.empty()) {
    RETURN_IF_ERROR(deps_.rights.RequireManager(actor, org, call));
  }
  return org;
}

grpc::Status RightsServiceImpl::CreateWorkRelation(grpc::ServerContext* context,
                                                   const v1::CreateWorkRelationRequest* request,
                                                   v1::CreateWorkRelationResponse* response) {
  return Serve(context, "CreateWorkRelation", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto actor, Authenticate(call));
    ASSIGN_OR_RETURN(auto org, OwnOrganization(actor, request->parent(), "parent", call));
    RETURN_IF_ERROR(CheckRequestId(request->request_id()));
    const auto& in = request->work_relation();
    WorkRelationRecord relation;
    if (!in.person().empty()) {
      ASSIGN_OR_RETURN(auto person, PersonId(in.person(), "work_relation.person"));
      relation.person_id = person;
    } else if (!in.insz().empty()) {
      auto person = deps_.rights.directory().FindPersonByInsz(in.insz(), call);
      if (absl::IsNotFound(person.status())) {
        return ErrorBuilder(absl::StatusCode::kFailedPrecondition,
                            "no person with this INSZ is known yet")
            .Reason("PERSON_UNKNOWN")
            .Dutch("Deze persoon is nog niet gekend. Laat hem of haar eerst eenmaal aanmelden.");
      }
      if (!person.ok()) return person.status();
      relation.person_id = person->id;
    } else {
      return InvalidArgument({{"work_relation.person", "set person or insz"}});
    }
    if (in.type() == v1::WORK_RELATION_TYPE_UNSPECIFIED ||
        !v1::WorkRelationType_IsValid(in.type())) {  // An unknown number has no name.
      return InvalidArgument({{"work_relation.type", "is required (a known type)"}});
    }
    relation.type = v1::WorkRelationType_Name(in.type()).substr(sizeof("WORK_RELATION_TYPE_") - 1);
    ASSIGN_OR_RETURN(auto validity,
                     ValidityFromProto(in.validity(), in.has_validity(), "work_relation.validity"));
    if (validity.from) relation.valid_from = *validity.from;
    relation.valid_until = validity.until;
    ASSIGN_OR_RETURN(auto created, deps_.rights.CreateWorkRelation(actor, org, relation,
                                                                   request->request_id(), call));
    ToProto(created, absl::Now(), response->mutable_work_relation());
    PersonNames(deps_.rights.directory(), call).Fill(response->mutable_work_relation());
    return absl::OkStatus();
  });
}

grpc::Status RightsServiceImpl::UpdateWorkRelation(grpc::ServerContext* context,
                                                   const v1::UpdateWorkRelationRequest* request,
                                                   v1::UpdateWorkRelationResponse* response) {
  return Serve(context, "UpdateWorkRelation", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto actor, Authenticate(call));
    ASSIGN_OR_RETURN(auto ids,
                     OwnChild(actor, request->work_relation().name(), "workRelations", call));
    ASSIGN_OR_RETURN(auto version,
                     VersionFromEtag(request->work_relation().etag(), "work_relation.etag"));
    ASSIGN_OR_RETURN(auto validity, ValidityFromProto(request->work_relation().validity(), true,
                                                      "work_relation.validity"));
    ASSIGN_OR_RETURN(auto updated, deps_.rights.UpdateWorkRelation(actor, ids.first, ids.second,
                                                                   version, validity, call));
    ToProto(updated, absl::Now(), response->mutable_work_relation());
    PersonNames(deps_.rights.directory(), call).Fill(response->mutable_work_relation());
    return absl::OkStatus();
  });
}

grpc::Status RightsServiceImpl::EndWorkRelation(grpc::ServerContext* context,
                                                const v1::EndWorkRelationRequest* request,
                                                v1::EndWorkRelationResponse* response) {
  return Serve(context, "EndWorkRelation", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto actor, Authenticate(call));
    ASSIGN_OR_RETURN(auto ids, OwnChild(actor, request->name(), "workRelations", call));
    ASSIGN_OR_RETURN(auto version, VersionFromEtag(request->etag(), "etag"));
    RETURN_IF_ERROR(CheckText(request->reason(), "reason", false));
    std::optional<absl::Time> end;
    if (request->has_end_time()) end = FromTimestamp(request->end_time());
    ASSIGN_OR_RETURN(auto ended, deps_.rights.EndWorkRelation(actor, ids.first, ids.second, version,
                                                              end, request->reason(), call));
    ToProto(ended, absl::Now(), response->mutable_work_relation());
    PersonNames(deps_.rights.directory(), call).Fill(response->mutable_work_relation());
    return absl::OkStatus();
  });
}

grpc::Status RightsServiceImpl::ListWorkRelations(grpc::ServerContext* context,
                                                  const v1::ListWorkRelationsRequest* request,
                                                  v1::ListWorkRelationsResponse* response) {
  return Serve(context, "ListWorkRelations", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto actor, Authenticate(call));
    ASSIGN_OR_RETURN(auto page, PageFrom(request->page_size(), request->page_token()));
    WorkRelationFilter filter{"", "", request->include_ended(), absl::Now()};
    if (!request->person().empty()) {
      ASSIGN_OR_RETURN(auto person, PersonId(request->person(), "person"));
      filter.person_id = person;
    }
    ASSIGN_OR_RETURN(auto scope, ListScope(actor, request->parent(), filter.person_id, call));
    filter.organization_id = scope;
    std::vector<WorkRelationRecord> relations;
    absl::Status status = deps_.rights.store().Read([&](RightsTransaction& tx) {
      ASSIGN_OR_RETURN(auto listed, tx.ListWorkRelations(filter, page));
      relations = std::move(listed);
      return absl::OkStatus();
    });
    if (!status.ok()) return status;
    PersonNames names(deps_.rights.directory(), call);
    for (const auto& r : relations) {
      auto* out = response->add_work_relations();
      ToProto(r, filter.now, out);
      names.Fill(out);
    }
    response->set_next_page_token(NextToken(relations, page));
    return absl::OkStatus();
  });
}

}  // namespace wse::rights
