// One contract, two implementations: every typed test here runs against the in-memory fake
// (tests/support/registration_fakes.h) and against MysqlRegistrationStore on a throwaway schema,
// so unit tests written against the fake stay true of production. This file: request ids, the
// training catalogue, drafts and their participants. Registrations, versions, active
// participants and transactions: store_contract_registrations_test.cc.

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "gtest/gtest.h"
#include "registration-svc/domain/model.h"
#include "registration-svc/domain/school_year.h"
#include "registration-svc/domain/store.h"
#include "registration-svc/domain/vov_rules.h"
#include "tests/integration/registration/store_test_support.h"

namespace wse::registration::store_test {
namespace {

// The fingerprint the request ids below are recorded for (common/request_fingerprint.h).
constexpr char kFingerprint[] = "fp-1";

template <typename Backend>
class RegistrationStoreContractTest : public StoreTest<Backend> {};
TYPED_TEST_SUITE(RegistrationStoreContractTest, Backends, BackendNames);

Page PageOf(int size, std::string after = "") {
  Page page;
  page.size = size;
  page.after = std::move(after);
  return page;
}

// ---- Request ids. ----

TYPED_TEST(RegistrationStoreContractTest, RequestIdsAreKeptPerOrganisationAndKind) {
  absl::Status status = this->Tx([&](RegistrationTransaction& tx) -> absl::Status {
    absl::StatusOr<std::optional<std::string>> missing = tx.FindRequestId(kOrg, "confirm", "r-1", kFingerprint);
    EXPECT_TRUE(missing.ok() && !missing->has_value());
    EXPECT_TRUE(tx.RecordRequestId(kOrg, "confirm", "r-1", Id(1), kFingerprint).ok());
    EXPECT_EQ(tx.RecordRequestId(kOrg, "confirm", "r-1", Id(2), kFingerprint).code(),
              absl::StatusCode::kAlreadyExists);
    // Another organisation, kind or letter case is another key.
    EXPECT_TRUE(tx.RecordRequestId(kOtherOrg, "confirm", "r-1", Id(3), kFingerprint).ok());
    EXPECT_TRUE(tx.RecordRequestId(kOrg, "create_draft", "r-1", Id(4), kFingerprint).ok());
    EXPECT_TRUE(tx.RecordRequestId(kOrg, "confirm", "R-1", Id(5), kFingerprint).ok());
    return absl::OkStatus();
  });
  ASSERT_TRUE(status.ok()) << status;

  auto find = [&](const std::string& org, const std::string& kind, const std::string& request) {
    return this->Get(
        [&](RegistrationTransaction& tx) { return tx.FindRequestId(org, kind, request, kFingerprint); });
  };
  EXPECT_EQ(*find(kOrg, "confirm", "r-1"), std::optional<std::string>(Id(1)));
  EXPECT_EQ(*find(kOtherOrg, "confirm", "r-1"), std::optional<std::string>(Id(3)));
  EXPECT_EQ(*find(kOrg, "create_draft", "r-1"), std::optional<std::string>(Id(4)));
  EXPECT_EQ(*find(kOrg, "confirm", "R-1"), std::optional<std::string>(Id(5)));
  EXPECT_EQ(*find(kOrg, "confirm", "r-2"), std::nullopt);
  // The same key for another request is refused.
  const absl::Status reused = this->Get([&](RegistrationTransaction& tx) {
                                    return tx.FindRequestId(kOrg, "confirm", "r-1", "fp-2");
                                  }).status();
  EXPECT_EQ(reused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ReasonOf(reused), "REQUEST_ID_REUSED");

  // A recorded key in a committed transaction stays: a later duplicate fails that call only.
  status = this->Tx([&](RegistrationTransaction& tx) {
    return tx.RecordRequestId(kOrg, "confirm", "r-1", Id(6), kFingerprint);
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << status;
}

// ---- Trainings. ----

TYPED_TEST(RegistrationStoreContractTest, TrainingRoundTripAndUpsertKeepsCreateTime) {
  const TrainingRecord training = Training("ODB-1001");
  ASSERT_TRUE(
      this->Tx([&](RegistrationTransaction& tx) { return tx.UpsertTraining(training); }).ok());

  absl::StatusOr<TrainingRecord> read =
      this->Get([&](RegistrationTransaction& tx) { return tx.GetTraining("ODB-1001"); });
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(Fields(*read), Fields(training));
  read = this->store().GetTraining("ODB-1001");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(Fields(*read), Fields(training));

  // Replaced: unset dates, no modules, other volumes; create_time stays.
  TrainingRecord changed = Training("ODB-1001", Id(901));
  changed.title = "Lassen (herwerkt)";
  changed.facts.type = TrainingType::kEvc;
  changed.facts.planned_hours = 0.01;
  changed.facts.start_date.reset();
  changed.facts.end_date.reset();
  changed.facts.recognition_end_date.reset();
  changed.facts.postgraduate = false;
  changed.facts.delivery_mode = DeliveryMode::kDistance;
  changed.modules.clear();
  changed.facts.module_codes.clear();
  changed.create_time = At(500);
  changed.update_time = At(600, 9);
  ASSERT_TRUE(
      this->Tx([&](RegistrationTransaction& tx) { return tx.UpsertTraining(changed); }).ok());
  TrainingRecord expected = changed;
  expected.create_time = training.create_time;
  read = this->store().GetTraining("ODB-1001");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(Fields(*read), Fields(expected));
}

TYPED_TEST(RegistrationStoreContractTest, TrainingModuleCodesMirrorTheModules) {
  TrainingRecord training = Training("ODB-1002");
  training.facts.module_codes = {"stale"};  // Not stored: read back from the modules.
  training.facts.module_hours = {99};
  ASSERT_TRUE(
      this->Tx([&](RegistrationTransaction& tx) { return tx.UpsertTraining(training); }).ok());
  absl::StatusOr<TrainingRecord> read = this->store().GetTraining("ODB-1002");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->facts.module_codes, (std::vector<std::string>{"M1", "M2"}));
  EXPECT_EQ(read->facts.module_hours, (std::vector<double>{12.25, 0.1}));
}

TYPED_TEST(RegistrationStoreContractTest, MissingTrainingIsNotFound) {
  EXPECT_EQ(this->store().GetTraining("ODB-404").status().code(), absl::StatusCode::kNotFound);
  absl::StatusOr<TrainingRecord> read =
      this->Get([&](RegistrationTransaction& tx) { return tx.GetTraining("ODB-404"); });
  EXPECT_EQ(read.status().code(), absl::StatusCode::kNotFound);
}

TYPED_TEST(RegistrationStoreContractTest, ListTrainingsFiltersAndPagesByOdbNumber) {
  auto recognised = [](const std::string& odb, std::optional<Date> start, std::optional<Date> end,
                       const std::string& provider = Id(900)) {
    TrainingRecord training = Training(odb, provider);
    training.facts.recognition_start_date = start;
    training.facts.recognition_end_date = end;
    return training;
  };
  std::vector<TrainingRecord> trainings = {
      // School year 2025-2026 is 2025-09-01 .. 2026-08-31.
      recognised("ODB-A", Date{2026, 8, 31}, std::nullopt),          // starts on its last day
      recognised("ODB-B", Date{2026, 9, 1}, std::nullopt),           // starts after it
      recognised("ODB-C", Date{2020, 1, 1}, Date{2025, 9, 1}),       // ends on its first day
      recognised("ODB-D", Date{2020, 1, 1}, Date{2025, 8, 31}),      // ended before it
      recognised("ODB-E", std::nullopt, std::nullopt),               // not recognised
      recognised("ODB-F", Date{2024, 1, 1}, std::nullopt, Id(901)),  // another provider
  };
  trainings[0].title = "100% online lassen";
  trainings[1].title = "Snijden_en_plooien";
  trainings[2].title = "LASSEN voor beginners";
  trainings[3].title = "Metselen";
  ASSERT_TRUE(this->Tx([&](RegistrationTransaction& tx) -> absl::Status {
                    for (const TrainingRecord& training : trainings) {
                      RETURN_IF_ERROR(tx.UpsertTraining(training));
                    }
                    return absl::OkStatus();
                  })
                  .ok());

  auto list = [&](const std::string& provider, int school_year, const std::string& query,
                  Page page = PageOf(50)) {
    TrainingFilter filter;
    filter.provider_organization_id = provider;
    filter.school_year = school_year;
    filter.query = query;
    return OdbNumbers(this->store().ListTrainings(filter, page));
  };
  using Numbers = std::vector<std::string>;
  EXPECT_EQ(list("", 0, ""), (Numbers{"ODB-A", "ODB-B", "ODB-C", "ODB-D", "ODB-E", "ODB-F"}));
  EXPECT_EQ(list(Id(901), 0, ""), (Numbers{"ODB-F"}));
  // The run 2025-09-15..2026-06-30 (Training()) is covered only by ODB-F's recognition.
  EXPECT_EQ(list("", 2025, ""), (Numbers{"ODB-F"}));
  EXPECT_EQ(list(Id(900), 2025, ""), (Numbers{}));
  EXPECT_EQ(list("", 2026, ""), (Numbers{}));

  // Case-insensitive substring of the title or the ODB number; % and _ are literal.
  EXPECT_EQ(list("", 0, "lassen"), (Numbers{"ODB-A", "ODB-C", "ODB-E", "ODB-F"}));
  EXPECT_EQ(list("", 0, "odb-d"), (Numbers{"ODB-D"}));
  EXPECT_EQ(list("", 0, "0%"), (Numbers{"ODB-A"}));
  EXPECT_EQ(list("", 0, "n_e"), (Numbers{"ODB-B"}));
  EXPECT_EQ(list("", 0, "_"), (Numbers{"ODB-B"}));
  EXPECT_EQ(list("", 0, "!"), (Numbers{}));
  EXPECT_EQ(list("", 2025, "lassen"), (Numbers{"ODB-F"}));

  // Keyset pages, ascending.
  EXPECT_EQ(list("", 0, "", PageOf(2)), (Numbers{"ODB-A", "ODB-B"}));
  EXPECT_EQ(list("", 0, "", PageOf(2, "ODB-B")), (Numbers{"ODB-C", "ODB-D"}));
  EXPECT_EQ(list("", 0, "", PageOf(2, "ODB-E")), (Numbers{"ODB-F"}));
  EXPECT_EQ(list("", 0, "", PageOf(2, "ODB-F")), (Numbers{}));
  EXPECT_EQ(this->store().ListTrainings(TrainingFilter(), PageOf(0)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// The school-year filter offers exactly the trainings CreateDraft accepts for that year: the
// store's answer (SQL on MariaDB) against the domain's SchoolYearFinding, at every boundary.
TYPED_TEST(RegistrationStoreContractTest, ListTrainingsBySchoolYearAgreesWithTheDraftRule) {
  auto shaped = [](const std::string& odb, std::optional<Date> run_start,
                   std::optional<Date> run_end, std::optional<Date> recognised_from,
                   std::optional<Date> recognised_to) {
    TrainingRecord training = Training(odb);
    training.facts.start_date = run_start;
    training.facts.end_date = run_end;
    training.facts.recognition_start_date = recognised_from;
    training.facts.recognition_end_date = recognised_to;
    return training;
  };
  const Date run_start{2025, 9, 15}, run_end{2026, 6, 30};
  const std::vector<TrainingRecord> trainings = {
      // School year 2025-2026 is 2025-09-01 .. 2026-08-31.
      shaped("ODB-A", run_start, run_end, run_start, std::nullopt),          // from the run's start
      shaped("ODB-B", run_start, run_end, Date{2025, 9, 16}, std::nullopt),  // a day late
      shaped("ODB-C", run_start, run_end, Date{2020, 1, 1}, run_end),        // to the run's end
      shaped("ODB-D", run_start, run_end, Date{2020, 1, 1}, Date{2026, 6, 29}),  // a day short
      shaped("ODB-E", run_start, run_end, std::nullopt, std::nullopt),           // not recognised
      // February to January: two school years.
      shaped("ODB-F", Date{2025, 2, 1}, Date{2026, 1, 31}, Date{2024, 1, 1}, std::nullopt),
      // No run dates: the run fills every year, so the recognition must cover the whole year.
      shaped("ODB-G", std::nullopt, std::nullopt, Date{2025, 9, 1}, Date{2026, 8, 31}),
      shaped("ODB-H", std::nullopt, std::nullopt, Date{2025, 9, 2}, Date{2026, 8, 31}),
      // Starts on the year's last day; ends on the next year's first day.
      shaped("ODB-I", Date{2026, 8, 31}, Date{2026, 12, 31}, Date{2026, 8, 31}, std::nullopt),
      shaped("ODB-J", Date{2024, 10, 1}, Date{2025, 9, 1}, Date{2020, 1, 1}, std::nullopt),
      // A recognition that ends on 31 August does not cover the run's part after it.
      shaped("ODB-K", run_start, Date{2026, 10, 31}, Date{2025, 1, 1}, Date{2026, 8, 31}),
      // Only a start date, only an end date.
      shaped("ODB-L", Date{2026, 3, 1}, std::nullopt, Date{2026, 3, 1}, std::nullopt),
      shaped("ODB-M", std::nullopt, Date{2025, 12, 31}, Date{2025, 9, 1}, Date{2025, 12, 31}),
  };
  ASSERT_TRUE(this->Tx([&](RegistrationTransaction& tx) -> absl::Status {
                    for (const TrainingRecord& training : trainings) {
                      RETURN_IF_ERROR(tx.UpsertTraining(training));
                    }
                    return absl::OkStatus();
                  })
                  .ok());
  auto list = [&](int school_year) {
    TrainingFilter filter;
    filter.school_year = school_year;
    return OdbNumbers(this->store().ListTrainings(filter, PageOf(50)));
  };
  using Numbers = std::vector<std::string>;
  EXPECT_EQ(list(2024), (Numbers{"ODB-F", "ODB-J"}));
  EXPECT_EQ(list(2025), (Numbers{"ODB-A", "ODB-C", "ODB-F", "ODB-G", "ODB-I", "ODB-J", "ODB-K",
                                 "ODB-L", "ODB-M"}));
  EXPECT_EQ(list(2026), (Numbers{"ODB-I", "ODB-L"}));
  // And every answer is the draft rule's.
  for (int year : {2023, 2024, 2025, 2026, 2027}) {
    Numbers expected;
    for (const TrainingRecord& training : trainings) {
      if (!SchoolYearFinding(training.facts, SchoolYear::StartingIn(year))) {
        expected.push_back(training.facts.odb_number);
      }
    }
    EXPECT_EQ(list(year), expected) << year;
  }
}

// ---- Drafts. ----

TYPED_TEST(RegistrationStoreContractTest, DraftRoundTripUpdateAndVersionConflict) {
  const DraftRecord draft = Draft(1, kOrg);
  ASSERT_TRUE(this->Tx([&](RegistrationTransaction& tx) { return tx.InsertDraft(draft); }).ok());

  absl::StatusOr<DraftRecord> read =
      this->Get([&](RegistrationTransaction& tx) { return tx.GetDraft(kOrg, Id(1)); });
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(Fields(*read), Fields(draft));

  DraftRecord confirmed = draft;
  confirmed.odb_number = "ODB-2";
  confirmed.school_year = 2026;
  confirmed.state = DraftState::kConfirmed;
  confirmed.corrects_registration_id = Id(70);
  confirmed.corrects_version = 3;
  confirmed.registration_id = Id(70);
  confirmed.registration_version = 4;
  confirmed.creator_id = Id(501);
  confirmed.update_time = At(100, 8);
  confirmed.expire_time = At(200, 9);
  confirmed.version = 2;
  confirmed.validated_version = 1;
  confirmed.create_time = At(999);   // Ignored.
  confirmed.participant_count = 77;  // Ignored: counted.
  ASSERT_TRUE(
      this->Tx([&](RegistrationTransaction& tx) { return tx.UpdateDraft(confirmed); }).ok());

  DraftRecord expected = confirmed;
  expected.create_time = draft.create_time;
  expected.participant_count = 0;
  read = this->Get([&](RegistrationTransaction& tx) { return tx.GetDraft(kOrg, Id(1)); });
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(Fields(*read), Fields(expected));

  // Stale (the stored version is 2, not 1), missing, or in another organisation: ABORTED.
  absl::Status status =
      this->Tx([&](RegistrationTransaction& tx) { return tx.UpdateDraft(confirmed); });
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted) << status;
  DraftRecord missing = Draft(2, kOrg);
  missing.version = 2;
  status = this->Tx([&](RegistrationTransaction& tx) { return tx.UpdateDraft(missing); });
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted) << status;
  DraftRecord moved = expected;
  moved.organization_id = kOtherOrg;
  moved.version = 3;
  status = this->Tx([&](RegistrationTransaction& tx) { return tx.UpdateDraft(moved); });
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted) << status;

  // Back to no correction / no registration: the optional ids read back empty.
  DraftRecord reopened = expected;
  reopened.state = DraftState::kExpired;
  reopened.corrects_registration_id.clear();
  reopened.corrects_version = 0;
  reopened.registration_id.clear();
  reopened.registration_version = 0;
  reopened.version = 3;
  ASSERT_TRUE(this->Tx([&](RegistrationTransaction& tx) { return tx.UpdateDraft(reopened); }).ok());
  read = this->Get([&](RegistrationTransaction& tx) { return tx.GetDraft(kOrg, Id(1)); });
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(Fields(*read), Fields(reopened));
}

TYPED_TEST(RegistrationStoreContractTest, MarkValidatedKeepsTheVersionAndIgnoresStaleResults) {
  ASSERT_TRUE(
      this->Tx([&](RegistrationTransaction& tx) { return tx.InsertDraft(Draft(1, kOrg)); }).ok());
  auto read = [&] {
    return this->Get([&](RegistrationTransaction& tx) { return tx.GetDraft(kOrg, Id(1)); });
  };
  const int64_t version = read()->version;
  // Another organisation's or an older version's result changes nothing.
  ASSERT_TRUE(this->Tx([&](RegistrationTransaction& tx) {
                    return tx.MarkValidated(kOtherOrg, Id(1), version);
                  }).ok());
  ASSERT_TRUE(this->Tx([&](RegistrationTransaction& tx) {
                    return tx.MarkValidated(kOrg, Id(1), version - 1);
                  }).ok());
  EXPECT_EQ(read()->validated_version, 0);
  ASSERT_TRUE(this->Tx([&](RegistrationTransaction& tx) {
                    return tx.MarkValidated(kOrg, Id(1), version);
                  }).ok());
  EXPECT_EQ(read()->validated_version, version);
  EXPECT_EQ(read()->version, version);  // The etag does not move.
}

// Issue 19 (privacy): drafts that expired before the cut-off go with their participants (their
// INSZ numbers), of any organisation and state, oldest first, at most `limit` per call; the
// others stay untouched.
TYPED_TEST(RegistrationStoreContractTest, PurgeDeletesExpiredDraftsWithTheirParticipants) {
  // Drafts 1..4 expire at At(n + 30 days); 4 is another organisation's and confirmed.
  for (int n = 1; n <= 4; ++n) {
    DraftRecord draft = Draft(n, n == 4 ? kOtherOrg : kOrg);
    if (n == 4) draft.state = DraftState::kConfirmed;
    ASSERT_TRUE(this->Tx([&](RegistrationTransaction& tx) -> absl::Status {
                      RETURN_IF_ERROR(tx.InsertDraft(draft));
                      return tx.InsertParticipants(Id(n), {Participant(10 + n, Insz(n))});
                    })
                    .ok());
  }
  const absl::Time cutoff = At(3 + 30 * 86400);  // Drafts 1 and 2 expired before it.
  absl::StatusOr<int> purged =
      this->Get([&](RegistrationTransaction& tx) { return tx.PurgeDrafts(cutoff, 1); });
  ASSERT_TRUE(purged.ok()) << purged.status();
  EXPECT_EQ(*purged, 1);
  purged = this->Get([&](RegistrationTransaction& tx) { return tx.PurgeDrafts(cutoff, 10); });
  ASSERT_TRUE(purged.ok()) << purged.status();
  EXPECT_EQ(*purged, 1) << "only draft 2 was left to purge";
  for (int n = 1; n <= 2; ++n) {
    EXPECT_EQ(this->Get([&](RegistrationTransaction& tx) { return tx.GetDraft(kOrg, Id(n)); })
                  .status()
                  .code(),
              absl::StatusCode::kNotFound)
        << n;
    auto rows = this->Get([&](RegistrationTransaction& tx) { return tx.ListParticipants(Id(n)); });
    EXPECT_TRUE(!rows.ok() || rows->empty()) << "draft " << n << "'s participants stayed";
  }
  EXPECT_TRUE(
      this->Get([&](RegistrationTransaction& tx) { return tx.GetDraft(kOrg, Id(3)); }).ok());
  auto kept = this->Get([&](RegistrationTransaction& tx) { return tx.ListParticipants(Id(3)); });
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->size(), 1u);
  // A later cut-off takes the other organisation's confirmed draft too.
  purged = this->Get(
      [&](RegistrationTransaction& tx) { return tx.PurgeDrafts(At(10 + 30 * 86400), 10); });
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(*purged, 2);
  EXPECT_EQ(this->Get([&](RegistrationTransaction& tx) { return tx.PurgeDrafts(cutoff, 0); })
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TYPED_TEST(RegistrationStoreContractTest, DraftsOfAnotherOrganisationAreNotFound) {
  ASSERT_TRUE(this->Tx([&](RegistrationTransaction& tx) -> absl::Status {
                    RETURN_IF_ERROR(tx.InsertDraft(Draft(1, kOrg)));
                    return tx.InsertParticipants(Id(1), {Participant(10, Insz(1))});
                  })
                  .ok());
  absl::Status status = this->Tx([&](RegistrationTransaction& tx) -> absl::Status {
    EXPECT_EQ(tx.GetDraft(kOtherOrg, Id(1)).status().code(), absl::StatusCode::kNotFound);
    EXPECT_EQ(tx.GetDraft(kOrg, Id(2)).status().code(), absl::StatusCode::kNotFound);
    EXPECT_EQ(tx.DeleteDraft(kOtherOrg, Id(1)).code(), absl::StatusCode::kNotFound);
    EXPECT_EQ(tx.DeleteDraft(kOrg, Id(2)).code(), absl::StatusCode::kNotFound);
    // Same id again (in any organisation): ALREADY_EXISTS, and the transaction goes on.
    EXPECT_EQ(tx.InsertDraft(Draft(1, kOtherOrg)).code(), absl::StatusCode::kAlreadyExists);
    return tx.InsertDraft(Draft(3, kOtherOrg));
  });
  ASSERT_TRUE(status.ok()) << status;

  // The failed delete through the other organisation left the draft and its participant.
  absl::StatusOr<DraftRecord> read =
      this->Get([&](RegistrationTransaction& tx) { return tx.GetDraft(kOrg, Id(1)); });
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->participant_count, 1);
  EXPECT_TRUE(
      this->Get([&](RegistrationTransaction& tx) { return tx.GetDraft(kOtherOrg, Id(3)); }).ok());
}

TYPED_TEST(RegistrationStoreContractTest, DeleteDraftRemovesItsParticipants) {
  ASSERT_TRUE(this->Tx([&](RegistrationTransaction& tx) -> absl::Status {
                    EXPECT_TRUE(tx.InsertDraft(Draft(1, kOrg)).ok());
                    EXPECT_TRUE(tx.InsertDraft(Draft(2, kOrg)).ok());
                    EXPECT_TRUE(tx.InsertParticipants(
                                      Id(1), {Participant(10, Insz(1)), Participant(11, Insz(2))})
                                    .ok());
                    return tx.InsertParticipants(Id(2), {Participant(12, Insz(1))});
                  })
                  .ok());
  ASSERT_TRUE(
      this->Tx([&](RegistrationTransaction& tx) { return tx.DeleteDraft(kOrg, Id(1)); }).ok());

  EXPECT_EQ(this->Get([&](RegistrationTransaction& tx) { return tx.GetDraft(kOrg, Id(1)); })
                .status()
                .code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(ParticipantIds(
                this->Get([&](RegistrationTransaction& tx) { return tx.ListParticipants(Id(1)); })),
            std::vector<std::string>{});
  EXPECT_EQ(ParticipantIds(
                this->Get([&](RegistrationTransaction& tx) { return tx.ListParticipants(Id(2)); })),
            std::vector<std::string>{Id(12)});
  const absl::Status again =
      this->Tx([&](RegistrationTransaction& tx) { return tx.DeleteDraft(kOrg, Id(1)); });
  EXPECT_EQ(again.code(), absl::StatusCode::kNotFound) << again;
}

TYPED_TEST(RegistrationStoreContractTest, ListDraftsFiltersAndPagesNewestFirst) {
  ASSERT_TRUE(this->Tx([&](RegistrationTransaction& tx) -> absl::Status {
                    EXPECT_TRUE(tx.InsertDraft(Draft(1, kOrg)).ok());
                    EXPECT_TRUE(tx.InsertDraft(Draft(2, kOrg, "ODB-2")).ok());
                    EXPECT_TRUE(tx.InsertDraft(Draft(3, kOrg, "ODB-1", 2024)).ok());
                    DraftRecord confirmed = Draft(4, kOrg);
                    confirmed.state = DraftState::kConfirmed;
                    EXPECT_TRUE(tx.InsertDraft(confirmed).ok());
                    DraftRecord expired = Draft(5, kOrg);
                    expired.state = DraftState::kExpired;
                    EXPECT_TRUE(tx.InsertDraft(expired).ok());
                    EXPECT_TRUE(tx.InsertDraft(Draft(6, kOtherOrg)).ok());
                    EXPECT_TRUE(tx.InsertDraft(Draft(7, kOrg)).ok());
                    return tx.InsertParticipants(
                        Id(7), {Participant(70, Insz(1)), Participant(71, Insz(2))});
                  })
                  .ok());

  auto list = [&](const std::string& odb, int school_year, bool closed, Page page = PageOf(50)) {
    DraftFilter filter;
    filter.organization_id = kOrg;
    filter.odb_number = odb;
    filter.school_year = school_year;
    filter.include_closed = closed;
    return this->Get([&](RegistrationTransaction& tx) { return tx.ListDrafts(filter, page); });
  };
  using Strings = std::vector<std::string>;
  EXPECT_EQ(Ids(list("", 0, false)), (Strings{Id(7), Id(3), Id(2), Id(1)}));
  EXPECT_EQ(Ids(list("", 0, true)), (Strings{Id(7), Id(5), Id(4), Id(3), Id(2), Id(1)}));
  EXPECT_EQ(Ids(list("ODB-1", 0, false)), (Strings{Id(7), Id(3), Id(1)}));
  EXPECT_EQ(Ids(list("ODB-1", 2025, false)), (Strings{Id(7), Id(1)}));
  EXPECT_EQ(Ids(list("", 2024, true)), (Strings{Id(3)}));
  EXPECT_EQ(Ids(list("", 0, true, PageOf(2))), (Strings{Id(7), Id(5)}));
  EXPECT_EQ(Ids(list("", 0, true, PageOf(2, Id(5)))), (Strings{Id(4), Id(3)}));
  EXPECT_EQ(Ids(list("", 0, true, PageOf(2, Id(2)))), (Strings{Id(1)}));
  EXPECT_EQ(Ids(list("", 0, true, PageOf(2, Id(1)))), (Strings{}));
  EXPECT_EQ(list("", 0, false, PageOf(0)).status().code(), absl::StatusCode::kInvalidArgument);

  absl::StatusOr<std::vector<DraftRecord>> drafts = list("", 0, false, PageOf(1));
  ASSERT_TRUE(drafts.ok() && drafts->size() == 1u) << drafts.status();
  EXPECT_EQ(Fields(drafts->front()), Fields([] {
              DraftRecord expected = Draft(7, kOrg);
              expected.participant_count = 2;
              return expected;
            }()));
}

TYPED_TEST(RegistrationStoreContractTest,
           OpenCorrectionsAreTheOrganisationsOpenDraftsForARegistration) {
  ASSERT_TRUE(
      this->Tx([&](RegistrationTransaction& tx) -> absl::Status {
            auto correcting = [](int n, const std::string& org, const std::string& reg,
                                 DraftState state) {
              DraftRecord draft = Draft(n, org);
              draft.corrects_registration_id = reg;
              draft.corrects_version = 1;
              draft.state = state;
              draft.expire_time = At(-3600);  // Expired by time: still listed.
              return draft;
            };
            EXPECT_TRUE(tx.InsertDraft(correcting(1, kOrg, Id(50), DraftState::kOpen)).ok());
            EXPECT_TRUE(tx.InsertDraft(correcting(2, kOrg, Id(50), DraftState::kConfirmed)).ok());
            EXPECT_TRUE(tx.InsertDraft(correcting(3, kOrg, Id(51), DraftState::kOpen)).ok());
            EXPECT_TRUE(tx.InsertDraft(correcting(4, kOtherOrg, Id(50), DraftState::kOpen)).ok());
            EXPECT_TRUE(tx.InsertDraft(correcting(5, kOrg, Id(50), DraftState::kOpen)).ok());
            return tx.InsertDraft(Draft(6, kOrg));  // Not a correction.
          })
          .ok());
  using Strings = std::vector<std::string>;
  EXPECT_EQ(
      Ids(this->Get([&](RegistrationTransaction& tx) { return tx.OpenCorrections(kOrg, Id(50)); })),
      (Strings{Id(5), Id(1)}));
  EXPECT_EQ(Ids(this->Get([&](RegistrationTransaction& tx) {
              return tx.OpenCorrections(kOtherOrg, Id(50));
            })),
            (Strings{Id(4)}));
  EXPECT_EQ(
      Ids(this->Get([&](RegistrationTransaction& tx) { return tx.OpenCorrections(kOrg, Id(52)); })),
      (Strings{}));
  EXPECT_EQ(
      Ids(this->Get([&](RegistrationTransaction& tx) { return tx.OpenCorrections(kOrg, ""); })),
      (Strings{}));
}

// ---- Participants. ----

// One participant of each shape: no measurement, attendance, participation with and without
// module codes; answers unset, true and false; with and without an end date.
std::vector<ParticipantRecord> VariedParticipants() {
  std::vector<ParticipantRecord> participants;
  ParticipantRecord none = Participant(13, Insz(3));
  none.display_name = "Zoë D'Hondt-Ñúñez";
  none.input.measurement = std::monostate();
  none.input.final_assessment = FinalAssessment::kUnspecified;
  none.input.route_completed.reset();
  none.input.exam_contract.reset();
  none.input.actual_end_date.reset();
  participants.push_back(none);

  ParticipantRecord attendance = Participant(11, Insz(1));
  attendance.input.measurement = Attendance(12.25, 99.99, 0.01);
  participants.push_back(attendance);

  ParticipantRecord taken = Participant(12, Insz(2));
  taken.input.measurement = Participation(true, {"M1", "M-é", "with \"quote\""});
  taken.input.final_assessment = FinalAssessment::kNotParticipated;
  taken.input.route_completed = false;
  taken.input.exam_contract = true;
  taken.input.actual_end_date = Date{2026, 2, 28};
  participants.push_back(taken);

  ParticipantRecord not_taken = Participant(14, Insz(4));
  not_taken.display_name = "";
  not_taken.input.measurement = Participation(false, {});
  not_taken.input.final_assessment = FinalAssessment::kJustifiedAbsence;
  participants.push_back(not_taken);
  return participants;
}

TYPED_TEST(RegistrationStoreContractTest, ParticipantsRoundTripInIdOrder) {
  const std::vector<ParticipantRecord> participants = VariedParticipants();
  ASSERT_TRUE(this->Tx([&](RegistrationTransaction& tx) -> absl::Status {
                    EXPECT_TRUE(tx.InsertDraft(Draft(1, kOrg)).ok());
                    return tx.InsertParticipants(Id(1), participants);
                  })
                  .ok());

  // Ordered by id (given as 13, 11, 12, 14).
  std::vector<ParticipantRecord> expected = participants;
  std::swap(expected[0], expected[1]);
  std::swap(expected[1], expected[2]);
  absl::StatusOr<std::vector<ParticipantRecord>> listed =
      this->Get([&](RegistrationTransaction& tx) { return tx.ListParticipants(Id(1)); });
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(AllFields(*listed), AllFields(expected));

  for (const ParticipantRecord& participant : participants) {
    absl::StatusOr<ParticipantRecord> read = this->Get(
        [&](RegistrationTransaction& tx) { return tx.GetParticipant(Id(1), participant.id); });
    ASSERT_TRUE(read.ok()) << read.status();
    EXPECT_EQ(Fields(*read), Fields(participant));
  }
  EXPECT_EQ(this->Get([&](RegistrationTransaction& tx) { return tx.GetParticipant(Id(2), Id(11)); })
                .status()
                .code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(this->Get([&](RegistrationTransaction& tx) { return tx.GetParticipant(Id(1), Id(99)); })
                .status()
                .code(),
            absl::StatusCode::kNotFound);
  absl::StatusOr<DraftRecord> draft =
      this->Get([&](RegistrationTransaction& tx) { return tx.GetDraft(kOrg, Id(1)); });
  ASSERT_TRUE(draft.ok()) << draft.status();
  EXPECT_EQ(draft->participant_count, 4);
}

TYPED_TEST(RegistrationStoreContractTest, InsertParticipantsWithADuplicateInszInsertsNothing) {
  ASSERT_TRUE(this->Tx([&](RegistrationTransaction& tx) -> absl::Status {
                    EXPECT_TRUE(tx.InsertDraft(Draft(1, kOrg)).ok());
                    return tx.InsertParticipants(Id(1), {Participant(10, Insz(1))});
                  })
                  .ok());

  // 1,200 rows (three statements) whose last row repeats an INSZ already in the draft; then an
  // INSZ given twice; then an id already in the draft. Each: ALREADY_EXISTS and nothing inserted,
  // and the transaction goes on.
  std::vector<ParticipantRecord> batch;
  for (int i = 0; i < 1200; ++i) batch.push_back(Participant(1000 + i, Insz(1000 + i)));
  absl::Status status = this->Tx([&](RegistrationTransaction& tx) -> absl::Status {
    std::vector<ParticipantRecord> clashing = batch;
    clashing.back().input.insz = Insz(1);
    EXPECT_EQ(tx.InsertParticipants(Id(1), clashing).code(), absl::StatusCode::kAlreadyExists);
    std::vector<ParticipantRecord> twice = batch;
    twice[700].input.insz = Insz(1001);
    EXPECT_EQ(tx.InsertParticipants(Id(1), twice).code(), absl::StatusCode::kAlreadyExists);
    EXPECT_EQ(tx.InsertParticipants(Id(1), {Participant(10, Insz(2))}).code(),
              absl::StatusCode::kAlreadyExists);
    absl::StatusOr<std::vector<ParticipantRecord>> rows = tx.ListParticipants(Id(1));
    EXPECT_EQ(ParticipantIds(rows), std::vector<std::string>{Id(10)});
    // The same INSZ in another draft is fine.
    return tx.InsertParticipants(Id(2), {Participant(20, Insz(1))});
  });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(ParticipantIds(
                this->Get([&](RegistrationTransaction& tx) { return tx.ListParticipants(Id(2)); })),
            std::vector<std::string>{Id(20)});

  // The whole batch inserts cleanly; an empty batch is a no-op.
  status = this->Tx([&](RegistrationTransaction& tx) -> absl::Status {
    RETURN_IF_ERROR(tx.InsertParticipants(Id(1), batch));
    return tx.InsertParticipants(Id(1), {});
  });
  ASSERT_TRUE(status.ok()) << status;
  absl::StatusOr<DraftRecord> draft =
      this->Get([&](RegistrationTransaction& tx) { return tx.GetDraft(kOrg, Id(1)); });
  ASSERT_TRUE(draft.ok()) << draft.status();
  EXPECT_EQ(draft->participant_count, 1201);
}

TYPED_TEST(RegistrationStoreContractTest, MergeParticipantsReplacesByInszAndKeepsTheStoredId) {
  ASSERT_TRUE(this->Tx([&](RegistrationTransaction& tx) -> absl::Status {
                    EXPECT_TRUE(tx.InsertDraft(Draft(1, kOrg)).ok());
                    return tx.InsertParticipants(
                        Id(1), {Participant(10, Insz(1)), Participant(11, Insz(2))});
                  })
                  .ok());

  // Insz(1) again under a new id with other data; 600 new rows (two statements).
  ParticipantRecord replacement = Participant(50, Insz(1));
  replacement.display_name = "Nieuwe naam";
  replacement.input.measurement = Participation(true, {"M2"});
  replacement.input.route_completed.reset();
  replacement.input.actual_end_date.reset();
  std::vector<ParticipantRecord> merge = {replacement};
  for (int i = 0; i < 600; ++i) merge.push_back(Participant(100 + i, Insz(100 + i)));
  ASSERT_TRUE(
      this->Tx([&](RegistrationTransaction& tx) { return tx.MergeParticipants(Id(1), merge); })
          .ok());

  absl::StatusOr<std::vector<ParticipantRecord>> rows =
      this->Get([&](RegistrationTransaction& tx) { return tx.ListParticipants(Id(1)); });
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 602u);
  ParticipantRecord expected = replacement;
  expected.id = Id(10);
  EXPECT_EQ(Fields((*rows)[0]), Fields(expected));
  EXPECT_EQ(Fields((*rows)[1]), Fields(Participant(11, Insz(2))));  // Untouched.
  EXPECT_EQ(Fields((*rows)[2]), Fields(Participant(100, Insz(100))));
  EXPECT_EQ(Fields((*rows)[601]), Fields(Participant(699, Insz(699))));

  // Merging the same rows again changes nothing; an empty merge is a no-op.
  ASSERT_TRUE(this->Tx([&](RegistrationTransaction& tx) -> absl::Status {
                    RETURN_IF_ERROR(tx.MergeParticipants(Id(1), merge));
                    return tx.MergeParticipants(Id(1), {});
                  })
                  .ok());
  absl::StatusOr<std::vector<ParticipantRecord>> again =
      this->Get([&](RegistrationTransaction& tx) { return tx.ListParticipants(Id(1)); });
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(AllFields(*again), AllFields(*rows));
}

TYPED_TEST(RegistrationStoreContractTest, UpdateAndDeleteParticipants) {
  ASSERT_TRUE(this->Tx([&](RegistrationTransaction& tx) -> absl::Status {
                    EXPECT_TRUE(tx.InsertDraft(Draft(1, kOrg)).ok());
                    return tx.InsertParticipants(
                        Id(1), {Participant(10, Insz(1)), Participant(11, Insz(2)),
                                Participant(12, Insz(3))});
                  })
                  .ok());

  ParticipantRecord changed = Participant(10, Insz(9));  // The INSZ is never changed.
  changed.display_name = "Gewijzigd";
  changed.input.measurement = Attendance(1.5, 2.75, 0);
  changed.input.exam_contract.reset();
  absl::Status status = this->Tx([&](RegistrationTransaction& tx) -> absl::Status {
    EXPECT_TRUE(tx.UpdateParticipant(Id(1), changed).ok());
    // Writing the same data again is still found (MySQL reports 0 changed rows).
    EXPECT_TRUE(tx.UpdateParticipant(Id(1), changed).ok());
    EXPECT_EQ(tx.UpdateParticipant(Id(2), changed).code(), absl::StatusCode::kNotFound);
    ParticipantRecord missing = Participant(99, Insz(99));
    EXPECT_EQ(tx.UpdateParticipant(Id(1), missing).code(), absl::StatusCode::kNotFound);
    EXPECT_TRUE(tx.DeleteParticipant(Id(1), Id(11)).ok());
    EXPECT_EQ(tx.DeleteParticipant(Id(1), Id(11)).code(), absl::StatusCode::kNotFound);
    EXPECT_EQ(tx.DeleteParticipant(Id(2), Id(12)).code(), absl::StatusCode::kNotFound);
    return absl::OkStatus();
  });
  ASSERT_TRUE(status.ok()) << status;

  ParticipantRecord expected = changed;
  expected.input.insz = Insz(1);
  absl::StatusOr<std::vector<ParticipantRecord>> rows =
      this->Get([&](RegistrationTransaction& tx) { return tx.ListParticipants(Id(1)); });
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(AllFields(*rows),
            AllFields(std::vector<ParticipantRecord>{expected, Participant(12, Insz(3))}));

  ASSERT_TRUE(this->Tx([&](RegistrationTransaction& tx) -> absl::Status {
                    RETURN_IF_ERROR(tx.DeleteAllParticipants(Id(1)));
                    return tx.DeleteAllParticipants(Id(3));  // None: still OK.
                  })
                  .ok());
  EXPECT_EQ(ParticipantIds(
                this->Get([&](RegistrationTransaction& tx) { return tx.ListParticipants(Id(1)); })),
            std::vector<std::string>{});
  // The freed INSZs can be added again.
  status = this->Tx([&](RegistrationTransaction& tx) {
    return tx.InsertParticipants(Id(1), {Participant(20, Insz(1))});
  });
  EXPECT_TRUE(status.ok()) << status;
}

}  // namespace
}  // namespace wse::registration::store_test
