#pragma once
// The portal's flows as a client drives them, written once for the end-to-end, integration,
// reliability and security tests and for the load generator: importing people, schools and
// trainings (as the operator), logging in with a digital key and choosing where to act, work
// relations and rights (as the local administrator), asking for the right, and a draft with its
// participants taken to 'Bevestigen' and the ontvangstbevestiging.
//
// No test framework here: every step answers absl::Status (the service's own status, details
// included), so a test asserts on it (tests/flow/flow_gtest.h) and the load generator counts it.
// Every call carries a deadline, so a caller never hangs on a fault.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "tests/flow/services.h"
#include "wse/identity/v1/identity_service.grpc.pb.h"
#include "wse/registration/v1/registration_service.grpc.pb.h"
#include "wse/rights/v1/rights_service.grpc.pb.h"

namespace wse::flow {

// The right this suite is about: registering VOV attendance for an organisation.
inline constexpr char kRegistrationRole[] = "DWSE_ORGANISATIEVERANTWOORDELIJKE";
inline constexpr char kRegistrationContext[] = "opleidingsverlof";
inline constexpr char kRegistrationPermission[] = "vov.registration.write";

struct Person {
  std::string insz, given_name, family_name, email;
  std::string name;       // persons/{id}
  std::string idp_email;  // The `email` claim of their ID tokens; empty: none.
  std::string amr = "eid";                   // Digital key of their logins (`amr` claim).
  std::string acr = "urn:wse:dev:loa:high";  // Assurance of their logins (`acr` claim).
};

// A school whose local administrator is its legal representative, with members (werkrelatie).
struct School {
  std::string org;  // organizations/{id}
  Person admin;
  std::string admin_token;          // Acting for `org`.
  std::vector<Person> users;        // Members.
  std::vector<std::string> tokens;  // Their tokens acting for `org`, in the same order.
};

struct PreparedDraft {
  std::string name, etag;
  std::string request_id;  // For 'Bevestigen' (the same on every retry).
};

// One organisation of the load generator: its legal representative holds the registration right
// there and it offers one training of its own.
struct Tenant {
  Person person;
  std::string org;                        // organizations/{id}
  std::string odb;                        // Its training's ODB number.
  std::string training;                   // trainings/{odb}
  std::string personal_token, org_token;  // After Login (when asked for).
};

// Per call: a deadline other than the flow's own, an x-request-id for the service's log, a W3C
// traceparent as a gateway would send it.
struct Call {
  Call(std::optional<absl::Duration> deadline_ = std::nullopt, std::string log_id_ = "",
       std::string traceparent_ = "")
      : deadline(deadline_), log_id(std::move(log_id_)), traceparent(std::move(traceparent_)) {}
  std::optional<absl::Duration> deadline;
  std::string log_id;
  std::string traceparent;
};

// A valid participant present `present` of `to_follow` contact hours (fresh INSZ when empty).
wse::registration::v1::Participant Attending(const std::string& display_name, double present,
                                             double to_follow, const std::string& insz = "");

// Runs fn(0..n-1) on `threads` threads; the first error wins (the others stop early).
absl::Status ParallelFor(size_t n, int threads, const std::function<absl::Status(size_t)>& fn);

// A channel of its own (its own connection) to `address`.
std::shared_ptr<grpc::Channel> NewChannel(const std::string& address);

class Flow {
 public:
  explicit Flow(Services services, absl::Duration deadline = absl::Seconds(10));

  const Services& services() const { return services_; }
  wse::identity::v1::IdentityService::Stub& identity() { return *identity_; }
  wse::rights::v1::RightsService::Stub& rights() { return *rights_; }
  wse::registration::v1::RegistrationService::Stub& registration() { return *registration_; }

  // --- As the operator: the directory and the training catalogue.
  // A fresh person (fresh INSZ; e-mail "<given>-<insz>@school.example" unless given).
  absl::StatusOr<Person> ImportPerson(const std::string& given_name,
                                      const std::string& family_name = "Test",
                                      const std::string& email = "");
  // A fresh person whose e-mail address the import does not give (`email` stays empty).
  absl::StatusOr<Person> ImportPersonWithoutAddress(const std::string& given_name);
  // An enterprise (a fresh KBO number unless given) with these legal representatives (by INSZ).
  absl::StatusOr<std::string> ImportOrganization(const std::string& display_name,
                                                 const std::vector<std::string>& representatives,
                                                 const std::string& kbo_number = "");
  // A contact-hours classroom training of `org`, recognised since 2020: CREATED, UPDATED or
  // UNCHANGED (an import that FAILED is an error).
  absl::StatusOr<wse::registration::v1::ImportOutcome> ImportTraining(
      const std::string& odb, const std::string& org,
      const std::string& title = "Boekhouden (betrouwbaarheid)");

  // --- Logging in with a digital key and choosing where to act.
  // An ID token of the development identity provider, as the login hands the front end.
  absl::StatusOr<std::string> IdToken(const Person& person) const;
  // ExchangeIdToken: the session in the personal context.
  absl::StatusOr<wse::identity::v1::ExchangeIdTokenResponse> Login(const Person& person,
                                                                   const Call& call = {});
  // SelectActingContext: a token acting for `organization`.
  absl::StatusOr<std::string> Select(const std::string& personal_token,
                                     const std::string& organization);
  absl::StatusOr<std::string> LoginFor(const Person& person, const std::string& organization);

  // --- Gebruikersbeheer, as the local administrator (or the operator).
  absl::StatusOr<wse::rights::v1::WorkRelation> AddWorkRelation(const std::string& token,
                                                                const std::string& org,
                                                                const Person& person);
  absl::StatusOr<wse::rights::v1::Grant> Grant(const std::string& token, const std::string& org,
                                               const Person& person);
  absl::Status Revoke(const std::string& token, const wse::rights::v1::Grant& grant);
  // Every active grant of `person` in `org`.
  absl::Status RevokeGrants(const std::string& token, const std::string& org, const Person& person);
  absl::StatusOr<wse::rights::v1::AccessRequest> RequestRight(const std::string& token,
                                                              const std::string& org);
  // The approved request and the grant it created.
  absl::StatusOr<wse::rights::v1::ApproveAccessRequestResponse> Approve(
      const std::string& token, const wse::rights::v1::AccessRequest& r);
  absl::StatusOr<wse::rights::v1::AccessRequest> Reject(const std::string& token,
                                                        const wse::rights::v1::AccessRequest& r,
                                                        const std::string& reason);
  absl::StatusOr<bool> CheckPermission(const std::string& token, const std::string& person,
                                       const std::string& org, const Call& call = {});

  // A school with `members` members who hold the registration right when `grant` is set, every
  // one logged in for the school.
  absl::StatusOr<School> NewSchool(const std::string& label, int members, bool grant);
  // One more member; answers their index in school.users / school.tokens.
  absl::StatusOr<size_t> AddMember(School& school, const std::string& given_name, bool grant);

  // --- Registering attendance.
  absl::StatusOr<wse::registration::v1::ApplicationScreen> Screen(const std::string& token);
  // A draft of trainings/{odb} for `school_year` (the current one when empty); a fresh
  // request_id when none is given.
  absl::StatusOr<wse::registration::v1::Draft> CreateDraft(const std::string& token,
                                                           const std::string& org,
                                                           const std::string& odb,
                                                           const std::string& school_year = "",
                                                           const std::string& request_id = "");
  absl::StatusOr<wse::registration::v1::AddParticipantResponse> AddParticipant(
      const std::string& token, const std::string& draft, const std::string& etag,
      const wse::registration::v1::Participant& participant);
  // CreateDraft and `participants` valid participants added one by one, as a front end does.
  absl::StatusOr<PreparedDraft> PrepareDraft(const std::string& token, const std::string& org,
                                             const std::string& odb, int participants,
                                             const std::string& school_year = "");
  absl::StatusOr<wse::registration::v1::Draft> GetDraft(const std::string& token,
                                                        const std::string& name);
  absl::StatusOr<wse::registration::v1::UpdateParticipantResponse> UpdateHoursPresent(
      const std::string& token, const std::string& participant, const std::string& etag,
      double hours_present);
  // A participant file (UploadParticipants, merged into the draft), in messages of 500 rows.
  absl::StatusOr<wse::registration::v1::UploadParticipantsResponse> Upload(
      const std::string& token, const std::string& draft, const std::string& etag,
      const std::vector<wse::registration::v1::ParticipantRow>& rows);
  absl::StatusOr<wse::registration::v1::ValidateDraftResponse> Validate(const std::string& token,
                                                                        const std::string& draft);
  // 'Bevestigen'.
  absl::StatusOr<wse::registration::v1::ConfirmDraftResponse> Confirm(const std::string& token,
                                                                      const PreparedDraft& draft,
                                                                      const Call& call = {});

  // --- Many at once (the load generator's preparation): batch imports of 500, grants and logins
  // on `threads` threads. Each person is their organisation's legal representative and holds a
  // grant; with `work_relation` also a work relation (as an employee who registers has).
  absl::StatusOr<std::vector<Tenant>> NewTenants(int count, bool login, int threads = 8,
                                                 bool work_relation = false);
  absl::Status LoginTenant(Tenant& tenant);

 private:
  // Deadline, bearer token and x-request-id of one call.
  void Prepare(grpc::ClientContext* context, const std::string& token, const Call& call = {}) const;
  absl::Status ImportTenants(std::vector<Tenant>& tenants, size_t from, size_t to);

  Services services_;
  absl::Duration deadline_;
  mutable absl::Mutex key_mu_;
  mutable std::string idp_kid_ ABSL_GUARDED_BY(key_mu_), idp_pem_ ABSL_GUARDED_BY(key_mu_);
  std::unique_ptr<wse::identity::v1::IdentityService::Stub> identity_;
  std::unique_ptr<wse::rights::v1::RightsService::Stub> rights_;
  std::unique_ptr<wse::registration::v1::RegistrationService::Stub> registration_;
};

}  // namespace wse::flow
