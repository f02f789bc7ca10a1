#pragma once
// Records -> protos for identity-svc's answers (never an unmasked INSZ).

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "identity-svc/domain/membership.h"
#include "identity-svc/domain/model.h"
#include "identity-svc/domain/session_manager.h"
#include "wse/identity/v1/guidance.pb.h"
#include "wse/identity/v1/identity_service.pb.h"

namespace wse::identity {

struct GuidanceConfig {
  std::string helpdesk_phone = "1700";
  std::string helpdesk_team = "gebruikersbeheer";
  std::string support_email = "vlaamsopleidingsverlof@vlaanderen.be";
  // The page where a local administrator reads how gebruikersbeheer works; empty: not offered.
  std::string gebruikersbeheer_help_url;
};

void SetTimestamp(absl::Time time, google::protobuf::Timestamp* out);
void ToProto(const PersonRecord& person, v1::PersonSummary* out);
void ToProto(const PersonRecord& person, v1::Person* out);
void ToProto(const OrganizationRecord& org, v1::Organization* out);
void ToProto(const OrganizationRecord& org, v1::OrganizationIdentifier* out);
void ToProto(const ActingContextEntry& entry, const PersonRecord& person, v1::ActingContext* out);
void ToProto(const IssuedSession& issued, v1::Session* out);
v1::KeyType KeyTypeToProto(const std::string& key_type);

// 'Ziet u enkel uw persoonlijke naam?' guidance for a person without any organisation.
v1::Guidance NoOrganizationGuidance(const GuidanceConfig& config);

}  // namespace wse::identity
