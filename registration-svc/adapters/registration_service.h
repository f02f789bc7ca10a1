#pragma once
// gRPC adapter of wse.registration.v1.RegistrationService: authenticates the caller, checks the
// request's shape (field violations), converts protos (convert.h) and calls the
// RegistrationManager, which decides. Split by resource: registration_service.cc (screen and
// shared helpers), training_rpcs.cc, draft_rpcs.cc, participant_rpcs.cc, registration_rpcs.cc.

#include "common/call_context.h"
#include "common/operator_auth.h"
#include "common/request_checks.h"
#include "common/token_verifier.h"
#include "registration-svc/adapters/upload_stream.h"
#include "registration-svc/domain/application_screen.h"
#include "registration-svc/domain/registration_manager.h"
#include "wse/registration/v1/registration_service.grpc.pb.h"

namespace wse::registration {

struct RegistrationServiceDeps {
  AccessTokenVerifier& tokens;
  OperatorAuthenticator& operators;
  ApplicationScreenBuilder& screens;
  RegistrationManager& manager;
};

class RegistrationServiceImpl final : public v1::RegistrationService::Service {
 public:
  // Installs the raw-frame handler for UploadParticipants (upload_stream.h).
  explicit RegistrationServiceImpl(RegistrationServiceDeps deps);

  grpc::Status BatchImportTrainings(grpc::ServerContext* context,
                                    const v1::BatchImportTrainingsRequest* request,
                                    v1::BatchImportTrainingsResponse* response) override;
  grpc::Status GetTraining(grpc::ServerContext* context, const v1::GetTrainingRequest* request,
                           v1::GetTrainingResponse* response) override;
  grpc::Status ListTrainings(grpc::ServerContext* context, const v1::ListTrainingsRequest* request,
                             v1::ListTrainingsResponse* response) override;
  grpc::Status GetApplicationScreen(grpc::ServerContext* context,
                                    const v1::GetApplicationScreenRequest* request,
                                    v1::GetApplicationScreenResponse* response) override;
  grpc::Status CreateDraft(grpc::ServerContext* context, const v1::CreateDraftRequest* request,
                           v1::CreateDraftResponse* response) override;
  grpc::Status GetDraft(grpc::ServerContext* context, const v1::GetDraftRequest* request,
                        v1::GetDraftResponse* response) override;
  grpc::Status ListDrafts(grpc::ServerContext* context, const v1::ListDraftsRequest* request,
                          v1::ListDraftsResponse* response) override;
  grpc::Status DeleteDraft(grpc::ServerContext* context, const v1::DeleteDraftRequest* request,
                           v1::DeleteDraftResponse* response) override;
  grpc::Status AddParticipant(grpc::ServerContext* context,
                              const v1::AddParticipantRequest* request,
                              v1::AddParticipantResponse* response) override;
  grpc::Status UpdateParticipant(grpc::ServerContext* context,
                                 const v1::UpdateParticipantRequest* request,
                                 v1::UpdateParticipantResponse* response) override;
  grpc::Status RemoveParticipant(grpc::ServerContext* context,
                                 const v1::RemoveParticipantRequest* request,
                                 v1::RemoveParticipantResponse* response) override;
  // UploadParticipants, served from raw frames (the generated override is never called).
  grpc::Status UploadParticipantsFrames(grpc::ServerContext* context,
                                        grpc::ServerReader<grpc::ByteBuffer>* frames,
                                        v1::UploadParticipantsResponse* response);
  grpc::Status UploadParticipantRows(grpc::ServerContext* context,
                                     const v1::UploadParticipantRowsRequest* request,
                                     v1::UploadParticipantRowsResponse* response) override;
  grpc::Status ValidateDraft(grpc::ServerContext* context, const v1::ValidateDraftRequest* request,
                             v1::ValidateDraftResponse* response) override;
  grpc::Status ConfirmDraft(grpc::ServerContext* context, const v1::ConfirmDraftRequest* request,
                            v1::ConfirmDraftResponse* response) override;
  grpc::Status GetRegistration(grpc::ServerContext* context,
                               const v1::GetRegistrationRequest* request,
                               v1::GetRegistrationResponse* response) override;
  grpc::Status ListRegistrations(grpc::ServerContext* context,
                                 const v1::ListRegistrationsRequest* request,
                                 v1::ListRegistrationsResponse* response) override;
  grpc::Status ListRegistrationVersions(grpc::ServerContext* context,
                                        const v1::ListRegistrationVersionsRequest* request,
                                        v1::ListRegistrationVersionsResponse* response) override;
  grpc::Status CorrectRegistration(grpc::ServerContext* context,
                                   const v1::CorrectRegistrationRequest* request,
                                   v1::CorrectRegistrationResponse* response) override;
  grpc::Status WithdrawRegistration(grpc::ServerContext* context,
                                    const v1::WithdrawRegistrationRequest* request,
                                    v1::WithdrawRegistrationResponse* response) override;
  grpc::Status GetReceipt(grpc::ServerContext* context, const v1::GetReceiptRequest* request,
                          v1::GetReceiptResponse* response) override;

 private:
  // The caller: an operator (service token) or a person with a valid access token.
  absl::StatusOr<Actor> Authenticate(const RequestContext& call);

  RegistrationServiceDeps deps_;
};

// --- request checks shared by the RPC files ---

// (page_size, page tokens and request_id: common/request_checks.h)
// A resource named in another organisation than the caller's: NOT_FOUND, so that existence in
// other organisations does not leak.
absl::Status NotFoundElsewhere(absl::string_view what);
// A name's organisation must be the caller's; another one is NOT_FOUND (NotFoundElsewhere). A
// caller without organisation passes here and is refused by the manager with a clear reason.
absl::Status SameOrganization(const Actor& actor, const std::string& organization_id,
                              absl::string_view what);
// `parent` of a list/create: must be the caller's organisation (PERMISSION_DENIED otherwise).
absl::Status CheckParent(const Actor& actor, const std::string& parent);

}  // namespace wse::registration
