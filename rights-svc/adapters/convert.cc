#include "rights-svc/adapters/convert.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace wse::rights {

void SetTime(absl::Time time, google::protobuf::Timestamp* out) {
  const int64_t micros = absl::ToUnixMicros(time);
  out->set_seconds(micros / 1000000);
  out->set_nanos(static_cast<int32_t>(micros % 1000000) * 1000);
}

absl::Time FromTimestamp(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

std::string Etag(int64_t version) { return absl::StrCat("v", version); }

absl::StatusOr<int64_t> VersionFromEtag(const std::string& etag, const std::string& field) {
  int64_t version = 0;
  if (etag.size() < 2 || etag[0] != 'v' || !absl::SimpleAtoi(etag.substr(1), &version) ||
      version < 1) {
    return InvalidArgument({{field, "is required: send back the etag you read"}});
  }
  return version;
}

absl::StatusOr<Validity> ValidityFromProto(const v1::ValidityPeriod& period, bool present,
                                           const std::string& field) {
  Validity validity;
  if (!present) return validity;
  constexpr int64_t kYear9999 = 253402300799;
  for (const auto* ts : {&period.start_time(), &period.end_time()}) {
    if (ts->seconds() < 0 || ts->seconds() > kYear9999 || ts->nanos() < 0 ||
        ts->nanos() > 999999999) {
      return InvalidArgument({{field, "holds a time outside 1970-9999"}});
    }
  }
  if (period.has_start_time()) validity.from = FromTimestamp(period.start_time());
  if (period.has_end_time()) validity.until = FromTimestamp(period.end_time());
  if (validity.from && validity.until && *validity.until <= *validity.from) {
    return InvalidArgument({{field + ".end_time", "must be after the start time"}});
  }
  return validity;
}

void ToProto(const WorkRelationRecord& r, absl::Time now, v1::WorkRelation* out) {
  out->set_name(absl::StrCat("organizations/", r.organization_id, "/workRelations/", r.id));
  out->set_person("persons/" + r.person_id);
  v1::WorkRelationType type = v1::WORK_RELATION_TYPE_UNSPECIFIED;
  v1::WorkRelationType_Parse("WORK_RELATION_TYPE_" + r.type, &type);
  out->set_type(type);
  SetTime(r.valid_from, out->mutable_validity()->mutable_start_time());
  if (r.valid_until) SetTime(*r.valid_until, out->mutable_validity()->mutable_end_time());
  out->set_state(r.valid_from > now                       ? v1::WORK_RELATION_STATE_SCHEDULED
                 : r.valid_until && *r.valid_until <= now ? v1::WORK_RELATION_STATE_ENDED
                                                          : v1::WORK_RELATION_STATE_ACTIVE);
  out->set_end_reason(r.end_reason);
  SetTime(r.create_time, out->mutable_create_time());
  SetTime(r.update_time, out->mutable_update_time());
  out->set_etag(Etag(r.version));
}

void ToProto(const GrantRecord& g, absl::Time now, v1::Grant* out) {
  out->set_name(absl::StrCat("organizations/", g.organization_id, "/grants/", g.id));
  out->set_person("persons/" + g.person_id);
  out->set_role(g.role);
  out->set_context(g.context);
  SetTime(g.valid_from, out->mutable_validity()->mutable_start_time());
  if (g.valid_until) SetTime(*g.valid_until, out->mutable_validity()->mutable_end_time());
  out->set_state(g.revoke_time                            ? v1::GRANT_STATE_REVOKED
                 : g.valid_from > now                     ? v1::GRANT_STATE_SCHEDULED
                 : g.valid_until && *g.valid_until <= now ? v1::GRANT_STATE_EXPIRED
                                                          : v1::GRANT_STATE_ACTIVE);
  if (!g.granted_by.empty()) out->set_granted_by("persons/" + g.granted_by);
  if (!g.access_request_id.empty()) {
    out->set_access_request(
        absl::StrCat("organizations/", g.organization_id, "/accessRequests/", g.access_request_id));
  }
  if (!g.revoked_by.empty()) out->set_revoked_by("persons/" + g.revoked_by);
  out->set_revoke_reason(g.revoke_reason);
  if (g.revoke_time) SetTime(*g.revoke_time, out->mutable_revoke_time());
  SetTime(g.create_time, out->mutable_create_time());
  SetTime(g.update_time, out->mutable_update_time());
  out->set_etag(Etag(g.version));
}

void ToProto(const AccessRequestRecord& r, v1::AccessRequest* out) {
  out->set_name(absl::StrCat("organizations/", r.organization_id, "/accessRequests/", r.id));
  out->set_requester("persons/" + r.requester_id);
  out->set_role(r.role);
  out->set_context(r.context);
  out->set_reason(r.reason);
  v1::AccessRequestState state = v1::ACCESS_REQUEST_STATE_UNSPECIFIED;
  v1::AccessRequestState_Parse("ACCESS_REQUEST_STATE_" + r.state, &state);
  out->set_state(state);
  out->set_notified_administrator_count(r.notified_count);
  if (!r.decided_by.empty()) out->set_decided_by("persons/" + r.decided_by);
  if (r.decide_time) SetTime(*r.decide_time, out->mutable_decide_time());
  out->set_rejection_reason(r.rejection_reason);
  if (!r.grant_id.empty()) {
    out->set_grant(absl::StrCat("organizations/", r.organization_id, "/grants/", r.grant_id));
  }
  SetTime(r.create_time, out->mutable_create_time());
  SetTime(r.expire_time, out->mutable_expire_time());
  out->set_etag(Etag(r.version));
}

void ToProto(const AuditRecord& e, v1::AuditEvent* out) {
  out->set_name(absl::StrCat("organizations/", e.organization_id, "/auditEvents/", e.sequence));
  out->set_sequence(e.sequence);
  SetTime(e.event_time, out->mutable_event_time());
  out->set_actor(e.actor);
  identity::v1::KeyType key = identity::v1::KEY_TYPE_UNSPECIFIED;
  identity::v1::KeyType_Parse("KEY_TYPE_" + e.actor_key_type, &key);
  out->set_actor_key_type(key);
  out->set_action(e.action);
  out->set_subject(e.subject);
  out->set_target(e.target);
  out->set_reason(e.reason);
  for (const auto& [k, v] : e.details) (*out->mutable_details())[k] = v;
  out->set_prev_hash(e.prev_hash);
  out->set_hash(e.hash);
}

void ToProto(const RoleDef& role, v1::Role* out) {
  out->set_name("roles/" + role.code);
  out->set_code(role.code);
  out->set_label(role.label);
  out->set_description(role.description);
  for (const auto& c : role.contexts) {
    auto* context = out->add_allowed_contexts();
    context->set_code(c.code);
    context->set_label(c.label);
  }
  out->set_requestable(role.requestable);
  for (const auto& p : role.permissions) out->add_permissions(p);
}

void ToProto(const LocalAdministrator& admin, const std::string& organization_id,
             v1::LocalAdministrator* out) {
  out->set_person("persons/" + admin.person.id);
  out->set_display_name(admin.person.display_name);
  out->set_email_address(admin.person.email_address);
  out->set_legal_representative(admin.legal_representative);
  if (!admin.grant_id.empty()) {
    out->set_grant(absl::StrCat("organizations/", organization_id, "/grants/", admin.grant_id));
  }
}

v1::DecisionReason ToProto(Decision decision) {
  switch (decision) {
    case Decision::kGrantMatched:
      return v1::DECISION_REASON_GRANT_MATCHED;
    case Decision::kLegalRepresentative:
      return v1::DECISION_REASON_LEGAL_REPRESENTATIVE;
    case Decision::kNoMatchingGrant:
      return v1::DECISION_REASON_NO_MATCHING_GRANT;
    case Decision::kGrantNotValid:
      return v1::DECISION_REASON_GRANT_NOT_VALID;
    case Decision::kNoWorkRelation:
      return v1::DECISION_REASON_NO_WORK_RELATION;
    case Decision::kUnknownPermission:
      return v1::DECISION_REASON_UNKNOWN_PERMISSION;
    case Decision::kNoOrganization:
      return v1::DECISION_REASON_NO_ORGANIZATION;
  }
  return v1::DECISION_REASON_UNSPECIFIED;
}

v1::AccessRequestObstacle ToProto(RequestObstacle obstacle) {
  switch (obstacle) {
    case RequestObstacle::kNone:
      return v1::ACCESS_REQUEST_OBSTACLE_UNSPECIFIED;
    case RequestObstacle::kNotRequestable:
      return v1::ACCESS_REQUEST_OBSTACLE_NOT_REQUESTABLE;
    case RequestObstacle::kPending:
      return v1::ACCESS_REQUEST_OBSTACLE_PENDING;
    case RequestObstacle::kGrantYourself:
      return v1::ACCESS_REQUEST_OBSTACLE_GRANT_YOURSELF;
    case RequestObstacle::kNoReachableAdministrator:
      return v1::ACCESS_REQUEST_OBSTACLE_NO_REACHABLE_LOCAL_ADMINISTRATOR;
    case RequestObstacle::kRequesterEmailUnknown:
      return v1::ACCESS_REQUEST_OBSTACLE_REQUESTER_EMAIL_UNKNOWN;
  }
  return v1::ACCESS_REQUEST_OBSTACLE_UNSPECIFIED;
}

}  // namespace wse::rights
