#include "identity-svc/domain/email_verification.h"

#include <cstdint>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "common/random_token.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "identity-svc/domain/email_address.h"
#include "identity-svc/domain/session_manager.h"
#include "notify-svc/client/notify_client.h"
#include "openssl/crypto.h"
#include "wse/notify/v1/notify_service.pb.h"

namespace wse::identity {
namespace {

// The hash stored for a code: bound to the person, so one person's row says nothing about
// another's code.
std::string CodeHash(const std::string& person_id, const std::string& code) {
  return HashToken(person_id + ":" + code);
}

// Compares without stopping at the first difference (OpenSSL's, as operator tokens are).
bool SameHash(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

AuditEntry Audit(const VerifyingPerson& who, const std::string& action,
                 const std::string& details) {
  const std::string person = "persons/" + who.person.id;
  return {person, who.session.id, who.session.key_type, action, person, details};
}

// "j***@example.be": enough for the audit trail to tell addresses apart, not to harvest them.
std::string MaskedAddress(const std::string& address) {
  const auto at = address.find('@');
  if (at == std::string::npos || at == 0) return "***";
  return address.substr(0, 1) + "***" + address.substr(at);
}

// "14:05" in Belgian time, for the Dutch messages.
std::string BelgianClock(absl::Time time) {
  static const absl::TimeZone brussels = [] {
    absl::TimeZone zone;
    return absl::LoadTimeZone("Europe/Brussels", &zone) ? zone : absl::FixedTimeZone(3600);
  }();
  return absl::FormatTime("%H:%M", time, brussels);
}

absl::Status NoLiveCode() {
  return ErrorBuilder(absl::StatusCode::kFailedPrecondition,
                      "no e-mail verification code is waiting; ask for a new one")
      .Reason("EMAIL_VERIFICATION_NOT_STARTED")
      .Dutch("Er wacht geen bevestigingscode meer. Vraag een nieuwe code aan.");
}

OutboxMessage CodeMail(const VerifyingPerson& who, const std::string& address,
                       const std::string& code, absl::Duration ttl) {
  notify::v1::SendMailRequest mail;
  mail.set_template_id("email-verification");
  // No address or code in the source event: notify-svc logs it.
  mail.set_source_event("identity/persons/" + who.person.id + "/emailVerification");
  // Nobody has shown yet that the address is theirs: the mail names nobody (whoever owns it
  // learns only that someone typed it), so no display name and no person_name.
  auto* recipient = mail.add_recipients();
  recipient->set_email_address(address);
  mail.set_locale(who.person.preferred_locale);
  auto& params = *mail.mutable_parameters();
  params["code"] = code;
  params["valid_minutes"] = absl::StrCat(absl::ToInt64Minutes(ttl));
  return notify::MailOutboxMessage(mail);
}

}  // namespace

std::string NewVerificationCode() {
  uint32_t value = 0;
  // 8 hex digits = 32 random bits; the modulo's bias (< 1e-3) does not help a guesser with 5 tries.
  (void)absl::SimpleHexAtoi(RandomHexToken(4), &value);
  return absl::StrFormat("%06u", value % 1000000u);
}

EmailVerifier::EmailVerifier(EmailVerificationStore& store, EmailVerificationPolicy policy,
                             std::function<absl::Time()> clock,
                             std::function<std::string()> new_code)
    : store_(store),
      policy_(policy),
      clock_(std::move(clock)),
      new_code_(new_code ? std::move(new_code)
                         : std::function<std::string()>(NewVerificationCode)) {}

absl::StatusOr<EmailVerification> EmailVerifier::Start(const VerifyingPerson& who,
                                                       const std::string& email_address) {
  if (email_address.empty()) return InvalidArgument({{"email_address", "is required"}});
  if (!IsPlausibleEmail(email_address)) {
    return ErrorBuilder(absl::StatusCode::kInvalidArgument, "email_address is not valid")
        .Violation("email_address", "is not a valid e-mail address")
        .Reason("INVALID_EMAIL_ADDRESS")
        .Dutch("Het e-mailadres is ongeldig.");
  }
  const absl::Time now = clock_();
  const std::string code = new_code_();
  EmailVerification stored;
  auto decide =
      [&](const std::optional<EmailVerification>& before) -> absl::StatusOr<EmailVerification> {
    EmailVerification next;
    next.person_id = who.person.id;
    next.email_address = email_address;
    next.code_hash = CodeHash(who.person.id, code);
    next.expire_time = now + policy_.code_ttl;
    next.window_start = now;
    next.codes_in_window = 1;
    if (before.has_value() && now < before->window_start + policy_.window) {
      if (before->codes_in_window >= policy_.max_codes_per_window) {
        return ErrorBuilder(absl::StatusCode::kResourceExhausted,
                            "too many e-mail verification codes asked for; try again later")
            .Reason("EMAIL_VERIFICATION_CODES_EXHAUSTED",
                    {{"retry_after",
                      absl::FormatTime(absl::RFC3339_sec, before->window_start + policy_.window,
                                       absl::UTCTimeZone())}})
            .Dutch("U heeft te veel bevestigingscodes aangevraagd. Probeer het om " +
                   BelgianClock(before->window_start + policy_.window) + " opnieuw.");
      }
      next.window_start = before->window_start;
      next.codes_in_window = before->codes_in_window + 1;
    }
    stored = next;
    return next;
  };
  RETURN_IF_ERROR(
      store_.Start(who.person.id, decide, CodeMail(who, email_address, code, policy_.code_ttl),
                   Audit(who, "EMAIL_VERIFICATION_STARTED", MaskedAddress(email_address))));
  return stored;
}

absl::StatusOr<PersonRecord> EmailVerifier::Verify(const VerifyingPerson& who,
                                                   const std::string& typed) {
  // "123 456" as some mail readers show it is the same code.
  const std::string code = absl::StrReplaceAll(typed, {{" ", ""}});
  if (code.size() != 6 || code.find_first_not_of("0123456789") != std::string::npos) {
    return ErrorBuilder(absl::StatusCode::kInvalidArgument, "code must be six digits")
        .Violation("code", "must be the six digits of the mail")
        .Reason("INVALID_VERIFICATION_CODE")
        .Dutch("Geef de zes cijfers van de code uit de mail.");
  }
  const absl::Time now = clock_();
  auto judge =
      [&](const std::optional<EmailVerification>& before) -> absl::StatusOr<VerificationStep> {
    if (!before.has_value() || before->code_hash.empty()) return NoLiveCode();
    VerificationStep step;
    step.next = *before;
    if (before->expire_time <= now) {
      return ErrorBuilder(absl::StatusCode::kFailedPrecondition,
                          "the e-mail verification code expired; ask for a new one")
          .Reason("EMAIL_VERIFICATION_EXPIRED")
          .Dutch("De bevestigingscode is verlopen. Vraag een nieuwe code aan.");
    }
    if (SameHash(before->code_hash, CodeHash(who.person.id, code))) {
      step.next.code_hash.clear();
      step.verified = true;
      step.audit = Audit(who, "EMAIL_ADDRESS_VERIFIED", MaskedAddress(before->email_address));
      return step;
    }
    step.next.failed_attempts = before->failed_attempts + 1;
    const int left = policy_.max_failed_attempts - step.next.failed_attempts;
    step.audit = Audit(who, "EMAIL_VERIFICATION_FAILED", absl::StrCat(left, " tries left"));
    if (left <= 0) {
      step.next.code_hash.clear();  // Voided: guessing goes no further.
      step.answer = ErrorBuilder(absl::StatusCode::kFailedPrecondition,
                                 "the code was wrong too often; ask for a new one")
                        .Reason("EMAIL_VERIFICATION_ATTEMPTS_EXHAUSTED")
                        .Dutch("De code was te vaak fout. Vraag een nieuwe code aan.");
    } else {
      step.answer =
          ErrorBuilder(absl::StatusCode::kInvalidArgument, "the code does not match")
              .Violation("code", "is not the code that was mailed")
              .Reason("VERIFICATION_CODE_MISMATCH", {{"attempts_left", absl::StrCat(left)}})
              .Dutch("Deze code klopt niet. Controleer de code in de mail.");
    }
    return step;
  };
  return store_.Verify(who.person.id, judge);
}

}  // namespace wse::identity
