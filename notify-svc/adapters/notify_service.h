#pragma once
// gRPC adapter of wse.notify.v1.NotifyService: authenticates the caller, validates and converts
// the request, calls MailQueue / the template catalog, converts the answer. No SQL, no SMTP.
//
// Who may call (common/operator_auth.h): operators (grpcurl, repairs, dead letters) every RPC;
// the outbox relays of rights-svc and registration-svc SendMail and SendMails only, each with its
// own service token (notify-svc/client/grpc_notify_client.h); end users never call notify-svc, not
// even through the gateway, because a mail's content and recipients are for the service that caused
// it to decide.
//
// SendMail only stores (QUEUED) and wakes the delivery workers; it never waits for SMTP.
// SendMails does the same for up to 100 mails in one transaction, answering each on its own.
// ListMessages returns messages without their delivery history (GetMessage has it).

#include "common/call_context.h"
#include "common/operator_auth.h"
#include "notify-svc/domain/mail_queue.h"
#include "notify-svc/domain/template_catalog.h"
#include "wse/notify/v1/notify_service.grpc.pb.h"

namespace wse::notify {

struct NotifyServiceDeps {
  MailQueue& queue;
  const TemplateCatalog& templates;
  const OperatorAuthenticator& operators;
};

class NotifyServiceImpl final : public v1::NotifyService::Service {
 public:
  explicit NotifyServiceImpl(NotifyServiceDeps deps) : deps_(deps) {}

  grpc::Status SendMail(grpc::ServerContext* context, const v1::SendMailRequest* request,
                        v1::SendMailResponse* response) override;
  grpc::Status SendMails(grpc::ServerContext* context, const v1::SendMailsRequest* request,
                         v1::SendMailsResponse* response) override;
  grpc::Status GetMessage(grpc::ServerContext* context, const v1::GetMessageRequest* request,
                          v1::GetMessageResponse* response) override;
  grpc::Status ListMessages(grpc::ServerContext* context, const v1::ListMessagesRequest* request,
                            v1::ListMessagesResponse* response) override;
  grpc::Status RetryDeadLetters(grpc::ServerContext* context,
                                const v1::RetryDeadLettersRequest* request,
                                v1::RetryDeadLettersResponse* response) override;
  grpc::Status ListTemplates(grpc::ServerContext* context, const v1::ListTemplatesRequest* request,
                             v1::ListTemplatesResponse* response) override;
  grpc::Status PreviewTemplate(grpc::ServerContext* context,
                               const v1::PreviewTemplateRequest* request,
                               v1::PreviewTemplateResponse* response) override;

 private:
  NotifyServiceDeps deps_;
};

}  // namespace wse::notify
