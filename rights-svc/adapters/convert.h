#pragma once
// rights-svc records <-> protos.

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "google/protobuf/timestamp.pb.h"
#include "rights-svc/domain/catalogue.h"
#include "rights-svc/domain/permission_checker.h"
#include "rights-svc/domain/rights_manager.h"
#include "wse/rights/v1/rights_service.pb.h"

namespace wse::rights {

void SetTime(absl::Time time, google::protobuf::Timestamp* out);
absl::Time FromTimestamp(const google::protobuf::Timestamp& ts);
std::string Etag(int64_t version);
// INVALID_ARGUMENT on `field` unless `etag` is one of ours.
absl::StatusOr<int64_t> VersionFromEtag(const std::string& etag, const std::string& field);
absl::StatusOr<Validity> ValidityFromProto(const v1::ValidityPeriod& period, bool present,
                                           const std::string& field);

void ToProto(const WorkRelationRecord& r, absl::Time now, v1::WorkRelation* out);
void ToProto(const GrantRecord& g, absl::Time now, v1::Grant* out);
void ToProto(const AccessRequestRecord& r, v1::AccessRequest* out);
void ToProto(const AuditRecord& e, v1::AuditEvent* out);
void ToProto(const RoleDef& role, v1::Role* out);
void ToProto(const LocalAdministrator& admin, const std::string& organization_id,
             v1::LocalAdministrator* out);
v1::DecisionReason ToProto(Decision decision);
v1::AccessRequestObstacle ToProto(RequestObstacle obstacle);

}  // namespace wse::rights
