#pragma once
// Looking up a recipient person's e-mail address and language at send time (identity-svc owns
// them; a person may change their address between the event and the mail).

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"

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

// identity-svc's GetPerson, called with notify-svc's own service token.
class GrpcPersonDirectory : public PersonDirectory {
 public:
  GrpcPersonDirectory(std::shared_ptr<grpc::Channel> channel, std::string service_token,
                      absl::Duration deadline = absl::Seconds(3));
  ~GrpcPersonDirectory() override;
  absl::StatusOr<PersonContact> Lookup(const std::string& person) override;

 private:
  struct Stub;
  std::unique_ptr<Stub> stub_;
  const std::string token_;
  const absl::Duration deadline_;
};

}  // namespace wse::notify
