#pragma once
// An in-memory IdentityClient for unit tests: persons and organisations in maps, an optional
// failure every call answers with (identity-svc down), and a count of calls.

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "identity-svc/client/identity_client.h"

namespace wse::identity {

class FakeIdentityClient final : public IdentityClient {
 public:
  std::map<std::string, PersonInfo> persons;              // By person id.
  std::map<std::string, std::string> person_ids_by_insz;  // For FindPersonByInsz.
  std::map<std::string, OrganizationInfo> organizations;  // By organisation id.
  // Answers for ids not in the maps (nullopt: NOT_FOUND).
  std::function<std::optional<PersonInfo>(const std::string&)> any_person;
  std::function<std::optional<OrganizationInfo>(const std::string&)> any_organization;
  absl::Status failure;  // When not OK, every call answers it.
  int calls = 0;

  absl::StatusOr<PersonInfo> GetPerson(const std::string& person_id,
                                       const RequestContext&) override {
    ++calls;
    if (!failure.ok()) return failure;
    if (auto it = persons.find(person_id); it != persons.end()) return it->second;
    if (any_person) {
      if (auto person = any_person(person_id)) return *person;
    }
    return absl::NotFoundError("person not found");
  }

  absl::StatusOr<PersonInfo> GetPersonNow(const std::string& person_id,
                                          const RequestContext& call) override {
    return GetPerson(person_id, call);
  }

  absl::StatusOr<PersonInfo> FindPersonByInsz(const std::string& insz,
                                              const RequestContext& call) override {
    if (!failure.ok()) return failure;
    auto it = person_ids_by_insz.find(insz);
    if (it == person_ids_by_insz.end()) {
      ++calls;
      return absl::NotFoundError("person not found");
    }
    return GetPerson(it->second, call);
  }

  absl::StatusOr<OrganizationInfo> GetOrganization(const std::string& organization_id,
                                                   const RequestContext&) override {
    ++calls;
    if (!failure.ok()) return failure;
    if (auto it = organizations.find(organization_id); it != organizations.end()) {
      return it->second;
    }
    if (any_organization) {
      if (auto organization = any_organization(organization_id)) return *organization;
    }
    return absl::NotFoundError("organization not found");
  }

  absl::StatusOr<std::string> OrganizationName(const std::string& organization_id,
                                               const RequestContext& call) override {
    auto organization = GetOrganization(organization_id, call);
    if (!organization.ok()) return organization.status();
    return organization->display_name;
  }
};

}  // namespace wse::identity
