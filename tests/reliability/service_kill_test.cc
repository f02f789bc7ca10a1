// Fault: registration-svc killed with SIGKILL mid-confirm (issue 9). Against a private stack
// with notify-svc and an SMTP sink: clients fire confirms; registration-svc is killed -9 at a
// random moment (twice), and restarted on the same port; the clients retry every unacknowledged
// confirm with the same request_id. Per draft there must be exactly one registration, one
// version with one receipt, one request id, one queued receipt mail and one delivered mail, and
// asking again with the same request_id answers the same registration and receipt.
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "tests/flow/flow.h"
#include "tests/flow/flow_gtest.h"
#include "tests/flow/identifiers.h"
#include "tests/reliability/confirm_traffic.h"
#include "tests/reliability/private_stack.h"
#include "tests/support/mail_sink.h"
#include "tests/support/notify_sink.h"

namespace wse::testing {
namespace {

TEST(ServiceKillTest, RegistrationKilledMidConfirmGivesOneRegistrationAndReceiptPerDraft) {
  constexpr int kDrafts = 60;
  constexpr int kKills = 2;
  PrivateStack stack;
  PrivateStackOptions stack_options;
  stack_options.with_notify = true;
  ASSERT_TRUE(stack.Start(stack_options).ok()) << stack.Logs();
  flow::Flow flow(stack.services());
  ASSERT_OK_AND_ASSIGN(flow::School school, flow.NewSchool("Atheneum Noodstop", 1, /*grant=*/true));
  ASSERT_FALSE(school.tokens.empty());
  ASSERT_FALSE(school.tokens[0].empty());
  const std::string odb = flow::NewOdbNumber();
  ASSERT_TRUE(flow.ImportTraining(odb, school.org).ok());
  std::vector<flow::PreparedDraft> drafts;
  for (int i = 0; i < kDrafts; ++i) {
    auto draft = flow.PrepareDraft(school.tokens[0], school.org, odb, 2);
    ASSERT_TRUE(draft.ok()) << draft.status();
    drafts.push_back(*draft);
  }

  ConfirmTrafficOptions options;
  options.threads = 6;
  options.deadline = absl::Seconds(3);
  options.retry_pause = absl::Milliseconds(100);
  options.pace = absl::ZeroDuration();
  ConfirmTraffic traffic(flow, school.tokens[0], drafts, options);
  std::random_device random;
  const unsigned seed = random();
  std::mt19937 rng(seed);
  traffic.Start();
  std::vector<absl::Time> kills;
  std::vector<int> acked_at_kill;
  for (int k = 0; k < kKills; ++k) {
    // A random moment in the k-th third of the traffic.
    const int from = kDrafts * (k + 1) / (kKills + 2);
    const int threshold = from + static_cast<int>(rng() % (kDrafts / (kKills + 2)));
    ASSERT_TRUE(traffic.WaitAcked(threshold, absl::Seconds(30))) << traffic.Summary();
    absl::SleepFor(absl::Microseconds(rng() % 20000));
    kills.push_back(absl::Now());
    acked_at_kill.push_back(traffic.acked());
    stack.registration().Kill();
    absl::SleepFor(absl::Milliseconds(300));  // Clients meet a closed port meanwhile.
    ASSERT_TRUE(stack.registration().Start().ok());
    ASSERT_TRUE(stack.registration().WaitServing()) << stack.registration().LogTail();
  }
  EXPECT_TRUE(traffic.WaitAcked(kDrafts, absl::Seconds(40))) << traffic.Summary()
                                                             << stack.Logs();
  traffic.Stop();

  // Every failed attempt was retryable; nothing answered twice differently.
  const auto codes = traffic.CodeHistogram();
  for (const auto& [code, count] : codes) {
    EXPECT_TRUE(code == "OK" || code == "UNAVAILABLE" || code == "DEADLINE_EXCEEDED")
        << count << " confirm(s) answered " << code << "\n"
        << traffic.Summary();
  }
  EXPECT_EQ(traffic.inconsistent_acks(), 0);

  // Asking again with the same request_id answers the acknowledged registration and receipt.
  int same_again = 0;
  std::set<std::string> registrations, references;
  for (size_t i = 0; i < drafts.size(); ++i) {
    ASSERT_TRUE(traffic.acks()[i].has_value()) << "draft " << i << " never acknowledged";
    const auto& ack = *traffic.acks()[i];
    registrations.insert(LastSegment(ack.registration().name()));
    references.insert(ack.receipt().reference());
    auto again = flow.Confirm(school.tokens[0], drafts[i], {absl::Seconds(5), ""});
    ASSERT_TRUE(again.ok()) << again.status();
    if (again->registration().name() == ack.registration().name() &&
        again->receipt().reference() == ack.receipt().reference() &&
        again->receipt().content_sha256() == ack.receipt().content_sha256()) {
      ++same_again;
    }
  }
  EXPECT_EQ(same_again, kDrafts);
  EXPECT_EQ(registrations.size(), static_cast<size_t>(kDrafts));
  EXPECT_EQ(references.size(), static_cast<size_t>(kDrafts));

  // The database: one of everything per draft.
  const std::string in_org = " WHERE organization_id = '" + LastSegment(school.org) + "'";
  const int64_t stored = stack.Count("SELECT COUNT(*) FROM wse_registration.registrations" + in_org);
  const int64_t versions =
      stack.Count("SELECT COUNT(*) FROM wse_registration.registration_versions" + in_org);
  const int64_t receipt_numbers = stack.Count(
      "SELECT COUNT(DISTINCT receipt_number) FROM wse_registration.registration_versions" + in_org);
  const int64_t request_ids = stack.Count(
      "SELECT COUNT(*) FROM wse_registration.request_ids" + in_org + " AND kind = 'confirm'");
  const int64_t lines = stack.Count(
      "SELECT COUNT(*) FROM wse_registration.registration_participants p JOIN "
      "wse_registration.registrations r ON r.id = p.registration_id" +
      std::string(" WHERE r.organization_id = '") + LastSegment(school.org) + "'");
  const int64_t matching = stack.Count(
      "SELECT COUNT(*) FROM wse_registration.registrations WHERE id IN ('" +
      absl::StrJoin(registrations, "','") + "')");
  const int64_t outbox = stack.Count("SELECT COUNT(*) FROM wse_registration.outbox");
  EXPECT_EQ(stored, kDrafts);
  EXPECT_EQ(versions, kDrafts);
  EXPECT_EQ(receipt_numbers, kDrafts);
  EXPECT_EQ(request_ids, kDrafts);
  EXPECT_EQ(lines, 2 * kDrafts);
  EXPECT_EQ(matching, kDrafts);
  EXPECT_EQ(outbox, kDrafts);

  // The receipt mails: one per receipt, none doubled by a relay that died mid-delivery.
  const std::string user_email = school.users[0].email;
  // Plus the mail that granted the user the right (CreateGrant mails the person).
  auto mails = WaitForMailsTo(stack.maildir(), user_email, kDrafts + 1, absl::Seconds(30));
  absl::SleepFor(absl::Seconds(1));  // Late duplicates would arrive now.
  mails = MailsTo(stack.maildir(), user_email);
  std::map<std::string, int> mails_per_reference;
  for (const SinkMail& mail : mails) {
    const DecodedMail decoded = DecodeStoredMail(mail.path);
    for (const std::string& reference : references) {
      if (absl::StrContains(decoded.subject, reference)) ++mails_per_reference[reference];
    }
  }
  EXPECT_EQ(mails.size(), static_cast<size_t>(kDrafts + 1)) << stack.Logs();
  int exactly_once = 0;
  for (const std::string& reference : references) {
    if (mails_per_reference[reference] == 1) ++exactly_once;
  }
  EXPECT_EQ(exactly_once, kDrafts);
  const int64_t redelivered = stack.Count(
      "SELECT COUNT(*) FROM wse_registration.outbox WHERE attempts > 1 OR delivered_at IS NULL");

  std::printf(
      "[ measure  ] SIGKILL of registration-svc x%d (seed %u; at %s acknowledged): %d drafts, "
      "%d confirm calls (%s); acknowledged %zu; stored %lld registrations / %lld versions / %lld "
      "receipt numbers / %lld participant lines; same answer on re-asking %d/%d; receipt mails "
      "%zu, each reference exactly once: %d/%d; outbox rows retried %lld\n",
      kKills, seed, absl::StrJoin(acked_at_kill, " and ").c_str(), kDrafts, traffic.attempts(),
      FormatCounts(codes).c_str(), registrations.size(), static_cast<long long>(stored),
      static_cast<long long>(versions), static_cast<long long>(receipt_numbers),
      static_cast<long long>(lines), same_again, kDrafts, mails.size(), exactly_once, kDrafts,
      static_cast<long long>(redelivered));
  for (size_t k = 0; k < kills.size(); ++k) {
    const std::vector<size_t> interrupted = traffic.InterruptedAt(kills[k]);
    std::printf(
        "[ measure  ] confirms in flight at kill %zu: %s; of these, committed before the kill "
        "(answer lost, retry answered the stored one): %lld\n",
        k + 1, FormatCounts(traffic.InFlightAt(kills[k])).c_str(),
        static_cast<long long>(CommittedBefore(stack, traffic, interrupted, kills[k])));
  }
}

}  // namespace
}  // namespace wse::testing
