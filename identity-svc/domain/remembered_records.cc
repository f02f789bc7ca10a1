#include "identity-svc/domain/remembered_records.h"

namespace wse::identity {

absl::StatusOr<SessionRecord> RememberingSessionRepository::Find(const std::string& id) {
  bool hit = false;
  absl::StatusOr<SessionRecord> session = remembered_.FindOrRead(
      SessionRecordName(id), [&] { return stored_.Find(id); }, &hit);
  lookups_.Count(hit);
  return session;
}

absl::StatusOr<PersonRecord> RememberingDirectoryRepository::FindPersonById(const std::string& id) {
  bool hit = false;
  absl::StatusOr<PersonRecord> person = remembered_.FindOrRead(
      PersonRecordName(id), [&] { return stored_.FindPersonById(id); }, &hit);
  lookups_.Count(hit);
  return person;
}

}  // namespace wse::identity
