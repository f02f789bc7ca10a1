#include "notify-svc/domain/delivery.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/monotonic_clock.h"
#include "common/request_context.h"
#include "common/status_macros.h"
#include "common/trace_context.h"

namespace wse::notify {
namespace {

AttemptResult Failed(MessageState state, DeliveryOutcome outcome, std::string error) {
  AttemptResult result;
  result.new_state = state;
  result.attempt.outcome = outcome;
  result.attempt.error = error;
  result.last_error = std::move(error);
  return result;
}

std::string DomainOf(const std::string& email) {
  const size_t at = email.rfind('@');
  return at == std::string::npos ? "wse-loket.vlaanderen.be" : email.substr(at + 1);
}

}  // namespace

DeliveryWorkers::DeliveryWorkers(MessageRepository& messages, const TemplateCatalog& templates,
                                 MailSender& sender, identity::IdentityClient& persons,
                                 DeliveryOptions options)
    : messages_(messages),
      templates_(templates),
      sender_(sender),
      persons_(persons),
      options_(std::move(options)) {}

DeliveryWorkers::~DeliveryWorkers() { Stop(); }

void DeliveryWorkers::Start() {
  for (int i = 0; i < options_.workers; ++i) {
    auto worker = std::make_unique<Worker>();
    Worker* w = worker.get();
    w->task = std::make_unique<PeriodicTask>(
        [this, w] { return w->more ? absl::ZeroDuration() : options_.poll_interval; },
        [this, w] { Pass(*w); });
    workers_.push_back(std::move(worker));
  }
  // Messages queued before a restart go out at once, not after the first poll interval.
  for (auto& w : workers_) {
    w->task->Start();
    w->task->Wake();
  }
}

void DeliveryWorkers::Stop() {
  for (auto& w : workers_) w->task->Stop();
  workers_.clear();
}

namespace {

// wse_mail_deliveries_total{result}: delivery attempts as recorded: sent, retry (a transient
// failure, tried again later) or dead (given up; an operator may requeue it).
void CountDelivery(MessageState state) {
  static auto* deliveries = new CountersByLabel(
      "wse_mail_deliveries_total", "Mail delivery attempts by result: sent, retry, dead.", "result",
      {"sent", "retry", "dead"});
  (*deliveries)[state == MessageState::kSent   ? "sent"
                : state == MessageState::kDead ? "dead"
                                               : "retry"]
      .Increment();
}

}  // namespace

void DeliveryWorkers::Poke() {
  if (workers_.empty()) return;
  for (auto& w : workers_) {
    if (!w->busy.load()) {
      w->task->Wake();
      return;
    }
  }
  // All busy: a wake is kept, so the chosen one runs another pass when it is done.
  workers_[next_poke_.fetch_add(1) % workers_.size()]->task->Wake();
}

void DeliveryWorkers::Pass(Worker& worker) {
  worker.busy = true;
  auto claimed = RunOnce();
  if (!claimed.ok()) {
    LogWarn("delivery pass failed", {{"error", claimed.status().message()}});
  }
  // A full batch means more may be due: go again at once.
  worker.more = claimed.ok() && *claimed >= options_.batch_size;
  worker.busy = false;
}

absl::StatusOr<int> DeliveryWorkers::RunOnce() {
  // Taken before the claim's statement: the claims last at least one lease from here (measured
  // on this process's monotonic clock: only clock rates matter, not two clocks agreeing).
  const absl::Time claimed_at = MonotonicNow();
  ASSIGN_OR_RETURN(auto claimed, messages_.ClaimDue(options_.batch_size, options_.lease));
  PersonLookups persons;
  for (const MessageRecord& message : claimed) {
    // The attempt's log lines and calls (GetPerson) carry the trace of the call that queued it.
    const ScopedTrace traced(TraceContext::Continue(message.traceparent), NewRequestId());
    const std::optional<AttemptResult> attempted = Attempt(message, persons, claimed_at);
    if (!attempted) continue;  // The claim was lost before the send: nothing sent or recorded.
    const AttemptResult& result = *attempted;
    absl::Status recorded = messages_.Finish(message.id, message.attempt_count, result);
    if (recorded.ok()) CountDelivery(result.new_state);
    if (!recorded.ok()) {
      // Stays SENDING: retried when the lease expires.
      LogWarn("recording a delivery failed",
              {{"message_id", absl::StrCat(message.id)}, {"error", recorded.message()}});
    } else if (result.new_state == MessageState::kSent) {
      // No source_event: it is the caller's text and might hold personal data.
      LogInfo("mail sent", {{"message_id", absl::StrCat(message.id)},
                            {"attempt", absl::StrCat(message.attempt_count)}});
    } else {
      LogWarn("delivery failed", {{"message_id", absl::StrCat(message.id)},
                                  {"attempt", absl::StrCat(message.attempt_count)},
                                  {"state", absl::StrCat(static_cast<int>(result.new_state))},
                                  {"error", result.last_error}});
    }
  }
  return static_cast<int>(claimed.size());
}

AttemptResult DeliveryWorkers::Transient(const MessageRecord& message, std::string error,
                                         int smtp_code) const {
  const int budget_used = message.attempt_count - message.budget_start;
  const bool exhausted = budget_used >= options_.max_attempts;
  AttemptResult r = Failed(exhausted ? MessageState::kDead : MessageState::kQueued,
                           DeliveryOutcome::kTransientFailure, std::move(error));
  r.attempt.smtp_code = smtp_code;
  if (!exhausted) r.retry_after = BackoffDelay(options_.backoff, budget_used, UnitRandom());
  return r;
}

std::optional<AttemptResult> DeliveryWorkers::ResolveRecipients(
    const MessageRecord& message, std::vector<RecipientRecord>& recipients,
    std::string& person_locale, PersonLookups& persons) {
  for (RecipientRecord& r : recipients) {
    if (!r.is_person) {
      r.resolved_email = r.address;
      continue;
    }
    const std::string person_id(absl::StripPrefix(r.address, "persons/"));
    absl::StatusOr<identity::PersonInfo> contact;
    if (auto known = persons.find(person_id); known != persons.end()) {
      contact = known->second;
    } else {
      contact = persons_.GetPerson(person_id, BackgroundContext("DeliverMail"));
      if (contact.ok()) persons.emplace(person_id, *contact);
    }
    if (absl::IsNotFound(contact.status())) {
      return Failed(MessageState::kFailed, DeliveryOutcome::kPermanentFailure,
                    absl::StrCat("recipient ", r.address, " not found"));
    }
    if (!contact.ok()) {
      return Transient(
          message, absl::StrCat("person directory unavailable: ", contact.status().message()), 0);
    }
    if (!IsValidEmailAddress(contact->email_address)) {
      return Failed(MessageState::kFailed, DeliveryOutcome::kPermanentFailure,
                    absl::StrCat("recipient ", r.address, " has no usable e-mail address"));
    }
    r.resolved_email = contact->email_address;
    if (r.display_name.empty()) r.display_name = contact->display_name;
    if (person_locale.empty()) person_locale = contact->preferred_locale;
  }
  return std::nullopt;
}

std::string DeliveryWorkers::Mime(const MessageRecord& message,
                                  const std::vector<RecipientRecord>& recipients,
                                  const RenderedMail& mail, absl::Time date) const {
  MimeMail mime;
  mime.from = options_.from;
  for (const RecipientRecord& r : recipients) mime.to.push_back({r.resolved_email, r.display_name});
  mime.subject = mail.subject;
  mime.text_body = mail.text_body;
  mime.html_body = mail.html_body;
  mime.date = date;
  // Stable per message, so a resend after a crash is recognisable.
  mime.message_id =
      absl::StrCat("wse-notify.", message.id, ".", message.content_sha256.substr(0, 16), "@",
                   DomainOf(options_.from.email));
  const std::string boundary = absl::StrCat("=_wse_", message.id, "_", message.attempt_count);
  return BuildMimeMessage(mime, boundary);
}

bool DeliveryWorkers::HoldsClaimForOneSend(const MessageRecord& message, absl::Time claimed_at) {
  // The pass may outlive the lease (a slow directory or relay): once one more SMTP transaction
  // and its outcome's write (--smtp_timeout + outcome_margin) might outlast the claim, renew
  // it, and send only if it is still ours.
  if (MonotonicNow() + options_.send_timeout + options_.outcome_margin <
      claimed_at + options_.lease) {
    return true;
  }
  absl::StatusOr<bool> held =
      messages_.RenewClaim(message.id, message.attempt_count, options_.lease);
  if (held.ok() && *held) return true;
  LogWarn(held.ok() ? "claim taken over by another worker; not sending"
                    : "claim could not be renewed; not sending (retried after its lease)",
          {{"message_id", absl::StrCat(message.id)},
           {"error", held.ok() ? "" : std::string(held.status().message())}});
  return false;
}

std::optional<AttemptResult> DeliveryWorkers::Attempt(const MessageRecord& message,
                                                      PersonLookups& persons,
                                                      absl::Time claimed_at) {
  const absl::Time started = absl::Now();
  auto at_start = [started](AttemptResult r) {
    r.attempt.attempt_time = started;
    return r;
  };

  // 1. Recipients: persons are looked up now, each time, until the message is sent.
  std::vector<RecipientRecord> recipients = message.recipients;
  std::string person_locale;
  if (auto failed = ResolveRecipients(message, recipients, person_locale, persons)) {
    return at_start(*std::move(failed));
  }
  const bool looked_up = std::any_of(recipients.begin(), recipients.end(),
                                     [](const RecipientRecord& r) { return r.is_person; });

  // 2. Rendering, unless done at SendMail (the locale was known then).
  std::optional<RenderedMail> fresh;
  if (!message.rendered) {
    const std::string locale =
        !message.requested_locale.empty() ? message.requested_locale : person_locale;
    auto rendered = templates_.Render(message.template_id, locale, message.parameters, nullptr);
    if (!rendered.ok()) {
      return at_start(Failed(MessageState::kFailed, DeliveryOutcome::kPermanentFailure,
                             absl::StrCat("rendering failed: ", rendered.status().message())));
    }
    fresh = *std::move(rendered);
  }
  const RenderedMail& mail = fresh ? *fresh : *message.rendered;

  // 3. SMTP, decided only now: look-ups and rendering above take time off the claim.
  if (!HoldsClaimForOneSend(message, claimed_at)) return std::nullopt;
  std::vector<std::string> rcpt;
  for (const RecipientRecord& r : recipients) rcpt.push_back(r.resolved_email);
  const SendResult sent =
      sender_.Send(options_.from.email, rcpt, Mime(message, recipients, mail, started));
  AttemptResult result;
  if (sent.sent) {
    result.new_state = MessageState::kSent;
    result.attempt.outcome = DeliveryOutcome::kSent;
    result.attempt.smtp_code = sent.smtp_code;
  } else if (sent.permanent) {
    result = Failed(MessageState::kDead, DeliveryOutcome::kPermanentFailure, sent.error);
    result.attempt.smtp_code = sent.smtp_code;
  } else {
    result = Transient(message, sent.error, sent.smtp_code);
  }
  result.rendered = std::move(fresh);
  if (looked_up) result.recipients = std::move(recipients);
  return at_start(std::move(result));
}

}  // namespace wse::notify
