#pragma once
// What wse-load needs from the running stack (the STACK_* variables of deploy/local/lib.sh) and
// the operator's preparation of fresh data: unique identifiers, persons, organisations, grants,
// trainings, logins and drafts.

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "wse/registration/v1/participant.pb.h"

namespace wse::bench {

struct StackConfig {
  std::string identity, rights, registration, notify, gateway;  // host:port ("" when unknown)
  std::string run_dir, db_socket, mail_dir;

  static StackConfig FromEnv();
  absl::Status Require() const;  // Every address and folder known.
  std::string OperatorToken() const;
};

// A channel of its own (its own connection), for preparation calls.
std::shared_ptr<grpc::Channel> NewChannel(const std::string& address);
void Bearer(grpc::ClientContext* context, const std::string& token, int timeout_seconds = 60);

// Unique within this process (and random across processes): valid INSZ (born 1950-1999), KBO
// numbers, ODB numbers and request ids.
std::string NextInsz();
std::string NextKbo();
std::string NextOdb();
std::string NewRequestId();
std::string CurrentSchoolYear();  // "2026-2027" (1 September - 31 August, UTC).

// A participant present `present` of `to_follow` contact hours; took part in the assessment.
wse::registration::v1::Participant Attending(const std::string& insz, double present,
                                             double to_follow);

// A fresh person who is the legal representative of a fresh organisation, holds the right
// DWSE_ORGANISATIEVERANTWOORDELIJKE (opleidingsverlof) there, and whose organisation offers a
// fresh training (contact hours, classroom).
struct Tenant {
  std::string insz, given_name, family_name, email;
  std::string person;    // persons/{id}
  std::string org;       // organizations/{id}
  std::string training;  // trainings/{odb}
  std::string personal_token, org_token;  // After Login (when asked for).
};

// Runs fn(0..n-1) on `threads` threads; the first error wins.
absl::Status ParallelFor(int n, int threads, const std::function<absl::Status(int)>& fn);

absl::StatusOr<std::vector<Tenant>> PrepareTenants(const StackConfig& stack, int count,
                                                   bool login);

// A development IdP ID token for the tenant (as the digital-key login hands the front end).
absl::StatusOr<std::string> MintIdToken(const StackConfig& stack, const Tenant& tenant);

// ExchangeIdToken + SelectActingContext(org) against identity-svc; fills the two tokens.
absl::Status Login(const StackConfig& stack, Tenant& tenant);

// A draft of the tenant for its training with `participants` fresh participants, added one by
// one (AddParticipant) as a front end does. Returns {draft name, etag}.
absl::StatusOr<std::pair<std::string, std::string>> PrepareDraft(const StackConfig& stack,
                                                                 const Tenant& tenant,
                                                                 int participants);

}  // namespace wse::bench
