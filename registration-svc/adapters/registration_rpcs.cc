// RegistrationServiceImpl: 'Bevestigen', registrations, their versions and receipts.
#include "absl/strings/str_cat.h"
#include "common/identifiers.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "registration-svc/adapters/convert.h"
#include "registration-svc/adapters/registration_service.h"
#include "registration-svc/domain/names.h"

namespace wse::registration {
namespace {

constexpr size_t kMaxReasonLength = 1000;

bool FullView(v1::RegistrationView view) { return view == v1::REGISTRATION_VIEW_FULL; }

absl::Status CheckView(v1::RegistrationView view) {
  if (!v1::RegistrationView_IsValid(view)) return InvalidArgument({{"view", "unknown view"}});
  return absl::OkStatus();
}

}  // namespace

grpc::Status RegistrationServiceImpl::ConfirmDraft(grpc::ServerContext* context,
                                                   const v1::ConfirmDraftRequest* request,
                                                   v1::ConfirmDraftResponse* response) {
  return Serve(context, "ConfirmDraft", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto actor, Authenticate(call));
    ASSIGN_OR_RETURN(auto name, ParseDraft(request->name(), "name"));
    RETURN_IF_ERROR(SameOrganization(actor, name.organization_id, "draft"));
    if (request->etag().empty()) return InvalidArgument({{"etag", "is required"}});
    RETURN_IF_ERROR(CheckRequestId(request->request_id()));
    ASSIGN_OR_RETURN(auto view, deps_.manager.ConfirmDraft(actor, name.id, request->etag(),
                                                           request->request_id(), call));
    *response->mutable_registration() = RegistrationToProto(view, false);
    *response->mutable_receipt() =
        ReceiptToProto(view.version, deps_.manager.DeadlinesOf(view.version.school_year));
    return absl::OkStatus();
  });
}

grpc::Status RegistrationServiceImpl::GetRegistration(grpc::ServerContext* context,
                                                      const v1::GetRegistrationRequest* request,
                                                      v1::GetRegistrationResponse* response) {
  return Serve(context, "GetRegistration", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto actor, Authenticate(call));
    ASSIGN_OR_RETURN(auto name, ParseRegistration(request->name(), "name", /*allow_version=*/true));
    RETURN_IF_ERROR(SameOrganization(actor, name.organization_id, "registration"));
    RETURN_IF_ERROR(CheckView(request->view()));
    ASSIGN_OR_RETURN(auto view,
                     deps_.manager.GetRegistration(actor, name.registration_id, name.version,
                                                   FullView(request->view()), call));
    *response->mutable_registration() = RegistrationToProto(view, FullView(request->view()));
    return absl::OkStatus();
  });
}

grpc::Status RegistrationServiceImpl::ListRegistrations(grpc::ServerContext* context,
                                                        const v1::ListRegistrationsRequest* request,
                                                        v1::ListRegistrationsResponse* response) {
  return Serve(context, "ListRegistrations", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto actor, Authenticate(call));
    RETURN_IF_ERROR(CheckParent(actor, request->parent()));
    RETURN_IF_ERROR(CheckView(request->view()));
    RegistrationFilter filter;
    if (!request->training().empty()) {
      ASSIGN_OR_RETURN(auto odb, ParseTraining(request->training(), "training"));
      filter.odb_number = odb;
    }
    if (!request->school_year().empty()) {
      ASSIGN_OR_RETURN(auto year, SchoolYear::Parse(request->school_year(), "school_year"));
      filter.school_year = year.first_year();
    }
    if (!request->participant_insz().empty()) {
      ASSIGN_OR_RETURN(auto insz, ParseInsz(request->participant_insz(), "participant_insz"));
      filter.insz = insz.digits;
    }
    filter.include_withdrawn = request->include_withdrawn();
    ASSIGN_OR_RETURN(auto page, KeysetPageFrom(request->page_size(), request->page_token()));
    const bool full = FullView(request->view());
    ASSIGN_OR_RETURN(auto views, deps_.manager.ListRegistrations(actor, filter, page, full, call));
    for (const auto& v : views) *response->add_registrations() = RegistrationToProto(v, full);
    if (static_cast<int>(views.size()) == page.size) {
      response->set_next_page_token(views.back().version.registration_id);
    }
    return absl::OkStatus();
  });
}

grpc::Status RegistrationServiceImpl::ListRegistrationVersions(
    grpc::ServerContext* context, const v1::ListRegistrationVersionsRequest* request,
    v1::ListRegistrationVersionsResponse* response) {
  return Serve(
      context, "ListRegistrationVersions", [&](const RequestContext& call) -> absl::Status {
        ASSIGN_OR_RETURN(auto actor, Authenticate(call));
        ASSIGN_OR_RETURN(auto name,
                         ParseRegistration(request->name(), "name", /*allow_version=*/false));
        RETURN_IF_ERROR(SameOrganization(actor, name.organization_id, "registration"));
        RETURN_IF_ERROR(CheckView(request->view()));
        ASSIGN_OR_RETURN(auto page, KeysetPageFrom(request->page_size(), request->page_token()));
        const bool full = FullView(request->view());
        ASSIGN_OR_RETURN(auto views,
                         deps_.manager.ListVersions(actor, name.registration_id, page, full, call));
        for (const auto& v : views) *response->add_registrations() = RegistrationToProto(v, full);
        if (static_cast<int>(views.size()) == page.size) {
          response->set_next_page_token(absl::StrCat(views.back().version.version));
        }
        return absl::OkStatus();
      });
}

grpc::Status RegistrationServiceImpl::CorrectRegistration(
    grpc::ServerContext* context, const v1::CorrectRegistrationRequest* request,
    v1::CorrectRegistrationResponse* response) {
  return Serve(context, "CorrectRegistration", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto actor, Authenticate(call));
    ASSIGN_OR_RETURN(auto name,
                     ParseRegistration(request->name(), "name", /*allow_version=*/false));
    RETURN_IF_ERROR(SameOrganization(actor, name.organization_id, "registration"));
    if (request->etag().empty()) return InvalidArgument({{"etag", "is required"}});
    RETURN_IF_ERROR(CheckRequestId(request->request_id()));
    ASSIGN_OR_RETURN(auto view,
                     deps_.manager.CorrectRegistration(actor, name.registration_id, request->etag(),
                                                       request->request_id(), call));
    *response->mutable_draft() = DraftToProto(view.draft, &view.participants);
    return absl::OkStatus();
  });
}

grpc::Status RegistrationServiceImpl::WithdrawRegistration(
    grpc::ServerContext* context, const v1::WithdrawRegistrationRequest* request,
    v1::WithdrawRegistrationResponse* response) {
  return Serve(context, "WithdrawRegistration", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto actor, Authenticate(call));
    ASSIGN_OR_RETURN(auto name,
                     ParseRegistration(request->name(), "name", /*allow_version=*/false));
    RETURN_IF_ERROR(SameOrganization(actor, name.organization_id, "registration"));
    if (request->etag().empty()) return InvalidArgument({{"etag", "is required"}});
    if (request->reason().empty() || request->reason().size() > kMaxReasonLength) {
      return InvalidArgument(
          {{"reason", absl::StrCat("is required (at most ", kMaxReasonLength, " characters)")}});
    }
    RETURN_IF_ERROR(CheckRequestId(request->request_id()));
    ASSIGN_OR_RETURN(auto view, deps_.manager.WithdrawRegistration(
                                    actor, name.registration_id, request->etag(), request->reason(),
                                    request->request_id(), call));
    *response->mutable_registration() = RegistrationToProto(view, false);
    *response->mutable_receipt() =
        ReceiptToProto(view.version, deps_.manager.DeadlinesOf(view.version.school_year));
    return absl::OkStatus();
  });
}

grpc::Status RegistrationServiceImpl::GetReceipt(grpc::ServerContext* context,
                                                 const v1::GetReceiptRequest* request,
                                                 v1::GetReceiptResponse* response) {
  return Serve(context, "GetReceipt", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto actor, Authenticate(call));
    ASSIGN_OR_RETURN(auto name, ParseReceipt(request->name(), "name"));
    RETURN_IF_ERROR(SameOrganization(actor, name.organization_id, "receipt"));
    ASSIGN_OR_RETURN(auto view,
                     deps_.manager.GetRegistration(actor, name.registration_id, name.version,
                                                   /*with_participants=*/true, call));
    *response->mutable_receipt() =
        ReceiptToProto(view.version, deps_.manager.DeadlinesOf(view.version.school_year));
    return absl::OkStatus();
  });
}

}  // namespace wse::registration
