// Fault: notify-svc down, then the SMTP server down, while rights are requested and registrations
// confirmed (issue 9). Against a private stack: every change that promises a mail is made while
// the mail path is broken (first notify-svc stopped: rights-svc's and registration-svc's outbox
// relays must keep the mails; then the SMTP sink stopped: notify-svc must keep retrying). After
// both return, every expected mail arrives exactly once: counted as .eml files per recipient.
#include <cstdio>
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/flow/flow.h"
#include "tests/flow/flow_gtest.h"
#include "tests/flow/identifiers.h"
#include "tests/reliability/private_stack.h"
#include "tests/support/mail_sink.h"
#include "tests/support/notify_sink.h"

namespace wse::testing {
namespace {

namespace rv1 = wse::rights::v1;

TEST(MailOutageTest, MailsPromisedWhileNotifyOrSmtpIsDownArriveExactlyOnce) {
  PrivateStack stack;
  PrivateStackOptions stack_options;
  stack_options.with_notify = true;
  ASSERT_TRUE(stack.Start(stack_options).ok()) << stack.Logs();
  flow::Flow flow(stack.services());
  ASSERT_OK_AND_ASSIGN(flow::School school, flow.NewSchool("Atheneum Postpauze", 0, false));
  ASSERT_FALSE(school.admin_token.empty());
  ASSERT_OK_AND_ASSIGN(const size_t submitter, flow.AddMember(school, "Indiener", /*grant=*/true));
  std::vector<size_t> requesters;
  for (int i = 0; i < 4; ++i) {
    ASSERT_OK_AND_ASSIGN(const size_t requester,
                         flow.AddMember(school, absl::StrCat("Aanvrager", i), /*grant=*/false));
    requesters.push_back(requester);
  }
  const std::string odb = flow::NewOdbNumber();
  ASSERT_TRUE(flow.ImportTraining(odb, school.org).ok());
  std::vector<flow::PreparedDraft> drafts;
  for (int i = 0; i < 5; ++i) {
    auto draft = flow.PrepareDraft(school.tokens[submitter], school.org, odb, 1);
    ASSERT_TRUE(draft.ok()) << draft.status();
    drafts.push_back(*draft);
  }
  // The set-up's only mail: the submitter was granted the right (CreateGrant mails the person).
  // Delivered before the outages; taken out of the sink so the phases below count their own.
  const int setup_messages = 1;
  ASSERT_TRUE(
      WaitFor([&] { return StoredMailFiles(stack.maildir()).size() == 1; }, absl::Seconds(20)))
      << StoredMailFiles(stack.maildir()).size() << " mails after the set-up";
  for (const std::string& file : StoredMailFiles(stack.maildir())) std::remove(file.c_str());
  std::map<std::string, int> expected;  // Recipient -> mails.
  auto confirm = [&](size_t i) {
    auto confirmed = flow.Confirm(school.tokens[submitter], drafts[i], {absl::Seconds(10), ""});
    EXPECT_TRUE(confirmed.ok()) << confirmed.status();
    ++expected[school.users[submitter].email];
  };

  // Phase 1: notify-svc down. Rights requested (a mail to the local administrator each), two
  // approved and one rejected (a mail to each requester), three registrations confirmed (a
  // receipt mail each): all of it must wait in the services' outboxes.
  const absl::Time t0 = absl::Now();
  EXPECT_EQ(stack.notify().Stop(), 0) << stack.notify().LogTail();
  std::vector<rv1::AccessRequest> requests;
  for (size_t r : requesters) {
    auto request = flow.RequestRight(school.tokens[r], school.org);
    ASSERT_TRUE(request.ok()) << request.status();
    EXPECT_EQ(request->notified_administrator_count(), 1);
    requests.push_back(*request);
    ++expected[school.admin.email];
  }
  for (size_t i = 0; i < 2; ++i) {
    ASSERT_TRUE(flow.Approve(school.admin_token, requests[i]).ok());
    ++expected[school.users[requesters[i]].email];
  }
  ASSERT_TRUE(flow.Reject(school.admin_token, requests[3], "Geen opleidingen in uw dienst").ok());
  ++expected[school.users[requesters[3]].email];
  for (size_t i = 0; i < 3; ++i) confirm(i);
  absl::SleepFor(absl::Seconds(2));  // The relays try, fail and back off meanwhile.
  const int64_t rights_waiting =
      stack.Count("SELECT COUNT(*) FROM wse_rights.outbox WHERE delivered_at IS NULL");
  const int64_t registration_waiting =
      stack.Count("SELECT COUNT(*) FROM wse_registration.outbox WHERE delivered_at IS NULL");
  EXPECT_EQ(rights_waiting, 7);
  EXPECT_EQ(registration_waiting, 3);
  EXPECT_TRUE(StoredMailFiles(stack.maildir()).empty());

  // Phase 2: notify-svc back, the SMTP server down. One more approval and two more confirmations
  // while notify-svc cannot deliver: it keeps them and retries.
  stack.sink().Stop();
  const absl::Time notify_back = absl::Now();
  ASSERT_TRUE(stack.notify().Start().ok());
  ASSERT_TRUE(stack.notify().WaitServing()) << stack.notify().LogTail();
  ASSERT_TRUE(flow.Approve(school.admin_token, requests[2]).ok());
  ++expected[school.users[requesters[2]].email];
  for (size_t i = 3; i < 5; ++i) confirm(i);
  int total = 0;
  for (const auto& [recipient, count] : expected) total += count;
  // Every outbox row reaches notify-svc (relay backoff is 1 s, 2 s, 4 s, ...), none is sent.
  EXPECT_TRUE(WaitFor(
      [&] {
        return stack.Count("SELECT COUNT(*) FROM wse_notify.messages") == total + setup_messages;
      },
      absl::Seconds(20)))
      << stack.Count("SELECT COUNT(*) FROM wse_notify.messages") << " of " << total + setup_messages
      << "\n"
      << stack.Logs();
  EXPECT_TRUE(WaitFor(
      [&] {
        return stack.Count("SELECT COUNT(*) FROM wse_notify.messages WHERE attempt_count >= 2") ==
               total;
      },
      absl::Seconds(10)));
  EXPECT_TRUE(StoredMailFiles(stack.maildir()).empty());

  // Phase 3: the SMTP server back: everything arrives, once.
  const absl::Time smtp_back = absl::Now();
  ASSERT_TRUE(stack.sink().Start());
  EXPECT_TRUE(
      WaitFor([&] { return StoredMailFiles(stack.maildir()).size() >= static_cast<size_t>(total); },
              absl::Seconds(20)))
      << StoredMailFiles(stack.maildir()).size() << " of " << total;
  const absl::Time all_arrived = absl::Now();
  absl::SleepFor(absl::Seconds(2));  // Late duplicates would arrive now.

  int received = 0, exact = 0;
  std::string per_recipient;
  for (const auto& [recipient, count] : expected) {
    const size_t got = MailsTo(stack.maildir(), recipient).size();
    EXPECT_EQ(got, static_cast<size_t>(count)) << recipient;
    received += static_cast<int>(got);
    if (got == static_cast<size_t>(count)) ++exact;
    absl::StrAppend(&per_recipient, per_recipient.empty() ? "" : ", ",
                    recipient.substr(0, recipient.find('-')), " ", got, "/", count);
  }
  // Nobody else got anything.
  EXPECT_EQ(StoredMailFiles(stack.maildir()).size(), static_cast<size_t>(total));
  EXPECT_EQ(stack.Count("SELECT COUNT(*) FROM wse_notify.messages WHERE state = 3"),
            total + setup_messages);
  EXPECT_EQ(stack.Count("SELECT COUNT(*) FROM wse_rights.outbox WHERE delivered_at IS NULL"), 0);
  EXPECT_EQ(stack.Count("SELECT COUNT(*) FROM wse_registration.outbox WHERE delivered_at IS NULL"),
            0);
  const int64_t relay_attempts = stack.Count("SELECT SUM(attempts) FROM wse_rights.outbox") +
                                 stack.Count("SELECT SUM(attempts) FROM wse_registration.outbox");
  const int64_t smtp_attempts = stack.Count("SELECT SUM(attempt_count) FROM wse_notify.messages");

  std::printf(
      "[ measure  ] mail outage: %d mails expected (%s), %d received, %zu .eml files; %d of %zu "
      "recipients exact; outbox rows waiting while notify-svc was down: rights %lld, "
      "registration %lld; relay deliveries tried %lld times for %d rows, SMTP tried %lld times "
      "for %d messages\n",
      total, per_recipient.c_str(), received, StoredMailFiles(stack.maildir()).size(), exact,
      expected.size(), static_cast<long long>(rights_waiting),
      static_cast<long long>(registration_waiting), static_cast<long long>(relay_attempts), total,
      static_cast<long long>(smtp_attempts), total);
  std::printf(
      "[ measure  ] timeline: notify-svc down %.1f s, SMTP down %.1f s, every mail in the sink "
      "%.2f s after SMTP returned\n",
      absl::ToDoubleSeconds(notify_back - t0), absl::ToDoubleSeconds(smtp_back - notify_back),
      absl::ToDoubleSeconds(all_arrived - smtp_back));
}

}  // namespace
}  // namespace wse::testing
