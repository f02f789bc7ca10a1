#pragma once
// identity-svc as its callers see it: persons and organisations from the directory. One interface
// for every consumer (rights-svc, registration-svc, notify-svc), free of gRPC so domain code can
// hold it; GrpcIdentityClient (grpc_identity_client.h) is the real one, FakeIdentityClient
// (fake_identity_client.h) the one unit tests use.
//
// Errors: NOT_FOUND (no such person or organisation) and INVALID_ARGUMENT pass through; a caller's
// deadline that ran out is DEADLINE_EXCEEDED; anything else means identity-svc cannot answer now
// and is UNAVAILABLE, which callers may retry.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/request_context.h"

namespace wse::identity {

struct PersonInfo {
  std::string id;
  std::string display_name;
  std::string email_address;  // May be empty.
  std::string masked_insz;
  std::string preferred_locale = "nl";
};

struct OrganizationInfo {
  std::string id;
  std::string display_name;
  std::vector<std::string> legal_representative_ids;  // Persons known to the directory.
};

class IdentityClient {
 public:
  virtual ~IdentityClient() = default;

  // May answer from a cache of recent answers (names and addresses change rarely; the real
  // client's person_ttl bounds how stale).
  virtual absl::StatusOr<PersonInfo> GetPerson(const std::string& person_id,
                                               const RequestContext& call) = 0;
  // Always asked (and kept for later GetPerson calls): whether a person can be mailed decides
  // whether their access request is accepted, and they may have confirmed an address a moment
  // ago.
  virtual absl::StatusOr<PersonInfo> GetPersonNow(const std::string& person_id,
                                                  const RequestContext& call) = 0;
  // Always asked: an INSZ lookup decides who a new work relation is for.
  virtual absl::StatusOr<PersonInfo> FindPersonByInsz(const std::string& insz,
                                                      const RequestContext& call) = 0;
  // Always asked: the legal representatives decide who may administer the organisation.
  virtual absl::StatusOr<OrganizationInfo> GetOrganization(const std::string& organization_id,
                                                           const RequestContext& call) = 0;
  // The display name alone (receipts, lists); may come from the same cache as persons.
  virtual absl::StatusOr<std::string> OrganizationName(const std::string& organization_id,
                                                       const RequestContext& call) = 0;
};

}  // namespace wse::identity
