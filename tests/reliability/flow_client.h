#pragma once
// The portal flow as a client drives it, against a PrivateStack: people, a school with its local
// administrator, a member with (or without) the registration right, trainings, drafts with
// participants, 'Bevestigen'. Every call carries a deadline, so a test never hangs on a fault.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tests/reliability/private_stack.h"
#include "wse/identity/v1/identity_service.grpc.pb.h"
#include "wse/registration/v1/registration_service.grpc.pb.h"
#include "wse/rights/v1/rights_service.grpc.pb.h"

namespace wse::testing {

std::string NewUuid();
std::string NewOdbNumber();
// A valid participant with attendance `present` of `to_follow` hours, named `display_name`.
wse::registration::v1::Participant Attending(const std::string& display_name, double present,
                                             double to_follow);

struct FlowPerson {
  std::string insz, name, email;  // name: persons/{id}
};

struct FlowSchool {
  std::string org;  // organizations/{id}
  FlowPerson admin;
  std::string admin_token;
  std::vector<FlowPerson> users;     // Members (werkrelatie).
  std::vector<std::string> tokens;   // Their org-scoped access tokens.
};

struct PreparedDraft {
  std::string name, etag, request_id;
};

class FlowClient {
 public:
  explicit FlowClient(PrivateStack& stack, absl::Duration deadline = absl::Seconds(10));

  FlowPerson NewPerson(const std::string& given);
  // Only the login (ExchangeIdToken, personal context): its status, for fault checks.
  absl::Status Login(const FlowPerson& person, absl::Duration deadline);
  // RightsService.CheckPermission for vov.registration.write, as `token`'s holder.
  absl::StatusOr<bool> CheckPermission(const std::string& token, const FlowPerson& person,
                                       const std::string& org, absl::Duration deadline);
  // Logs in with the dev IdP and selects `organization`; returns the access token ("" on error).
  std::string LoginFor(const FlowPerson& person, const std::string& organization);
  // A school whose local administrator is its legal representative, with `members` members who
  // get the registration right (DWSE_ORGANISATIEVERANTWOORDELIJKE / opleidingsverlof) when
  // `grant` is set. Failures are test failures (and leave fields empty).
  FlowSchool NewSchool(const std::string& label, int members, bool grant);
  // Adds one member (work relation, and the right when `grant` is set) and logs them in via the
  // school; returns their index in school.users / school.tokens.
  size_t AddMember(FlowSchool& school, const std::string& given, bool grant);
  absl::Status Grant(const FlowSchool& school, const FlowPerson& person);
  // Revokes every active grant of `person` in the school (as its local administrator).
  absl::Status RevokeGrants(const FlowSchool& school, const FlowPerson& person);
  // Imports a contact-hours training of `org` (as the operator).
  absl::Status ImportTraining(const std::string& odb, const std::string& org);
  // A draft of `odb` for school year 2025-2026 with `participants` valid participants.
  absl::StatusOr<PreparedDraft> PrepareDraft(const std::string& token, const std::string& org,
                                             const std::string& odb, int participants);

  absl::StatusOr<wse::registration::v1::ConfirmDraftResponse> Confirm(
      const std::string& token, const PreparedDraft& draft, absl::Duration deadline,
      const std::string& call_id = "");  // x-request-id of this attempt (for the logs).
  absl::StatusOr<wse::registration::v1::Draft> GetDraft(const std::string& token,
                                                        const std::string& name);
  absl::StatusOr<wse::registration::v1::AddParticipantResponse> AddParticipant(
      const std::string& token, const std::string& draft, const std::string& etag,
      const wse::registration::v1::Participant& participant);
  absl::StatusOr<wse::registration::v1::UpdateParticipantResponse> UpdateHoursPresent(
      const std::string& token, const std::string& participant_name, const std::string& etag,
      double hours_present);
  absl::StatusOr<wse::rights::v1::AccessRequest> RequestRight(const std::string& token,
                                                              const std::string& org);
  absl::StatusOr<wse::rights::v1::AccessRequest> Approve(const std::string& admin_token,
                                                         const wse::rights::v1::AccessRequest& r);
  absl::StatusOr<wse::rights::v1::AccessRequest> Reject(const std::string& admin_token,
                                                        const wse::rights::v1::AccessRequest& r,
                                                        const std::string& reason);

  wse::registration::v1::RegistrationService::Stub& registration() { return *registration_; }

 private:
  void Prepare(grpc::ClientContext* context, const std::string& token,
               std::optional<absl::Duration> deadline = std::nullopt) const;

  PrivateStack& stack_;
  absl::Duration deadline_;
  std::unique_ptr<wse::identity::v1::IdentityService::Stub> identity_;
  std::unique_ptr<wse::rights::v1::RightsService::Stub> rights_;
  std::unique_ptr<wse::registration::v1::RegistrationService::Stub> registration_;
};

// Milliseconds between two steady-clock points.
inline double MillisBetween(std::chrono::steady_clock::time_point a,
                            std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

}  // namespace wse::testing
