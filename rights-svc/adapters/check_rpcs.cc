// RightsServiceImpl: live permission checks and the audit trail.
#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/request_checks.h"
#include "common/resource_name.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "rights-svc/adapters/convert.h"
#include "rights-svc/adapters/rights_service.h"
#include "rights-svc/domain/audit_chain.h"

namespace wse::rights {
namespace {

// A person may check themself; operators and allowed services anyone.
absl::Status MayCheck(const Actor& actor, const std::string& person_id) {
  if (actor.is_operator || actor.person_id == person_id) return absl::OkStatus();
  return ErrorBuilder(absl::StatusCode::kPermissionDenied, "you may check only yourself")
      .Reason("OTHER_PERSON");
}

absl::Status CheckPermissionName(const std::string& permission) {
  if (permission.empty() || permission.size() > 100) {
    return InvalidArgument({{"permission", "is required, e.g. vov.registration.write"}});
  }
  return absl::OkStatus();
}

// Who is asked about, where: the fields CheckPermission and ExplainPermission share, checked the
// same way (a person may ask only about themself; an empty organisation is allowed and denied).
struct PermissionQuestion {
  std::string person_id;
  std::string organization_id;
};
template <typename Request>
absl::StatusOr<PermissionQuestion> AskedAbout(const Actor& actor, const Request& request) {
  PermissionQuestion question;
  ASSIGN_OR_RETURN(question.person_id, PersonId(request.person(), "person"));
  RETURN_IF_ERROR(MayCheck(actor, question.person_id));
  RETURN_IF_ERROR(CheckPermissionName(request.permission()));
  if (!request.organization().empty()) {
    ASSIGN_OR_RETURN(question.organization_id,
                     IdFromName(request.organization(), "organizations", "organization"));
  }
  return question;
}

}  // namespace

grpc::ServerUnaryReactor* RightsServiceImpl::CheckPermission(
    grpc::CallbackServerContext* context, const v1::CheckPermissionRequest* request,
    v1::CheckPermissionResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(
      Serve(context, "CheckPermission", [&](const RequestContext& call) -> absl::Status {
        ASSIGN_OR_RETURN(auto actor, Authenticate(call));
        ASSIGN_OR_RETURN(auto asked, AskedAbout(actor, *request));
        const std::string& org = asked.organization_id;
        ASSIGN_OR_RETURN(auto decision,
                         deps_.permissions.Check(asked.person_id, org, request->permission(), call,
                                                 request->for_reuse()));
        response->set_allowed(decision.allowed);
        response->set_reason(ToProto(decision.reason));
        response->set_decision_id(decision.decision_id);
        if (!decision.matched_grant_id.empty()) {
          response->set_matched_grant("organizations/" + org + "/grants/" +
                                      decision.matched_grant_id);
        }
        response->set_revision(decision.revision);
        if (decision.reusable_for) {
          // Five minutes at most: the role catalogue is outside the revision, so a release that
          // changes which roles grant a permission reaches kept answers within that time.
          const absl::Duration reusable = std::min(*decision.reusable_for, absl::Minutes(5));
          const int64_t nanos = absl::ToInt64Nanoseconds(reusable);
          response->mutable_reusable_for()->set_seconds(nanos / 1000000000);
          response->mutable_reusable_for()->set_nanos(static_cast<int32_t>(nanos % 1000000000));
        }
        return absl::OkStatus();
      }));
  return reactor;
}

grpc::Status RightsServiceImpl::ExplainPermission(grpc::ServerContext* context,
                                                  const v1::ExplainPermissionRequest* request,
                                                  v1::ExplainPermissionResponse* response) {
  return Serve(context, "ExplainPermission", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto actor, Authenticate(call));
    ASSIGN_OR_RETURN(auto asked, AskedAbout(actor, *request));
    const std::string& org = asked.organization_id;
    ASSIGN_OR_RETURN(auto explained,
                     deps_.permissions.Explain(asked.person_id, org, request->permission(), call));
    response->set_allowed(explained.decision.allowed);
    response->set_reason(ToProto(explained.decision.reason));
    response->set_decision_id(explained.decision.decision_id);
    response->set_revision(explained.decision.revision);
    const std::string grants = "organizations/" + org + "/grants/";
    for (const RuleOutcome& rule : explained.rules) {
      auto* out = response->add_rules();
      out->set_role(rule.role->code);
      out->set_role_label(rule.role->label);
      for (const auto& c : rule.role->contexts) out->add_contexts(c.code);
      out->set_satisfied(rule.satisfied);
      if (!rule.matched_grant_id.empty()) out->set_matched_grant(grants + rule.matched_grant_id);
      for (const auto& id : rule.invalid_grant_ids) out->add_invalid_grants(grants + id);
      if (!rule.satisfied) {
        out->set_missing(
            "rol " + rule.role->label + " met een van de contexten " +
            (rule.role->contexts.empty() ? std::string("-") : rule.role->contexts.front().code) +
            (rule.role->contexts.size() > 1 ? " (of andere)" : ""));
      }
      out->set_requestable(rule.role->requestable);
    }
    response->set_work_relation_active(explained.work_relation_active);
    // Who the administrators are only for those acting for the organisation (see
    // ListLocalAdministrators); the others learn whether a request can reach someone.
    if (actor.is_operator || actor.organization_id == org) {
      for (const auto& admin : explained.local_administrators) {
        ToProto(admin, org, response->add_local_administrators());
      }
    }
    response->set_access_request_possible(explained.access_request_possible);
    if (!explained.decision.allowed) {
      response->set_access_request_obstacle(ToProto(explained.obstacle));
    }
    if (!explained.pending_access_request_id.empty()) {
      response->set_pending_access_request("organizations/" + org + "/accessRequests/" +
                                           explained.pending_access_request_id);
    }
    return absl::OkStatus();
  });
}

grpc::Status RightsServiceImpl::ListAuditEvents(grpc::ServerContext* context,
                                                const v1::ListAuditEventsRequest* request,
                                                v1::ListAuditEventsResponse* response) {
  return Serve(context, "ListAuditEvents", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto actor, Authenticate(call));
    ASSIGN_OR_RETURN(const int size, PageSize(request->page_size()));
    int64_t after = 0;
    if (!request->page_token().empty() &&
        (!absl::SimpleAtoi(request->page_token(), &after) || after < 0)) {
      return InvalidArgument({{"page_token", "is not a token of this list"}});
    }
    AuditFilter filter{"", std::nullopt, std::nullopt};
    if (request->has_start_time()) filter.start_time = FromTimestamp(request->start_time());
    if (request->has_end_time()) filter.end_time = FromTimestamp(request->end_time());
    ASSIGN_OR_RETURN(auto events, deps_.queries.ListAuditEvents(actor, request->parent(), filter,
                                                                after, size, call));
    for (const auto& e : events) ToProto(e, response->add_audit_events());
    if (static_cast<int>(events.size()) == size) {
      response->set_next_page_token(absl::StrCat(events.back().sequence));
    }
    return absl::OkStatus();
  });
}

grpc::Status RightsServiceImpl::VerifyAuditChain(grpc::ServerContext* context,
                                                 const v1::VerifyAuditChainRequest* request,
                                                 v1::VerifyAuditChainResponse* response) {
  return Serve(context, "VerifyAuditChain", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto actor, Authenticate(call));
    ASSIGN_OR_RETURN(ChainVerifier verifier,
                     deps_.queries.VerifyAuditChain(actor, request->parent(), call));
    response->set_ok(verifier.verdict().ok);
    response->set_verified_count(verifier.verdict().verified);
    response->set_first_broken_sequence(verifier.verdict().first_broken_sequence);
    response->set_head_hash(verifier.head_hash());
    response->set_head_sequence(verifier.head_sequence());
    return absl::OkStatus();
  });
}

}  // namespace wse::rights
