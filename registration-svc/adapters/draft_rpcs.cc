// RegistrationServiceImpl: drafts and their validation.
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "registration-svc/adapters/convert.h"
#include "registration-svc/adapters/registration_service.h"
#include "registration-svc/domain/names.h"

namespace wse::registration {

grpc::Status RegistrationServiceImpl::CreateDraft(grpc::ServerContext* context,
                                                  const v1::CreateDraftRequest* request,
                                                  v1::CreateDraftResponse* response) {
  return Serve(context, "CreateDraft", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto actor, Authenticate(call));
    RETURN_IF_ERROR(CheckParent(actor, request->parent()));
    if (!request->has_draft()) return InvalidArgument({{"draft", "is required"}});
    ASSIGN_OR_RETURN(auto odb, ParseTraining(request->draft().training(), "draft.training"));
    ASSIGN_OR_RETURN(auto year,
                     SchoolYear::Parse(request->draft().school_year(), "draft.school_year"));
    RETURN_IF_ERROR(CheckRequestId(request->request_id()));
    ASSIGN_OR_RETURN(auto view, deps_.manager.CreateDraft(actor, odb, year.first_year(),
                                                          request->request_id(), call));
    *response->mutable_draft() = DraftToProto(view.draft, &view.participants);
    return absl::OkStatus();
  });
}

grpc::Status RegistrationServiceImpl::GetDraft(grpc::ServerContext* context,
                                               const v1::GetDraftRequest* request,
                                               v1::GetDraftResponse* response) {
  return Serve(context, "GetDraft", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto actor, Authenticate(call));
    ASSIGN_OR_RETURN(auto name, ParseDraft(request->name(), "name"));
    RETURN_IF_ERROR(SameOrganization(actor, name.organization_id, "draft"));
    ASSIGN_OR_RETURN(auto view, deps_.manager.GetDraft(actor, name.id, call));
    *response->mutable_draft() = DraftToProto(view.draft, &view.participants);
    return absl::OkStatus();
  });
}

grpc::Status RegistrationServiceImpl::ListDrafts(grpc::ServerContext* context,
                                                 const v1::ListDraftsRequest* request,
                                                 v1::ListDraftsResponse* response) {
  return Serve(context, "ListDrafts", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto actor, Authenticate(call));
    RETURN_IF_ERROR(CheckParent(actor, request->parent()));
    DraftFilter filter;
    if (!request->training().empty()) {
      ASSIGN_OR_RETURN(auto odb, ParseTraining(request->training(), "training"));
      filter.odb_number = odb;
    }
    if (!request->school_year().empty()) {
      ASSIGN_OR_RETURN(auto year, SchoolYear::Parse(request->school_year(), "school_year"));
      filter.school_year = year.first_year();
    }
    filter.include_closed = request->include_closed();
    ASSIGN_OR_RETURN(auto page, KeysetPageFrom(request->page_size(), request->page_token()));
    ASSIGN_OR_RETURN(auto drafts, deps_.manager.ListDrafts(actor, filter, page, call));
    for (const auto& d : drafts) *response->add_drafts() = DraftToProto(d, nullptr);
    if (static_cast<int>(drafts.size()) == page.size) {
      response->set_next_page_token(drafts.back().id);
    }
    return absl::OkStatus();
  });
}

grpc::Status RegistrationServiceImpl::DeleteDraft(grpc::ServerContext* context,
                                                  const v1::DeleteDraftRequest* request,
                                                  v1::DeleteDraftResponse*) {
  return Serve(context, "DeleteDraft", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto actor, Authenticate(call));
    ASSIGN_OR_RETURN(auto name, ParseDraft(request->name(), "name"));
    RETURN_IF_ERROR(SameOrganization(actor, name.organization_id, "draft"));
    if (request->etag().empty()) return InvalidArgument({{"etag", "is required"}});
    return deps_.manager.DeleteDraft(actor, name.id, request->etag(), call);
  });
}

grpc::Status RegistrationServiceImpl::ValidateDraft(grpc::ServerContext* context,
                                                    const v1::ValidateDraftRequest* request,
                                                    v1::ValidateDraftResponse* response) {
  return Serve(context, "ValidateDraft", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto actor, Authenticate(call));
    ASSIGN_OR_RETURN(auto name, ParseDraft(request->name(), "name"));
    RETURN_IF_ERROR(SameOrganization(actor, name.organization_id, "draft"));
    ASSIGN_OR_RETURN(auto result, deps_.manager.ValidateDraft(actor, name.id, call));
    const std::string draft_name = DraftName(name.organization_id, name.id);
    for (const auto& v : result.report.violations) {
      *response->add_violations() = ViolationToProto(v, result.participants, draft_name);
    }
    for (const auto& w : result.report.warnings) {
      *response->add_warnings() = ViolationToProto(w, result.participants, draft_name);
    }
    response->set_etag(EtagOf(result.draft.version));
    return absl::OkStatus();
  });
}

}  // namespace wse::registration
