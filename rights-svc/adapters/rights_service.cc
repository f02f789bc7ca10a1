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

absl::StatusOr<Actor> RightsServiceImpl::Authenticate(const RequestContext& call) {
  ASSIGN_OR_RETURN(const bool trusted, deps_.operators.TrustedOrPerson(call));
  if (trusted) return Actor{"", "", std::nullopt, true};
  ASSIGN_OR_RETURN(auto caller, deps_.tokens.Verify(call.bearer_token));
  Actor actor;
  actor.person_id = caller.person_id;
  actor.key_type = absl::AsciiStrToUpper(caller.key_type);
  if (caller.organization) {
    actor.organization_id = std::string(absl::StripPrefix(*caller.organization, "organizations/"));
  }
  return actor;
}

grpc::Status RightsServiceImpl::CreateWorkRelation(grpc::ServerContext* context,
                                                   const v1::CreateWorkRelationRequest* request,
                                                   v1::CreateWorkRelationResponse* response) {
  return Serve(context, "CreateWorkRelation", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto actor, Authenticate(call));
    ASSIGN_OR_RETURN(auto org,
                     deps_.queries.OwnOrganization(actor, request->parent(), "parent", call));
    RETURN_IF_ERROR(CheckRequestId(request->request_id()));
    const auto& in = request->work_relation();
    WorkRelationRecord relation;
    if (!in.person().empty()) {
      ASSIGN_OR_RETURN(auto person, PersonId(in.person(), "work_relation.person"));
      relation.person_id = person;
    } else if (!in.insz().empty()) {
      ASSIGN_OR_RETURN(relation.person_id, deps_.queries.PersonIdByInsz(in.insz(), call));
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
    FillNames(deps_.queries.Names(call), response->mutable_work_relation());
    return absl::OkStatus();
  });
}

grpc::Status RightsServiceImpl::UpdateWorkRelation(grpc::ServerContext* context,
                                                   const v1::UpdateWorkRelationRequest* request,
                                                   v1::UpdateWorkRelationResponse* response) {
  return Serve(context, "UpdateWorkRelation", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto actor, Authenticate(call));
    ASSIGN_OR_RETURN(auto ids, deps_.queries.OwnChild(actor, request->work_relation().name(),
                                                      "workRelations", call));
    ASSIGN_OR_RETURN(auto version,
                     VersionFromEtag(request->work_relation().etag(), "work_relation.etag"));
    ASSIGN_OR_RETURN(auto validity, ValidityFromProto(request->work_relation().validity(), true,
                                                      "work_relation.validity"));
    ASSIGN_OR_RETURN(auto updated, deps_.rights.UpdateWorkRelation(actor, ids.first, ids.second,
                                                                   version, validity, call));
    ToProto(updated, absl::Now(), response->mutable_work_relation());
    FillNames(deps_.queries.Names(call), response->mutable_work_relation());
    return absl::OkStatus();
  });
}

grpc::Status RightsServiceImpl::EndWorkRelation(grpc::ServerContext* context,
                                                const v1::EndWorkRelationRequest* request,
                                                v1::EndWorkRelationResponse* response) {
  return Serve(context, "EndWorkRelation", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto actor, Authenticate(call));
    ASSIGN_OR_RETURN(auto ids,
                     deps_.queries.OwnChild(actor, request->name(), "workRelations", call));
    ASSIGN_OR_RETURN(auto version, VersionFromEtag(request->etag(), "etag"));
    RETURN_IF_ERROR(CheckText(request->reason(), "reason", false));
    std::optional<absl::Time> end;
    if (request->has_end_time()) end = FromTimestamp(request->end_time());
    ASSIGN_OR_RETURN(auto ended, deps_.rights.EndWorkRelation(actor, ids.first, ids.second, version,
                                                              end, request->reason(), call));
    ToProto(ended, absl::Now(), response->mutable_work_relation());
    FillNames(deps_.queries.Names(call), response->mutable_work_relation());
    return absl::OkStatus();
  });
}

grpc::Status RightsServiceImpl::ListWorkRelations(grpc::ServerContext* context,
                                                  const v1::ListWorkRelationsRequest* request,
                                                  v1::ListWorkRelationsResponse* response) {
  return Serve(context, "ListWorkRelations", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto actor, Authenticate(call));
    ASSIGN_OR_RETURN(auto page, KeysetPageFrom(request->page_size(), request->page_token()));
    WorkRelationFilter filter{"", "", request->include_ended(), absl::Now()};
    if (!request->person().empty()) {
      ASSIGN_OR_RETURN(auto person, PersonId(request->person(), "person"));
      filter.person_id = person;
    }
    ASSIGN_OR_RETURN(auto relations,
                     deps_.queries.ListWorkRelations(actor, request->parent(), filter, page, call));
    PersonNames names = deps_.queries.Names(call);
    for (const auto& r : relations) {
      auto* out = response->add_work_relations();
      ToProto(r, filter.now, out);
      FillNames(names, out);
    }
    response->set_next_page_token(NextToken(relations, page));
    return absl::OkStatus();
  });
}

}  // namespace wse::rights
