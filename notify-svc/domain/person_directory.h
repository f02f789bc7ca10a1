#pragma once
// Looking up a recipient person's e-mail address and language at send time (identity-svc owns
// them; a person may change their address between the event and the mail).

#include <string>

#include "absl/status/statusor.h"

namespace wse::notify {

struct PersonContact {
  std::string email_address;  // Empty when the person has none.
  std::string preferred_locale;
  std::string display_name;
};

class PersonDirectory {
 public:
  virtual ~PersonDirectory() = default;
  // `person` is `persons/{id}`. NOT_FOUND for an unknown person; UNAVAILABLE etc. when the
  // directory cannot answer now.
  virtual absl::StatusOr<PersonContact> Lookup(const std::string& person) = 0;
};

}  // namespace wse::notify
