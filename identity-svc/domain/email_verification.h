#pragma once
// A person gives the WSE-loket their own e-mail address (the identity provider had none) and
// proves they read it: a six-digit code is mailed to it (through the outbox, in the transaction
// that stores the code's hash) and typed back. Only then does it become the address approval and
// receipt mails go to (source VERIFIED, email_address.h).
//
// Limits, because each code is a mail to an address anyone may type: a code holds 15 minutes
// and 5 wrong tries void it; at most 5 codes per person per hour (RESOURCE_EXHAUSTED). A new code
// replaces the person's earlier one.

#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/outbox_message.h"
#include "identity-svc/domain/model.h"

namespace wse::identity {

struct EmailVerification {
  std::string person_id;
  std::string email_address;
  std::string code_hash;  // Empty once used or voided.
  absl::Time expire_time;
  int failed_attempts = 0;
  absl::Time window_start;  // Start of the hour the codes are counted in.
  int codes_in_window = 0;
};

struct EmailVerificationPolicy {
  absl::Duration code_ttl = absl::Minutes(15);
  int max_failed_attempts = 5;
  int max_codes_per_window = 5;
  absl::Duration window = absl::Hours(1);
};

// What a verification attempt leaves behind, decided under the person's lock.
struct VerificationStep {
  EmailVerification next;  // Stored in place of the one read.
  bool verified = false;   // The address becomes the person's (VERIFIED).
  AuditEntry audit;        // Written with it.
  absl::Status answer;     // Returned to the caller after the commit (a wrong code is an error).
};

// identity-svc's storage of verifications (the only SQL is in storage/).
class EmailVerificationStore {
 public:
  using Decide =
      std::function<absl::StatusOr<EmailVerification>(const std::optional<EmailVerification>&)>;
  using Judge =
      std::function<absl::StatusOr<VerificationStep>(const std::optional<EmailVerification>&)>;

  virtual ~EmailVerificationStore() = default;
  // In one transaction, under a lock on the person's verification: `decide` sees the stored one
  // and returns the new one (an error writes nothing), which is stored with `mail` in the outbox
  // and `audit`.
  virtual absl::Status Start(const std::string& person_id, const Decide& decide,
                             const OutboxMessage& mail, const AuditEntry& audit) = 0;
  // In one transaction, under the same lock: `judge` decides; its `next` and audit are stored, and
  // when verified the person's address is set (announced to the replicas like any person
  // change). Returns the person as stored, or the step's `answer` when it is an error.
  virtual absl::StatusOr<PersonRecord> Verify(const std::string& person_id, const Judge& judge) = 0;
};

// Who asks: the person of a live session (SessionManager::Current).
struct VerifyingPerson {
  PersonRecord person;
  SessionRecord session;
};

class EmailVerifier {
 public:
  EmailVerifier(EmailVerificationStore& store, EmailVerificationPolicy policy = {},
                std::function<absl::Time()> clock = absl::Now,
                std::function<std::string()> new_code = nullptr);

  // Mails a code to `email_address` (checked: INVALID_ARGUMENT on field `email_address`).
  absl::StatusOr<EmailVerification> Start(const VerifyingPerson& who,
                                          const std::string& email_address);
  // The person's address once `code` matches (INVALID_ARGUMENT on field `code` when it does not,
  // FAILED_PRECONDITION when there is no live code to match).
  absl::StatusOr<PersonRecord> Verify(const VerifyingPerson& who, const std::string& code);

 private:
  EmailVerificationStore& store_;
  EmailVerificationPolicy policy_;
  std::function<absl::Time()> clock_;
  std::function<std::string()> new_code_;
};

// Six random decimal digits.
std::string NewVerificationCode();

}  // namespace wse::identity
