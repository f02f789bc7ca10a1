// MySQL only, what the serialised fake cannot show: a 10,000-participant upload through the
// multi-row statements (printing the time each step takes; no timing assertion, as the machine
// is shared and the build has sanitizers), two transactions racing for one participant, and an
// unreachable database.

#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/mysql_pool.h"
#include "common/status_macros.h"
#include "gtest/gtest.h"
#include "registration-svc/domain/model.h"
#include "registration-svc/domain/store.h"
#include "registration-svc/storage/mysql_store.h"
#include "tests/integration/registration/store_test_support.h"

namespace wse::registration::store_test {
namespace {

constexpr int kRows = 10000;

// Runs `body` in one transaction and prints how long it took.
absl::Status Timed(RegistrationStore& store, const char* what,
                   const std::function<absl::Status(RegistrationTransaction&)>& body) {
  const auto start = std::chrono::steady_clock::now();
  absl::Status status = store.Transact(body);
  const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
  std::printf("[ timing   ] %-48s %8.1f ms\n", what, took.count());
  return status;
}

TEST(MysqlRegistrationStoreTest, TenThousandParticipants) {
  MysqlBackend backend;
  ASSERT_TRUE(backend.ready().ok()) << backend.ready();
  RegistrationStore& store = backend.store();

  std::vector<ParticipantRecord> participants;
  std::vector<std::string> insz;
  for (int i = 0; i < kRows; ++i) {
    participants.push_back(Participant(100000 + i, Insz(i)));
    insz.push_back(Insz(i));
  }
  ASSERT_TRUE(
      store.Transact([](RegistrationTransaction& tx) { return tx.InsertDraft(Draft(1, kOrg)); })
          .ok());

  absl::Status status = Timed(
      store, "InsertParticipants (10,000 rows)",
      [&](RegistrationTransaction& tx) { return tx.InsertParticipants(Id(1), participants); });
  ASSERT_TRUE(status.ok()) << status;

  absl::StatusOr<std::vector<ParticipantRecord>> listed;
  status = Timed(store, "ListParticipants (10,000 rows)", [&](RegistrationTransaction& tx) {
    listed = tx.ListParticipants(Id(1));
    return listed.status();
  });
  ASSERT_TRUE(status.ok()) << status;
  ASSERT_EQ(listed->size(), static_cast<size_t>(kRows));
  EXPECT_EQ(Fields(listed->back()), Fields(participants.back()));

  // Every row matched by INSZ: all updated in place, ids kept.
  std::vector<ParticipantRecord> merged = participants;
  for (int i = 0; i < kRows; ++i) {
    merged[i].id = Id(500000 + i);
    merged[i].input.measurement = Attendance(20.5, 40, 1.25);
  }
  status = Timed(store, "MergeParticipants (10,000 rows, all matched)",
                 [&](RegistrationTransaction& tx) { return tx.MergeParticipants(Id(1), merged); });
  ASSERT_TRUE(status.ok()) << status;

  // A duplicate in the very last row: nothing of the 10,000 stays.
  std::vector<ParticipantRecord> clashing;
  for (int i = 0; i < kRows; ++i) clashing.push_back(Participant(200000 + i, Insz(20000 + i)));
  clashing.back().input.insz = Insz(0);
  status =
      Timed(store, "InsertParticipants (10,000 rows, last clashes)",
            [&](RegistrationTransaction& tx) { return tx.InsertParticipants(Id(1), clashing); });
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << status;

  const RegistrationRecord registration = Registration(2, kOrg);
  RegistrationVersionRecord version = Version(registration, 1, insz);
  status = Timed(store, "InsertVersion + SetActiveParticipants (10,000)",
                 [&](RegistrationTransaction& tx) -> absl::Status {
                   RETURN_IF_ERROR(tx.InsertRegistration(registration));
                   RETURN_IF_ERROR(tx.InsertVersion(version).status());
                   return tx.SetActiveParticipants(registration.id, "ODB-1", 2025, insz);
                 });
  ASSERT_TRUE(status.ok()) << status;

  absl::StatusOr<std::vector<ActiveConflict>> conflicts;
  status = Timed(store, "FindActiveConflicts (10,000 asked, all active)",
                 [&](RegistrationTransaction& tx) {
                   conflicts = tx.FindActiveConflicts("ODB-1", 2025, insz, "");
                   return conflicts.status();
                 });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(conflicts->size(), static_cast<size_t>(kRows));

  absl::StatusOr<RegistrationVersionRecord> stored;
  status =
      Timed(store, "GetVersion with participants (10,000 lines)", [&](RegistrationTransaction& tx) {
        stored = tx.GetVersion(kOrg, registration.id, 1, true);
        return stored.status();
      });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(stored->participants.size(), static_cast<size_t>(kRows));

  absl::StatusOr<std::vector<ParticipantRecord>> after;
  ASSERT_TRUE(store
                  .Transact([&](RegistrationTransaction& tx) {
                    after = tx.ListParticipants(Id(1));
                    return after.status();
                  })
                  .ok());
  ASSERT_EQ(after->size(), static_cast<size_t>(kRows));
  EXPECT_EQ(after->front().id, participants.front().id);
  EXPECT_EQ(Fields(after->front().input), Fields(merged.front().input));
}

// The check in SetActiveParticipants reads committed rows only; the primary key decides the race:
// the second transaction waits for the first one's row lock and then gets ALREADY_EXISTS with
// nothing of its own kept.
TEST(MysqlRegistrationStoreTest, ConcurrentActivationsOfOneParticipantClashOnTheKey) {
  MysqlBackend backend;
  ASSERT_TRUE(backend.ready().ok()) << backend.ready();
  RegistrationStore& store = backend.store();

  absl::Notification first_wrote;
  std::atomic<bool> notified{false};
  absl::Status first_status;
  std::thread first([&] {
    first_status = store.Transact([&](RegistrationTransaction& tx) {
      absl::Status status = tx.SetActiveParticipants(Id(1), "ODB-1", 2025, {Insz(1)});
      if (!notified.exchange(true)) first_wrote.Notify();
      absl::SleepFor(absl::Milliseconds(300));  // Holds the row lock meanwhile.
      return status;
    });
  });
  first_wrote.WaitForNotification();
  const absl::Status second = store.Transact([&](RegistrationTransaction& tx) {
    return tx.SetActiveParticipants(Id(2), "ODB-1", 2025, {Insz(2), Insz(1)});
  });
  first.join();
  EXPECT_TRUE(first_status.ok()) << first_status;
  EXPECT_EQ(second.code(), absl::StatusCode::kAlreadyExists) << second;

  absl::StatusOr<std::vector<ActiveConflict>> active;
  ASSERT_TRUE(store
                  .Transact([&](RegistrationTransaction& tx) {
                    active = tx.FindActiveConflicts("ODB-1", 2025, {Insz(1), Insz(2)}, "");
                    return active.status();
                  })
                  .ok());
  ASSERT_EQ(active->size(), 1u);
  EXPECT_EQ(active->front().insz, Insz(1));
  EXPECT_EQ(active->front().registration_id, Id(1));
}

TEST(MysqlRegistrationStoreTest, UnreachableDatabaseIsUnavailable) {
  MysqlOptions options;
  options.socket = "/nonexistent/wse-registration-test.sock";
  options.connect_timeout = absl::Seconds(1);
  MysqlPool pool(options);
  MysqlRegistrationStore store(pool);
  bool ran = false;
  const absl::Status status = store.Transact([&](RegistrationTransaction&) {
    ran = true;
    return absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_FALSE(ran);
  EXPECT_EQ(store.GetTraining("ODB-1").status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(store.ListTrainings(TrainingFilter(), Page()).status().code(),
            absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace wse::registration::store_test
