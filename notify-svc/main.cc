// notify-svc composition root: configuration, database, templates, SMTP, delivery workers,
// serving.
#include <algorithm>

#include "absl/flags/flag.h"
#include "common/config.h"
#include "common/log.h"
#include "common/operator_auth.h"
#include "common/service_main.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "identity-svc/client/grpc_identity_client.h"
#include "notify-svc/adapters/notify_service.h"
#include "notify-svc/adapters/smtp_sender.h"
#include "notify-svc/domain/delivery.h"
#include "notify-svc/domain/mail_queue.h"
#include "notify-svc/domain/mime.h"
#include "notify-svc/domain/template_catalog.h"
#include "notify-svc/storage/mysql_store.h"

ABSL_FLAG(std::string, smtp_url, "smtp://127.0.0.1:2525",
          "SMTP server: smtp://host:port, or smtps://host:port for implicit TLS");
ABSL_FLAG(bool, smtp_starttls, false, "require STARTTLS on an smtp:// URL");
ABSL_FLAG(std::string, smtp_user, "", "SMTP AUTH user (none when empty)");
ABSL_FLAG(std::string, smtp_password_file, "", "file with the SMTP AUTH password");
ABSL_FLAG(std::string, mail_from, "no-reply@wse-loket.vlaanderen.be", "sender address");
ABSL_FLAG(std::string, mail_from_name, "WSE-loket Vlaams opleidingsverlof", "sender name");
ABSL_FLAG(int, workers, 2, "delivery worker threads");
ABSL_FLAG(int, claim_batch, 16, "messages a worker claims at once");
ABSL_FLAG(int, max_attempts, 8, "delivery attempts before a message becomes a dead letter");
ABSL_FLAG(absl::Duration, initial_backoff, absl::Seconds(5), "delay after the first failure");
ABSL_FLAG(absl::Duration, max_backoff, absl::Minutes(30), "longest delay between attempts");
ABSL_FLAG(absl::Duration, smtp_timeout, absl::Seconds(30),
          "longest one SMTP transaction may take (connecting included)");
ABSL_FLAG(absl::Duration, lease, absl::Minutes(2),
          "how long a claimed message is reserved for its worker (then retried elsewhere)");
ABSL_FLAG(absl::Duration, poll_interval, absl::Milliseconds(250),
          "how often idle workers look for due messages");
ABSL_FLAG(std::string, identity_address, "127.0.0.1:50051",
          "identity-svc host:port (person recipients are looked up there)");
ABSL_FLAG(std::string, templates_dir, WSE_NOTIFY_TEMPLATES_DIR, "folder of the mail templates");

namespace {

void CheckDeliveryFlags() {
  wse::RequireConfig(absl::GetFlag(FLAGS_workers) >= 1 && absl::GetFlag(FLAGS_workers) <= 64,
                     "--workers must be within 1..64");
  wse::RequireConfig(
      absl::GetFlag(FLAGS_claim_batch) >= 1 && absl::GetFlag(FLAGS_claim_batch) <= 500,
      "--claim_batch must be within 1..500");
  wse::RequireConfig(absl::GetFlag(FLAGS_max_attempts) >= 1, "--max_attempts must be at least 1");
  wse::RequireConfig(absl::GetFlag(FLAGS_initial_backoff) > absl::ZeroDuration() &&
                         absl::GetFlag(FLAGS_max_backoff) >= absl::GetFlag(FLAGS_initial_backoff),
                     "need 0 < --initial_backoff <= --max_backoff");
  wse::RequireConfig(absl::GetFlag(FLAGS_lease) >= absl::Seconds(1), "--lease must be >= 1s");
  // A claim is renewed right before a send that might outlast it; the send (at most
  // --smtp_timeout) and recording its outcome must then end within the renewed claim, or
  // another worker could take the message over and send it again (kOutcomeMargin).
  wse::RequireConfig(
      absl::GetFlag(FLAGS_smtp_timeout) >= absl::Seconds(1) &&
          absl::GetFlag(FLAGS_lease) >=
              absl::GetFlag(FLAGS_smtp_timeout) + wse::notify::kOutcomeMargin,
      "need 1s <= --smtp_timeout and --smtp_timeout + 5s <= --lease (a send and its outcome "
      "must end within the claim)");
  wse::RequireConfig(absl::GetFlag(FLAGS_poll_interval) >= absl::Milliseconds(10),
                     "--poll_interval must be >= 10ms");
  wse::RequireConfig(wse::notify::IsValidEmailAddress(absl::GetFlag(FLAGS_mail_from)),
                     "--mail_from must be an e-mail address");
  wse::RequireConfig(absl::GetFlag(FLAGS_smtp_url).rfind("smtp://", 0) == 0 ||
                         absl::GetFlag(FLAGS_smtp_url).rfind("smtps://", 0) == 0,
                     "--smtp_url must start with smtp:// or smtps://");
}

wse::notify::SmtpOptions SmtpOptionsFromFlags() {
  wse::notify::SmtpOptions smtp;
  smtp.url = absl::GetFlag(FLAGS_smtp_url);
  smtp.require_starttls = absl::GetFlag(FLAGS_smtp_starttls);
  smtp.timeout = absl::GetFlag(FLAGS_smtp_timeout);
  smtp.connect_timeout = std::min(smtp.connect_timeout, smtp.timeout);
  smtp.user = absl::GetFlag(FLAGS_smtp_user);
  if (!absl::GetFlag(FLAGS_smtp_password_file).empty()) {
    smtp.password =
        wse::ReadSecretFile("--smtp_password_file", absl::GetFlag(FLAGS_smtp_password_file));
  }
  return smtp;
}

wse::notify::DeliveryOptions DeliveryOptionsFromFlags() {
  wse::notify::DeliveryOptions delivery;
  delivery.workers = absl::GetFlag(FLAGS_workers);
  delivery.batch_size = absl::GetFlag(FLAGS_claim_batch);
  delivery.max_attempts = absl::GetFlag(FLAGS_max_attempts);
  delivery.backoff = {absl::GetFlag(FLAGS_initial_backoff), absl::GetFlag(FLAGS_max_backoff)};
  delivery.lease = absl::GetFlag(FLAGS_lease);
  delivery.send_timeout = absl::GetFlag(FLAGS_smtp_timeout);
  delivery.poll_interval = absl::GetFlag(FLAGS_poll_interval);
  delivery.from = {absl::GetFlag(FLAGS_mail_from), absl::GetFlag(FLAGS_mail_from_name)};
  return delivery;
}

}  // namespace

int main(int argc, char** argv) {
  wse::BlockTerminationSignals();
  const wse::ServiceDefinition definition{"notify-svc", "wse.notify.v1.NotifyService",
                                          "127.0.0.1:50054", "wse_notify"};
  // Our own settings and the templates are checked before the database is waited for.
  absl::StatusOr<std::unique_ptr<wse::notify::TemplateCatalog>> templates =
      absl::FailedPreconditionError("templates not loaded");
  wse::ServiceRuntime runtime = wse::PrepareService(
      definition, argc, argv, {{"notify", &wse::EmbeddedMigrations()}}, [&templates] {
        CheckDeliveryFlags();
        templates = wse::notify::TemplateCatalog::Load(absl::GetFlag(FLAGS_templates_dir));
        wse::RequireConfig(templates.ok(), std::string(templates.status().message()));
      });
  wse::RequireServiceToken(runtime, "notify-svc looks up recipients at identity-svc");

  wse::notify::CurlSmtpSender sender(SmtpOptionsFromFlags());
  // A mail goes to the address the person has when it is sent: no cache.
  wse::identity::GrpcIdentityClient persons(
      wse::ServiceChannel(absl::GetFlag(FLAGS_identity_address)), runtime.service_token,
      {.person_ttl = absl::ZeroDuration()});
  wse::notify::MysqlMessageRepository messages(*runtime.pool);

  wse::notify::DeliveryWorkers workers(messages, **templates, sender, persons,
                                       DeliveryOptionsFromFlags());
  wse::notify::MailQueue queue(messages, **templates, [&workers] { workers.Poke(); });
  // notify-svc serves operators and services only; with --jwks_file it can still tell a bad token
  // (UNAUTHENTICATED) from a person's valid one (PERMISSION_DENIED).
  std::unique_ptr<wse::AccessTokenVerifier> tokens;
  if (!wse::JwksFilePath().empty()) tokens = wse::MakeAccessTokenVerifier();
  wse::OperatorAuthenticator::CallerCheck check_caller;
  if (tokens) {
    check_caller = [&tokens](const wse::RequestContext& c) {
      return tokens->Verify(c.bearer_token).status();
    };
  }
  // The outbox relays of identity-svc (verification codes), rights-svc and registration-svc hand
  // over their mails; everything
  // else here is for operators (common/service_identity.h).
  const wse::OperatorAuthenticator operators(runtime.operator_token_hash, check_caller,
                                             runtime.service_identities,
                                             {{"identity-svc", {"SendMail", "SendMails"}},
                                              {"rights-svc", {"SendMail", "SendMails"}},
                                              {"registration-svc", {"SendMail", "SendMails"}}});
  wse::notify::NotifyServiceImpl service({queue, **templates, operators});

  workers.Start();
  const int exit_code = wse::RunService(runtime, {&service});
  workers.Stop();  // After the drain: no call can queue anything any more.
  return exit_code;
}
