#include "identity-svc/domain/remembered_records.h"

namespace wse::identity {

absl::StatusOr<SessionRecord> RememberingSessionRepository::Find(const std::string& id) {
  const std::string name = SessionRecordName(id);
  if (std::optional<SessionRecord> known = remembered_.Find(name)) {
    lookups_.Hit();
    return *std::move(known);
  }
  lookups_.Miss();
  // Taken before the read: an invalidation meanwhile keeps a possibly older row out.
  const uint64_t generation = remembered_.generation();
  absl::StatusOr<SessionRecord> session = stored_.Find(id);
  if (session.ok()) remembered_.Store(name, *session, generation);
  return session;
}

absl::StatusOr<PersonRecord> RememberingDirectoryRepository::FindPersonById(const std::string& id) {
  const std::string name = PersonRecordName(id);
  if (std::optional<PersonRecord> known = remembered_.Find(name)) {
    lookups_.Hit();
    return *std::move(known);
  }
  lookups_.Miss();
  const uint64_t generation = remembered_.generation();
  absl::StatusOr<PersonRecord> person = stored_.FindPersonById(id);
  if (person.ok()) remembered_.Store(name, *person, generation);
  return person;
}

}  // namespace wse::identity
