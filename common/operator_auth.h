#pragma once
// Who may call a service besides the persons with access tokens: the operators (department
// staff running imports and repairs with grpcurl) with a long random bearer token kept in a
// secret file, compared in constant time and accepted only on internal listeners (the public
// gateway refuses any bearer that is not an access token); and the other services, each with
// a token of its own and an allow-list of the methods it may call here (service_identity.h).

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/request_context.h"
#include "common/service_identity.h"

namespace wse {

class OperatorAuthenticator {
 public:
  // Checks a bearer token that is not the operator's (a person's access token); returns its
  // failure (UNAUTHENTICATED) or OK when it is a valid token of someone else.
  using CallerCheck = std::function<absl::Status(const RequestContext&)>;

  // `token_hash`: SHA-256 hex of the operators' token (ServiceTokenHash), so that a service
  // never holds the token itself; empty disables operator access altogether. Without
  // `check_caller`, any bearer that is not the operator's counts as an authenticated
  // non-operator. `services` (may be null: none) names the calling services; `allowed` says
  // which methods of this gRPC service each may call.
  explicit OperatorAuthenticator(std::string token_hash, CallerCheck check_caller = nullptr,
                                 std::shared_ptr<const ServiceIdentities> services = nullptr,
                                 ServiceAllowList allowed = {})
      : token_hash_(std::move(token_hash)),
        check_caller_(std::move(check_caller)),
        services_(std::move(services)),
        allowed_(std::move(allowed)) {}

  // The human operators' token.
  bool IsOperator(const RequestContext& call) const;
  // The calling service, when the bearer is a service's token and `call.method` is on its
  // allow-list here.
  std::optional<std::string> AllowedService(const RequestContext& call) const;
  // An operator, or a service allowed this method: the callers trusted with every record.
  bool IsTrusted(const RequestContext& call) const;
  // PERMISSION_DENIED (reason SERVICE_NOT_ALLOWED) when the bearer is a service's token that
  // may not call this method; OK otherwise (also for no token or a person's token).
  absl::Status RefuseOtherServices(const RequestContext& call) const;
  // IsTrusted and RefuseOtherServices from one look at the token (one hash, not two), for
  // services that also take persons' tokens: true for a trusted caller, false for anyone whose
  // token is to be verified as a person's next, and RefuseOtherServices' error otherwise.
  absl::StatusOr<bool> TrustedOrPerson(const RequestContext& call) const;
  // OK for a trusted caller. Otherwise, as everywhere in the suite, who you are comes before
  // what you may do: no or a bad token is UNAUTHENTICATED, a service outside its allow-list or
  // a valid token of someone else is PERMISSION_DENIED (SERVICE_NOT_ALLOWED, OPERATOR_ONLY).
  absl::Status RequireTrusted(const RequestContext& call) const;

 private:
  // What the call's bearer token is, from one SHA-256 of it.
  struct Presented {
    bool operator_token = false;
    std::optional<std::string> service;  // The service whose token it is.
    bool allowed = false;                // That service may call `call.method` here.
  };
  Presented Classify(const RequestContext& call) const;
  static absl::Status Refusal(const Presented& presented, const RequestContext& call);

  std::string token_hash_;
  CallerCheck check_caller_;
  std::shared_ptr<const ServiceIdentities> services_;
  ServiceAllowList allowed_;
};

}  // namespace wse
