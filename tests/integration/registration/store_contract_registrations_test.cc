// The store contract (see store_contract_test.cc), part two: registrations and their versions
// with receipt numbers, the active-participant rule, and all-or-nothing transactions.

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/status_macros.h"
#include "gtest/gtest.h"
#include "registration-svc/domain/model.h"
#include "registration-svc/domain/store.h"
#include "tests/integration/registration/store_test_support.h"

namespace wse::registration::store_test {
namespace {

// The fingerprint the request ids below are recorded for (common/request_fingerprint.h).
constexpr char kFingerprint[] = "fp-1";

template <typename Backend>
class RegistrationVersionsContractTest : public StoreTest<Backend> {
 protected:
  // Stores `registration` with `versions` (its latest_version set to the last one's) and returns
  // the receipt numbers.
  std::vector<int64_t> Register(RegistrationRecord registration,
                                const std::vector<RegistrationVersionRecord>& versions) {
    std::vector<int64_t> receipts;
    registration.latest_version = versions.back().version;
    const absl::Status status = this->Tx([&](RegistrationTransaction& tx) -> absl::Status {
      receipts.clear();
      RETURN_IF_ERROR(tx.InsertRegistration(registration));
      for (const RegistrationVersionRecord& version : versions) {
        ASSIGN_OR_RETURN(auto receipt, tx.InsertVersion(version));
        receipts.push_back(receipt);
      }
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
    return receipts;
  }
};
TYPED_TEST_SUITE(RegistrationVersionsContractTest, Backends, BackendNames);

Page PageOf(int size, std::string after = "") {
  Page page;
  page.size = size;
  page.after = std::move(after);
  return page;
}

std::vector<int> VersionNumbers(
    const absl::StatusOr<std::vector<RegistrationVersionRecord>>& found) {
  if (!found.ok()) return {-1};
  std::vector<int> numbers;
  for (const RegistrationVersionRecord& version : *found) numbers.push_back(version.version);
  return numbers;
}

// ---- Registration heads. ----

TYPED_TEST(RegistrationVersionsContractTest, RegistrationRoundTripAndVersionConflict) {
  const RegistrationRecord registration = Registration(1, kOrg);
  ASSERT_TRUE(
      this->Tx([&](RegistrationTransaction& tx) { return tx.InsertRegistration(registration); })
          .ok());
  absl::StatusOr<RegistrationRecord> read =
      this->Get([&](RegistrationTransaction& tx) { return tx.GetRegistration(kOrg, Id(1)); });
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(Fields(*read), Fields(registration));

  // Only latest_version, withdrawn and update_time are written.
  RegistrationRecord withdrawn = registration;
  withdrawn.latest_version = 2;
  withdrawn.withdrawn = true;
  withdrawn.update_time = At(300, 11);
  withdrawn.odb_number = "ODB-ignored";
  withdrawn.school_year = 1999;
  withdrawn.create_time = At(999);
  ASSERT_TRUE(
      this->Tx([&](RegistrationTransaction& tx) { return tx.UpdateRegistration(withdrawn); }).ok());
  RegistrationRecord expected = registration;
  expected.latest_version = 2;
  expected.withdrawn = true;
  expected.update_time = withdrawn.update_time;
  read = this->Get([&](RegistrationTransaction& tx) { return tx.GetRegistration(kOrg, Id(1)); });
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(Fields(*read), Fields(expected));

  absl::Status status = this->Tx([&](RegistrationTransaction& tx) -> absl::Status {
    // Stale, missing, or through another organisation: ABORTED.
    EXPECT_EQ(tx.UpdateRegistration(withdrawn).code(), absl::StatusCode::kAborted);
    RegistrationRecord missing = Registration(2, kOrg);
    missing.latest_version = 2;
    EXPECT_EQ(tx.UpdateRegistration(missing).code(), absl::StatusCode::kAborted);
    RegistrationRecord moved = expected;
    moved.organization_id = kOtherOrg;
    moved.latest_version = 3;
    EXPECT_EQ(tx.UpdateRegistration(moved).code(), absl::StatusCode::kAborted);
    EXPECT_EQ(tx.GetRegistration(kOtherOrg, Id(1)).status().code(), absl::StatusCode::kNotFound);
    EXPECT_EQ(tx.GetRegistration(kOrg, Id(2)).status().code(), absl::StatusCode::kNotFound);
    EXPECT_EQ(tx.InsertRegistration(Registration(1, kOtherOrg)).code(),
              absl::StatusCode::kAlreadyExists);
    return tx.InsertRegistration(Registration(3, kOrg));  // The transaction goes on.
  });
  ASSERT_TRUE(status.ok()) << status;
}

// ---- Versions and receipts. ----

TYPED_TEST(RegistrationVersionsContractTest, VersionRoundTripWithParticipantsAndReceipts) {
  const RegistrationRecord registration = Registration(1, kOrg);
  RegistrationVersionRecord first = Version(registration, 1, {Insz(1), Insz(2), Insz(3)});
  first.participants[1].input.measurement = Participation(true, {"M1", "M2"});
  first.participants[1].input.route_completed = false;
  first.participants[1].input.actual_end_date = Date{2026, 3, 31};
  first.participants[1].warning_reasons.clear();
  first.participants[2].input.measurement = std::monostate();
  first.participants[2].input.exam_contract.reset();
  first.summary.participation_count = 1;
  first.summary.total_hours_present = 12.25;
  RegistrationVersionRecord withdrawal = Version(registration, 2, {});
  withdrawal.kind = ReceiptKind::kWithdrawal;
  withdrawal.withdraw_reason = "Dubbel ingediend";
  withdrawal.content_sha256 = "";
  withdrawal.summary = ParticipantsSummary();

  const std::vector<int64_t> receipts = this->Register(registration, {first, withdrawal});
  ASSERT_EQ(receipts.size(), 2u);
  EXPECT_GT(receipts[0], 0);
  EXPECT_GT(receipts[1], receipts[0]);

  absl::StatusOr<RegistrationVersionRecord> read = this->Get([&](RegistrationTransaction& tx) {
    return tx.GetVersion(kOrg, Id(1), 1, /*with_participants=*/true);
  });
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(Fields(*read), Fields(first));
  EXPECT_EQ(read->receipt_number, receipts[0]);

  read = this->Get([&](RegistrationTransaction& tx) {
    return tx.GetVersion(kOrg, Id(1), 1, /*with_participants=*/false);
  });
  ASSERT_TRUE(read.ok()) << read.status();
  RegistrationVersionRecord without = first;
  without.participants.clear();
  EXPECT_EQ(Fields(*read), Fields(without));

  read = this->Get([&](RegistrationTransaction& tx) {
    return tx.GetVersion(kOrg, Id(1), 2, /*with_participants=*/true);
  });
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(Fields(*read), Fields(withdrawal));
  EXPECT_EQ(read->receipt_number, receipts[1]);

  absl::Status status = this->Tx([&](RegistrationTransaction& tx) -> absl::Status {
    EXPECT_EQ(tx.GetVersion(kOtherOrg, Id(1), 1, true).status().code(),
              absl::StatusCode::kNotFound);
    EXPECT_EQ(tx.GetVersion(kOrg, Id(1), 3, true).status().code(), absl::StatusCode::kNotFound);
    EXPECT_EQ(tx.GetVersion(kOrg, Id(2), 1, false).status().code(), absl::StatusCode::kNotFound);
    // (registration, version) is unique; the transaction goes on.
    EXPECT_EQ(tx.InsertVersion(first).status().code(), absl::StatusCode::kAlreadyExists);
    absl::StatusOr<RegistrationVersionRecord> kept = tx.GetVersion(kOrg, Id(1), 1, true);
    EXPECT_TRUE(kept.ok() && kept->participants.size() == 3u);
    return absl::OkStatus();
  });
  ASSERT_TRUE(status.ok()) << status;
}

TYPED_TEST(RegistrationVersionsContractTest, ReceiptNumbersAreUniqueAndIncreasing) {
  std::vector<int64_t> receipts;
  for (int n = 1; n <= 3; ++n) {
    const RegistrationRecord registration = Registration(n, n == 2 ? kOtherOrg : kOrg);
    for (int64_t receipt : this->Register(registration, {Version(registration, 1, {Insz(n)}),
                                                         Version(registration, 2, {Insz(n)})})) {
      receipts.push_back(receipt);
    }
  }
  // A rolled back version does not hand its number out again.
  int64_t rolled_back = 0;
  const absl::Status failed = this->Tx([&](RegistrationTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto receipt, tx.InsertVersion(Version(Registration(4, kOrg), 1, {})));
    rolled_back = receipt;
    return absl::CancelledError("rolled back");
  });
  EXPECT_EQ(failed.code(), absl::StatusCode::kCancelled) << failed;
  const RegistrationRecord last = Registration(5, kOrg);
  for (int64_t receipt : this->Register(last, {Version(last, 1, {})})) receipts.push_back(receipt);

  ASSERT_EQ(receipts.size(), 7u);
  for (size_t i = 1; i < receipts.size(); ++i) EXPECT_GT(receipts[i], receipts[i - 1]) << i;
  EXPECT_GT(rolled_back, receipts[5]);
  EXPECT_GT(receipts[6], rolled_back);
  EXPECT_EQ(std::set<int64_t>(receipts.begin(), receipts.end()).size(), receipts.size());
}

TYPED_TEST(RegistrationVersionsContractTest, ListRegistrationsShowsLatestVersionsNewestFirst) {
  const RegistrationRecord r11 = Registration(11, kOrg, "ODB-1", 2025);
  const RegistrationRecord r12 = Registration(12, kOrg, "ODB-2", 2025);
  const RegistrationRecord r13 = Registration(13, kOrg, "ODB-1", 2024);
  RegistrationRecord r14 = Registration(14, kOrg, "ODB-1", 2025);
  r14.withdrawn = true;
  const RegistrationRecord r15 = Registration(15, kOtherOrg, "ODB-1", 2025);
  // r11's correction dropped Insz(1); r14 was withdrawn (its latest version has no lines).
  this->Register(r11, {Version(r11, 1, {Insz(1), Insz(2)}), Version(r11, 2, {Insz(2)})});
  this->Register(r12, {Version(r12, 1, {Insz(1)})});
  this->Register(r13, {Version(r13, 1, {Insz(1)})});
  this->Register(r14, {Version(r14, 1, {Insz(3)}), Version(r14, 2, {})});
  this->Register(r15, {Version(r15, 1, {Insz(1)})});

  auto list = [&](const std::string& org, const std::string& odb, int school_year,
                  const std::string& insz, bool withdrawn, Page page = PageOf(50),
                  bool with_participants = false) {
    RegistrationFilter filter;
    filter.organization_id = org;
    filter.odb_number = odb;
    filter.school_year = school_year;
    filter.insz = insz;
    filter.include_withdrawn = withdrawn;
    return this->Get([&](RegistrationTransaction& tx) {
      return tx.ListRegistrations(filter, page, with_participants);
    });
  };
  using Strings = std::vector<std::string>;
  EXPECT_EQ(Ids(list(kOrg, "", 0, "", false)), (Strings{Id(13), Id(12), Id(11)}));
  EXPECT_EQ(Ids(list(kOrg, "", 0, "", true)), (Strings{Id(14), Id(13), Id(12), Id(11)}));
  EXPECT_EQ(Ids(list(kOtherOrg, "", 0, "", true)), (Strings{Id(15)}));
  EXPECT_EQ(Ids(list(kOrg, "ODB-1", 0, "", false)), (Strings{Id(13), Id(11)}));
  EXPECT_EQ(Ids(list(kOrg, "ODB-1", 2025, "", true)), (Strings{Id(14), Id(11)}));
  EXPECT_EQ(Ids(list(kOrg, "", 2024, "", false)), (Strings{Id(13)}));
  EXPECT_EQ(Ids(list(kOrg, "", 0, Insz(1), true)), (Strings{Id(13), Id(12)}));
  EXPECT_EQ(Ids(list(kOrg, "", 0, Insz(2), true)), (Strings{Id(11)}));
  EXPECT_EQ(Ids(list(kOrg, "", 0, Insz(3), true)), (Strings{}));
  EXPECT_EQ(Ids(list(kOrg, "ODB-1", 2025, Insz(2), false)), (Strings{Id(11)}));
  EXPECT_EQ(Ids(list(kOrg, "", 0, "", true, PageOf(2))), (Strings{Id(14), Id(13)}));
  EXPECT_EQ(Ids(list(kOrg, "", 0, "", true, PageOf(2, Id(13)))), (Strings{Id(12), Id(11)}));
  EXPECT_EQ(Ids(list(kOrg, "", 0, "", true, PageOf(2, Id(11)))), (Strings{}));
  EXPECT_EQ(list(kOrg, "", 0, "", true, PageOf(0)).status().code(),
            absl::StatusCode::kInvalidArgument);

  // The latest version, with or without its lines.
  absl::StatusOr<std::vector<RegistrationVersionRecord>> page =
      list(kOrg, "", 0, Insz(2), true, PageOf(50), /*with_participants=*/true);
  ASSERT_TRUE(page.ok() && page->size() == 1u) << page.status();
  EXPECT_EQ(Fields(page->front()), Fields(Version(r11, 2, {Insz(2)})));
  page = list(kOrg, "", 0, Insz(2), true);
  ASSERT_TRUE(page.ok() && page->size() == 1u) << page.status();
  RegistrationVersionRecord bare = Version(r11, 2, {Insz(2)});
  bare.participants.clear();
  EXPECT_EQ(Fields(page->front()), Fields(bare));
}

TYPED_TEST(RegistrationVersionsContractTest, ListVersionsNewestFirstWithPages) {
  const RegistrationRecord registration = Registration(1, kOrg);
  this->Register(registration,
                 {Version(registration, 1, {Insz(1)}), Version(registration, 2, {Insz(1), Insz(2)}),
                  Version(registration, 3, {Insz(2)})});
  auto list = [&](const std::string& org, Page page, bool with_participants = false) {
    return this->Get([&](RegistrationTransaction& tx) {
      return tx.ListVersions(org, Id(1), page, with_participants);
    });
  };
  EXPECT_EQ(VersionNumbers(list(kOrg, PageOf(50))), (std::vector<int>{3, 2, 1}));
  EXPECT_EQ(VersionNumbers(list(kOrg, PageOf(2))), (std::vector<int>{3, 2}));
  EXPECT_EQ(VersionNumbers(list(kOrg, PageOf(2, "2"))), (std::vector<int>{1}));
  EXPECT_EQ(VersionNumbers(list(kOrg, PageOf(2, "1"))), (std::vector<int>{}));
  EXPECT_EQ(VersionNumbers(list(kOtherOrg, PageOf(50))), (std::vector<int>{}));
  EXPECT_EQ(list(kOrg, PageOf(0)).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(list(kOrg, PageOf(2, "x")).status().code(), absl::StatusCode::kInvalidArgument);

  absl::StatusOr<std::vector<RegistrationVersionRecord>> full =
      list(kOrg, PageOf(1, "3"), /*with_participants=*/true);
  ASSERT_TRUE(full.ok() && full->size() == 1u) << full.status();
  EXPECT_EQ(Fields(full->front()), Fields(Version(registration, 2, {Insz(1), Insz(2)})));
  absl::StatusOr<std::vector<RegistrationVersionRecord>> bare = list(kOrg, PageOf(1, "3"));
  ASSERT_TRUE(bare.ok() && bare->size() == 1u) << bare.status();
  EXPECT_TRUE(bare->front().participants.empty());
}

// ---- Active participants. ----

TYPED_TEST(RegistrationVersionsContractTest, OneActiveRegistrationPerParticipantTrainingAndYear) {
  auto conflicts = [&](const std::vector<std::string>& insz, const std::string& except,
                       const std::string& odb = "ODB-1", int school_year = 2025) {
    std::vector<std::pair<std::string, std::string>> found;
    absl::StatusOr<std::vector<ActiveConflict>> answer =
        this->Get([&](RegistrationTransaction& tx) {
          return tx.FindActiveConflicts(odb, school_year, insz, except);
        });
    EXPECT_TRUE(answer.ok()) << answer.status();
    if (answer.ok()) {
      for (const ActiveConflict& conflict : *answer) {
        found.emplace_back(conflict.insz, conflict.registration_id);
      }
    }
    return found;
  };
  auto set = [&](const std::string& registration, const std::vector<std::string>& insz,
                 const std::string& odb = "ODB-1", int school_year = 2025) {
    return this->Tx([&](RegistrationTransaction& tx) {
      return tx.SetActiveParticipants(registration, odb, school_year, insz);
    });
  };
  using Conflicts = std::vector<std::pair<std::string, std::string>>;

  // Registration A: 600 participants (two statements).
  std::vector<std::string> many;
  for (int i = 1; i <= 600; ++i) many.push_back(Insz(i));
  ASSERT_TRUE(set(Id(1), many).ok());
  ASSERT_TRUE(set(Id(2), {Insz(800)}).ok());

  EXPECT_EQ(conflicts({Insz(601), Insz(600), Insz(5), Insz(800)}, ""),
            (Conflicts{{Insz(5), Id(1)}, {Insz(600), Id(1)}, {Insz(800), Id(2)}}));
  EXPECT_EQ(conflicts({Insz(600), Insz(800)}, Id(1)), (Conflicts{{Insz(800), Id(2)}}));
  EXPECT_EQ(conflicts({Insz(600)}, "", "ODB-2"), (Conflicts{}));
  EXPECT_EQ(conflicts({Insz(600)}, "", "ODB-1", 2026), (Conflicts{}));
  EXPECT_EQ(conflicts({}, ""), (Conflicts{}));
  // Asked for across many statements, and twice: named once.
  std::vector<std::string> asked = many;
  asked.push_back(Insz(5));
  EXPECT_EQ(conflicts(asked, "").size(), 600u);

  // B takes one of A's: ALREADY_EXISTS and nothing changed (B keeps Insz(800)).
  absl::Status status = set(Id(2), {Insz(700), Insz(600)});
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << status;
  EXPECT_EQ(conflicts({Insz(700), Insz(800)}, ""), (Conflicts{{Insz(800), Id(2)}}));
  // An INSZ twice: ALREADY_EXISTS and nothing changed either.
  status = set(Id(2), {Insz(700), Insz(700)});
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << status;
  EXPECT_EQ(conflicts({Insz(700), Insz(800)}, ""), (Conflicts{{Insz(800), Id(2)}}));

  // A corrected to fewer participants frees the others; B may then take Insz(600).
  ASSERT_TRUE(set(Id(1), {Insz(1), Insz(2)}).ok());
  ASSERT_TRUE(set(Id(2), {Insz(600), Insz(800)}).ok());
  EXPECT_EQ(conflicts({Insz(1), Insz(600), Insz(800), Insz(3)}, ""),
            (Conflicts{{Insz(1), Id(1)}, {Insz(600), Id(2)}, {Insz(800), Id(2)}}));
  // Another training or school year is another rule.
  EXPECT_TRUE(set(Id(3), {Insz(1)}, "ODB-2").ok());
  EXPECT_TRUE(set(Id(4), {Insz(1)}, "ODB-1", 2026).ok());
  // Withdrawn: no active participants left.
  ASSERT_TRUE(set(Id(1), {}).ok());
  EXPECT_EQ(conflicts({Insz(1), Insz(2)}, ""), (Conflicts{}));
  EXPECT_EQ(conflicts({Insz(1)}, "", "ODB-2"), (Conflicts{{Insz(1), Id(3)}}));

  // A failing SetActiveParticipants leaves the transaction usable.
  status = this->Tx([&](RegistrationTransaction& tx) -> absl::Status {
    EXPECT_EQ(tx.SetActiveParticipants(Id(5), "ODB-1", 2025, {Insz(800)}).code(),
              absl::StatusCode::kAlreadyExists);
    return tx.SetActiveParticipants(Id(5), "ODB-1", 2025, {Insz(801)});
  });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(conflicts({Insz(801)}, ""), (Conflicts{{Insz(801), Id(5)}}));

  // AddActiveParticipants (a first version): the same answers without a separate look-up, in one
  // statement up to 500 rows and with a savepoint beyond; a failure leaves the transaction usable.
  auto add = [&](const std::string& registration, const std::vector<std::string>& insz) {
    return this->Tx([&](RegistrationTransaction& tx) {
      return tx.AddActiveParticipants(registration, "ODB-1", 2025, insz);
    });
  };
  status = add(Id(6), {Insz(900), Insz(801)});
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << status;
  EXPECT_EQ(conflicts({Insz(900), Insz(801)}, ""), (Conflicts{{Insz(801), Id(5)}}));
  std::vector<std::string> beyond;  // 700 rows: two statements; the clash is in the second.
  for (int i = 2001; i <= 2699; ++i) beyond.push_back(Insz(i));
  beyond.push_back(Insz(801));
  status = add(Id(6), beyond);
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << status;
  EXPECT_EQ(conflicts({Insz(2001), Insz(2699)}, ""), (Conflicts{})) << "the first 500 stayed";
  status = this->Tx([&](RegistrationTransaction& tx) -> absl::Status {
    EXPECT_EQ(tx.AddActiveParticipants(Id(7), "ODB-1", 2025, {Insz(801)}).code(),
              absl::StatusCode::kAlreadyExists);
    return tx.AddActiveParticipants(Id(7), "ODB-1", 2025, {Insz(901), Insz(902)});
  });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(conflicts({Insz(901), Insz(902)}, ""),
            (Conflicts{{Insz(901), Id(7)}, {Insz(902), Id(7)}}));
}

// ---- Transactions. ----

TYPED_TEST(RegistrationVersionsContractTest, FailedBodyLeavesNothing) {
  const RegistrationRecord registration = Registration(1, kOrg);
  const absl::Status status = this->Tx([&](RegistrationTransaction& tx) -> absl::Status {
    EXPECT_TRUE(tx.UpsertTraining(Training("ODB-1")).ok());
    EXPECT_TRUE(tx.InsertDraft(Draft(2, kOrg)).ok());
    EXPECT_TRUE(tx.InsertParticipants(Id(2), {Participant(20, Insz(1))}).ok());
    EXPECT_TRUE(tx.InsertRegistration(registration).ok());
    EXPECT_TRUE(tx.InsertVersion(Version(registration, 1, {Insz(1)})).ok());
    EXPECT_TRUE(tx.SetActiveParticipants(Id(1), "ODB-1", 2025, {Insz(1)}).ok());
    EXPECT_TRUE(tx.RecordRequestId(kOrg, "confirm", "r-1", Id(1), kFingerprint).ok());
    EXPECT_TRUE(tx.AppendOutbox({"mail", "payload"}).ok());
    return absl::FailedPreconditionError("changed my mind");
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;

  EXPECT_EQ(this->backend_.OutboxCount(), 0);
  EXPECT_EQ(this->store().GetTraining("ODB-1").status().code(), absl::StatusCode::kNotFound);
  const absl::Status check = this->Tx([&](RegistrationTransaction& tx) -> absl::Status {
    EXPECT_EQ(tx.GetDraft(kOrg, Id(2)).status().code(), absl::StatusCode::kNotFound);
    absl::StatusOr<std::vector<ParticipantRecord>> participants = tx.ListParticipants(Id(2));
    EXPECT_TRUE(participants.ok() && participants->empty());
    EXPECT_EQ(tx.GetRegistration(kOrg, Id(1)).status().code(), absl::StatusCode::kNotFound);
    EXPECT_EQ(tx.GetVersion(kOrg, Id(1), 1, false).status().code(), absl::StatusCode::kNotFound);
    absl::StatusOr<std::vector<ActiveConflict>> active =
        tx.FindActiveConflicts("ODB-1", 2025, {Insz(1)}, "");
    EXPECT_TRUE(active.ok() && active->empty());
    absl::StatusOr<std::optional<std::string>> request = tx.FindRequestId(kOrg, "confirm", "r-1", kFingerprint);
    EXPECT_TRUE(request.ok() && !request->has_value());
    return absl::OkStatus();
  });
  EXPECT_TRUE(check.ok()) << check;
}

TYPED_TEST(RegistrationVersionsContractTest, CommittedBodyKeepsEverything) {
  const absl::Status status = this->Tx([&](RegistrationTransaction& tx) -> absl::Status {
    EXPECT_TRUE(tx.UpsertTraining(Training("ODB-1")).ok());
    absl::StatusOr<uint64_t> first = tx.AppendOutbox({"mail", std::string("a\0b", 3)});
    absl::StatusOr<uint64_t> second = tx.AppendOutbox({"mail", "c"});
    EXPECT_TRUE(first.ok() && second.ok());
    if (first.ok() && second.ok()) {
      EXPECT_LT(*first, *second);
    }
    return tx.RecordRequestId(kOrg, "confirm", "r-1", Id(1), kFingerprint);
  });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(this->backend_.OutboxCount(), 2);
  EXPECT_TRUE(this->store().GetTraining("ODB-1").ok());
}

}  // namespace
}  // namespace wse::registration::store_test
