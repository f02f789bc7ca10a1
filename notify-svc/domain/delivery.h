#pragma once
// The delivery workers: N background tasks that each claim a small batch of due messages
// (MessageRepository::ClaimDue: SELECT ... FOR UPDATE SKIP LOCKED, leased), and for each
// resolve person recipients, render if not yet rendered, send over SMTP and record the outcome.
//
// Outcomes: accepted -> SENT. Transient failure (connection, timeout, 4xx, directory
// unavailable) -> QUEUED again after BackoffDelay, until the attempts of the current budget
// reach max_attempts -> DEAD. Permanent SMTP refusal (5xx) -> DEAD at once (an operator can
// retry it with RetryDeadLetters once the cause is fixed). A message that can never be sent as
// stored (unknown person, person without address, template gone) -> FAILED.
//
// A worker that dies mid-message leaves it SENDING; once the lease passes another worker takes
// it again (at-least-once towards SMTP, with the same Message-ID). A worker sends a message only
// while its claim is sure to outlast the send: it measures (monotonic clock) from the start of the
// statement that claimed the batch, and once one more send_timeout might pass the lease it
// renews that message's claim right before the send (MessageRepository::RenewClaim) and skips a
// message another worker took over. So a batch that outlives its lease behind a slow relay sends
// nothing twice; the lease must outlast one SMTP transaction plus the outcome's write
// (kOutcomeMargin; notify-svc checks --lease >= --smtp_timeout + kOutcomeMargin at start). Behind a
// relay that answers in time, a batch needs no renewal.
//
// Persons are looked up once per pass (a batch often holds several mails to one person).

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/periodic_task.h"
#include "identity-svc/client/identity_client.h"
#include "notify-svc/domain/backoff.h"
#include "notify-svc/domain/mail_sender.h"
#include "notify-svc/domain/mime.h"
#include "notify-svc/domain/store.h"
#include "notify-svc/domain/template_catalog.h"

namespace wse::notify {

// Time left in a claim after its send for recording the outcome (and the clocks' slack): a
// send starts only while send_timeout + kOutcomeMargin fit in the claim, so a database stall
// longer than this fails the outcome's write instead of letting a second worker send again.
inline constexpr absl::Duration kOutcomeMargin = absl::Seconds(5);

struct DeliveryOptions {
  int workers = 2;
  int batch_size = 16;
  int max_attempts = 8;
  BackoffPolicy backoff;
  absl::Duration lease = absl::Minutes(2);
  // The longest one SMTP transaction may take (--smtp_timeout); at most
  // `lease` - outcome_margin.
  absl::Duration send_timeout = absl::Seconds(30);
  absl::Duration outcome_margin = kOutcomeMargin;
  absl::Duration poll_interval = absl::Milliseconds(250);
  MailAddress from{"no-reply@wse-loket.vlaanderen.be", "WSE-loket"};
};

class DeliveryWorkers {
 public:
  DeliveryWorkers(MessageRepository& messages, const TemplateCatalog& templates, MailSender& sender,
                  identity::IdentityClient& persons, DeliveryOptions options);
  ~DeliveryWorkers();

  // Start before the first Poke and Stop after the last (notify-svc: around serving).
  void Start();
  // Lets each worker finish the batch in hand, then stops them.
  void Stop();
  // Wakes a worker now (a message was queued) instead of at its next poll: an idle one if there
  // is one, else the next busy one goes again as soon as it is done.
  void Poke();

  // One claim-and-deliver pass; returns how many messages were claimed.
  absl::StatusOr<int> RunOnce();

  // Persons looked up in one pass, by id (only successful look-ups).
  using PersonLookups = absl::flat_hash_map<std::string, identity::PersonInfo>;

 private:
  // One worker: a PeriodicTask polling every poll_interval, or again at once after a full batch
  // (more may be due).
  struct Worker {
    std::atomic<bool> busy{false};
    bool more = false;  // Only on the worker's own thread.
    std::unique_ptr<PeriodicTask> task;
  };
  void Pass(Worker& worker);
  // The outcome of one attempt at a message claimed at `claimed_at` (this process's monotonic
  // clock), or nullopt when the claim was lost before the send (nothing sent, nothing to record).
  std::optional<AttemptResult> Attempt(const MessageRecord& message, PersonLookups& persons,
                                       absl::Time claimed_at);
  // Whether the claim still holds for one more SMTP transaction, renewing it when it might not.
  bool HoldsClaimForOneSend(const MessageRecord& message, absl::Time claimed_at);
  // A failure worth another attempt, until the message's budget is spent (then it is dead).
  AttemptResult Transient(const MessageRecord& message, std::string error, int smtp_code) const;
  // The recipients' addresses, persons looked up now; a result when one cannot be mailed.
  std::optional<AttemptResult> ResolveRecipients(const MessageRecord& message,
                                                 std::vector<RecipientRecord>& recipients,
                                                 std::string& person_locale,
                                                 PersonLookups& persons);
  // The MIME text of the rendered mail to the resolved recipients.
  std::string Mime(const MessageRecord& message, const std::vector<RecipientRecord>& recipients,
                   const RenderedMail& mail, absl::Time date) const;

  MessageRepository& messages_;
  const TemplateCatalog& templates_;
  MailSender& sender_;
  identity::IdentityClient& persons_;
  const DeliveryOptions options_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::atomic<size_t> next_poke_{0};
};

}  // namespace wse::notify
