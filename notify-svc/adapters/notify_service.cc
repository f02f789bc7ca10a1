#include "notify-svc/adapters/notify_service.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"
#include "common/log.h"
#include "common/request_checks.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "common/trace_context.h"
#include "notify-svc/adapters/convert.h"
#include "notify-svc/domain/requests.h"

namespace wse::notify {

grpc::Status NotifyServiceImpl::SendMail(grpc::ServerContext* context,
                                         const v1::SendMailRequest* request,
                                         v1::SendMailResponse* response) {
  return Serve(context, "SendMail", [&](const RequestContext& call) -> absl::Status {
    RETURN_IF_ERROR(deps_.operators.RequireTrusted(call));
    ASSIGN_OR_RETURN(auto message, MessageFromRequest(*request, deps_.templates));
    ASSIGN_OR_RETURN(auto queued, deps_.queue.Submit(std::move(message)));
    ToProto(queued.message, response->mutable_message());
    response->set_replayed(queued.replayed);
    return absl::OkStatus();
  });
}

grpc::Status NotifyServiceImpl::SendMails(grpc::ServerContext* context,
                                          const v1::SendMailsRequest* request,
                                          v1::SendMailsResponse* response) {
  return Serve(context, "SendMails", [&](const RequestContext& call) -> absl::Status {
    RETURN_IF_ERROR(deps_.operators.RequireTrusted(call));
    constexpr int kMaxMails = 100;
    if (request->mails_size() < 1 || request->mails_size() > kMaxMails) {
      return InvalidArgument({{"mails", absl::StrCat("1 to ", kMaxMails, " mails")}});
    }
    // Each mail is checked as SendMail checks it; a refused one is answered in its place.
    std::vector<absl::StatusOr<QueuedMessage>> outcomes(request->mails_size(),
                                                        absl::UnknownError("not submitted"));
    std::vector<MessageRecord> valid;
    std::vector<int> positions;
    // Each mail's own span of the trace that caused it (an outbox row's), when it came with one.
    std::vector<std::optional<TraceContext>> traces(request->mails_size());
    for (int i = 0; i < request->mails_size(); ++i) {
      const v1::SendMailsItem& item = request->mails(i);
      auto message = MessageFromRequest(item.mail(), deps_.templates);
      if (!message.ok()) {
        outcomes[i] = message.status();
        continue;
      }
      if (auto trace = TraceContext::Parse(item.traceparent())) {
        traces[i] = TraceContext::ChildOf(*trace);
        message->traceparent = traces[i]->Traceparent();
      }
      valid.push_back(*std::move(message));
      positions.push_back(i);
    }
    if (!valid.empty()) {
      ASSIGN_OR_RETURN(auto submitted, deps_.queue.SubmitAll(std::move(valid)));
      for (size_t k = 0; k < positions.size(); ++k) {
        outcomes[positions[k]] = std::move(submitted[k]);
      }
    }
    for (size_t i = 0; i < outcomes.size(); ++i) {
      auto& outcome = outcomes[i];
      v1::SendMailsResult* result = response->add_results();
      if (outcome.ok()) {
        ToProto(outcome->message, result->mutable_queued()->mutable_message());
        result->mutable_queued()->set_replayed(outcome->replayed);
        if (traces[i].has_value()) {
          // The batch's own call line names the relay's trace; this one the mail's cause.
          const ScopedTrace traced(*traces[i], call.request_id);
          LogInfo("mail queued", {{"message_id", absl::StrCat(outcome->message.id)},
                                  {"replayed", outcome->replayed ? "true" : "false"}});
        }
        continue;
      }
      if (IsInternalError(outcome.status().code())) {
        LogError("a mail of SendMails failed", {{"error", outcome.status().message()}});
      }
      *result->mutable_error() = ToRpcStatus(outcome.status(), call.request_id);
    }
    return absl::OkStatus();
  });
}

grpc::Status NotifyServiceImpl::GetMessage(grpc::ServerContext* context,
                                           const v1::GetMessageRequest* request,
                                           v1::GetMessageResponse* response) {
  return Serve(context, "GetMessage", [&](const RequestContext& call) -> absl::Status {
    RETURN_IF_ERROR(deps_.operators.RequireTrusted(call));
    ASSIGN_OR_RETURN(auto id, MessageIdFromName(request->name(), "name"));
    ASSIGN_OR_RETURN(auto message, deps_.queue.Get(id));
    ToProto(message, response->mutable_message());
    return absl::OkStatus();
  });
}

grpc::Status NotifyServiceImpl::ListMessages(grpc::ServerContext* context,
                                             const v1::ListMessagesRequest* request,
                                             v1::ListMessagesResponse* response) {
  return Serve(context, "ListMessages", [&](const RequestContext& call) -> absl::Status {
    RETURN_IF_ERROR(deps_.operators.RequireTrusted(call));
    ASSIGN_OR_RETURN(auto page_size, PageSize(request->page_size()));
    if (!v1::MessageState_IsValid(request->state())) {
      return InvalidArgument({{"state", "is not a message state"}});
    }
    MessageFilter filter;
    filter.recipient = request->recipient();
    filter.source_event = request->source_event();
    if (request->state() != v1::MESSAGE_STATE_UNSPECIFIED) {
      filter.state = static_cast<MessageState>(request->state());
    }
    uint64_t before_id = 0;
    if (!request->page_token().empty()) {
      ASSIGN_OR_RETURN(auto position, DecodePageToken("messages", request->page_token()));
      if (!absl::SimpleAtoi(position, &before_id) || before_id == 0) {
        return InvalidArgument({{"page_token", "is not a token of this list"}});
      }
    }
    // One more than the page tells whether another page exists.
    ASSIGN_OR_RETURN(auto messages, deps_.queue.List(filter, before_id, page_size + 1));
    const bool more = static_cast<int>(messages.size()) > page_size;
    if (more) messages.resize(page_size);
    for (const MessageRecord& m : messages) ToProto(m, response->add_messages());
    if (more) {
      response->set_next_page_token(EncodePageToken("messages", absl::StrCat(messages.back().id)));
    }
    return absl::OkStatus();
  });
}

grpc::Status NotifyServiceImpl::RetryDeadLetters(grpc::ServerContext* context,
                                                 const v1::RetryDeadLettersRequest* request,
                                                 v1::RetryDeadLettersResponse* response) {
  return Serve(context, "RetryDeadLetters", [&](const RequestContext& call) -> absl::Status {
    RETURN_IF_ERROR(deps_.operators.RequireTrusted(call));
    if (request->all() == !request->names().empty()) {
      return InvalidArgument({{"names", "give either names or all = true, not both or neither"}});
    }
    if (request->limit() < 0 || request->limit() > 1000) {
      return InvalidArgument({{"limit", "must be within 0..1000"}});
    }
    // As many as one call may requeue (the names become one statement's placeholders).
    if (request->names_size() > 1000) {
      return InvalidArgument({{"names", "at most 1000 per call"}});
    }
    const int limit = request->limit() == 0 ? 100 : request->limit();
    std::vector<uint64_t> ids;
    std::vector<FieldViolation> violations;
    for (int i = 0; i < request->names_size(); ++i) {
      auto id = MessageIdFromName(request->names(i), absl::StrCat("names[", i, "]"));
      if (!id.ok()) {
        violations.push_back({absl::StrCat("names[", i, "]"), "must be messages/{message_id}"});
      } else {
        ids.push_back(*id);
      }
    }
    if (!violations.empty()) return InvalidArgument(std::move(violations));
    ASSIGN_OR_RETURN(auto requeued, deps_.queue.RetryDead(ids, limit));
    response->set_requeued_count(static_cast<int32_t>(requeued.size()));
    for (uint64_t id : requeued) response->add_names(MessageName(id));
    return absl::OkStatus();
  });
}

grpc::Status NotifyServiceImpl::ListTemplates(grpc::ServerContext* context,
                                              const v1::ListTemplatesRequest* request,
                                              v1::ListTemplatesResponse* response) {
  return Serve(context, "ListTemplates", [&](const RequestContext& call) -> absl::Status {
    RETURN_IF_ERROR(deps_.operators.RequireTrusted(call));
    ASSIGN_OR_RETURN(auto page_size, PageSize(request->page_size()));
    std::string after;
    if (!request->page_token().empty()) {
      ASSIGN_OR_RETURN(auto position, DecodePageToken("templates", request->page_token()));
      after = position;
    }
    const auto& all = deps_.templates.templates();
    int added = 0;
    for (const TemplateInfo& info : all) {
      if (!after.empty() && info.id <= after) continue;
      if (added == page_size) {
        response->set_next_page_token(
            EncodePageToken("templates", response->templates().rbegin()->template_id()));
        break;
      }
      ToProto(info, response->add_templates());
      ++added;
    }
    return absl::OkStatus();
  });
}

grpc::Status NotifyServiceImpl::PreviewTemplate(grpc::ServerContext* context,
                                                const v1::PreviewTemplateRequest* request,
                                                v1::PreviewTemplateResponse* response) {
  return Serve(context, "PreviewTemplate", [&](const RequestContext& call) -> absl::Status {
    RETURN_IF_ERROR(deps_.operators.RequireTrusted(call));
    std::vector<FieldViolation> violations;
    if (deps_.templates.Find(request->template_id()) == nullptr) {
      violations.push_back({"template_id", "is not a known template (see ListTemplates)"});
    }
    if (!request->locale().empty() && !IsSupportedLocale(request->locale())) {
      violations.push_back({"locale", "must be one of nl, fr, de, en (or empty)"});
    }
    if (!violations.empty()) return InvalidArgument(std::move(violations));
    std::map<std::string, std::string> parameters(request->parameters().begin(),
                                                  request->parameters().end());
    std::vector<std::string> missing;
    ASSIGN_OR_RETURN(auto mail, deps_.templates.Render(request->template_id(), request->locale(),
                                                       parameters, &missing));
    response->set_subject(mail.subject);
    response->set_text_body(mail.text_body);
    response->set_html_body(mail.html_body);
    response->set_locale(mail.locale);
    for (const std::string& name : missing) response->add_missing_parameters(name);
    return absl::OkStatus();
  });
}

}  // namespace wse::notify
