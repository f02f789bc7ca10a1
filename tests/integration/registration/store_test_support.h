#pragma once
// What the registration store tests share: the two backends (the in-memory fake and
// MysqlRegistrationStore on a throwaway schema), the typed fixture, record builders and field
// tuples to compare records with.

#include <cstdint>
#include <functional>
#include <string>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "common/migrations.h"
#include "common/outbox.h"
#include "gtest/gtest.h"
#include "registration-svc/domain/model.h"
#include "registration-svc/domain/store.h"
#include "registration-svc/storage/mysql_store.h"
#include "tests/support/registration_fakes.h"
#include "tests/support/test_database.h"

namespace wse::registration::store_test {

// ---- Backends. ----

class FakeBackend {
 public:
  static constexpr char kName[] = "Fake";
  absl::Status ready() const { return absl::OkStatus(); }
  RegistrationStore& store() { return store_; }
  int OutboxCount() { return static_cast<int>(store_.Outbox().size()); }

 private:
  ::wse::registration::testing::FakeRegistrationStore store_;
};

class MysqlBackend {
 public:
  static constexpr char kName[] = "Mysql";
  MysqlBackend()
      : migrated_(ApplyMigrations(db_.pool(), {{"registration", &EmbeddedMigrations()},
                                               {"outbox", &OutboxMigrations()}})),
        store_(db_.pool()) {}
  absl::Status ready() const { return migrated_; }
  RegistrationStore& store() { return store_; }
  int OutboxCount() { return std::stoi(db_.QueryScalar("SELECT COUNT(*) FROM outbox")); }
  // The first column of the first row of `query` as text (inspection only).
  std::string Query(const std::string& query) { return db_.QueryScalar(query); }

 private:
  ::wse::testing::TestDatabase db_;  // First: the members below use its pool.
  absl::Status migrated_;
  MysqlRegistrationStore store_;
};

class BackendNames {
 public:
  template <typename Backend>
  static std::string GetName(int) {
    return Backend::kName;
  }
};

using Backends = ::testing::Types<FakeBackend, MysqlBackend>;

template <typename Backend>
class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(backend_.ready().ok()) << backend_.ready(); }
  RegistrationStore& store() { return backend_.store(); }

  // Runs `body` in one transaction.
  absl::Status Tx(const std::function<absl::Status(RegistrationTransaction&)>& body) {
    return backend_.store().Transact(body);
  }

  // Runs `read` in its own transaction and returns what it returned (or the failed
  // transaction's status).
  template <typename Read>
  auto Get(const Read& read) -> decltype(read(std::declval<RegistrationTransaction&>())) {
    decltype(read(std::declval<RegistrationTransaction&>())) result =
        absl::InternalError("the transaction did not run");
    const absl::Status status = Tx([&](RegistrationTransaction& tx) {
      result = read(tx);
      return absl::OkStatus();
    });
    if (!status.ok()) return status;
    return result;
  }

  Backend backend_;
};

// ---- Test data. ----

// Fixed instants with a microsecond part (the columns keep exactly six digits).
inline absl::Time At(int64_t offset_seconds, int64_t micros = 0) {
  return absl::FromUnixSeconds(1750000000 + offset_seconds) + absl::Microseconds(micros);
}

// A 32-character id like the service's; Id(n) < Id(n + 1).
inline std::string Id(int n) { return absl::StrFormat("%032d", n); }

// A normalised INSZ; Insz(n) < Insz(n + 1).
inline std::string Insz(int n) { return absl::StrFormat("%011d", 85000000000LL + n); }

inline const std::string kOrg = Id(900);
inline const std::string kOtherOrg = Id(901);

inline TrainingModuleRecord Module(const std::string& code, const std::string& title,
                                   double hours) {
  TrainingModuleRecord module;
  module.code = code;
  module.title = title;
  module.hours = hours;
  return module;
}

// A training with every field set (module_codes mirrors the modules).
inline TrainingRecord Training(const std::string& odb_number,
                               const std::string& provider = Id(900)) {
  TrainingRecord training;
  TrainingFacts& facts = training.facts;
  facts.odb_number = odb_number;
  facts.provider_organization_id = provider;
  facts.type = TrainingType::kContactHours;
  facts.planned_hours = 40.75;
  facts.study_points = 3;
  facts.lestijden = 32;
  facts.exam_count = 2;
  facts.competence_count = 1;
  facts.start_date = Date{2025, 9, 15};
  facts.end_date = Date{2026, 6, 30};
  facts.recognition_start_date = Date{2025, 1, 1};
  facts.recognition_end_date = Date{2027, 12, 31};
  facts.postgraduate = true;
  facts.regular_programme = true;
  facts.delivery_mode = DeliveryMode::kBlended;
  training.modules = {Module("M1", "Lassen één", 12.25), Module("M2", "Veiligheid", 0.1)};
  facts.module_codes = {"M1", "M2"};
  facts.module_hours = {12.25, 0.1};
  training.title = "Lassen voor gevorderden";
  training.create_time = At(0, 1);
  training.update_time = At(0, 2);
  return training;
}

inline DraftRecord Draft(int n, const std::string& organization_id,
                         const std::string& odb_number = "ODB-1", int school_year = 2025) {
  DraftRecord draft;
  draft.id = Id(n);
  draft.organization_id = organization_id;
  draft.odb_number = odb_number;
  draft.school_year = school_year;
  draft.state = DraftState::kOpen;
  draft.creator_id = Id(500);
  draft.create_time = At(n, 3);
  draft.update_time = At(n, 4);
  draft.expire_time = At(n + 30 * 86400, 5);
  draft.version = 1;
  return draft;
}

inline AttendanceInput Attendance(double present, double to_follow, double absent) {
  AttendanceInput attendance;
  attendance.hours_present = present;
  attendance.contact_hours_to_follow = to_follow;
  attendance.unjustified_absence_hours = absent;
  return attendance;
}

inline ParticipationInput Participation(bool participated, std::vector<std::string> codes) {
  ParticipationInput participation;
  participation.participated = participated;
  participation.completed_module_codes = std::move(codes);
  return participation;
}

// A participant with attendance and every answer given.
inline ParticipantRecord Participant(int n, const std::string& insz) {
  ParticipantRecord participant;
  participant.id = Id(n);
  participant.display_name = absl::StrFormat("Deelnemer %d", n);
  participant.input.insz = insz;
  participant.input.measurement = Attendance(12.25, 40.5, 0.1);
  participant.input.final_assessment = FinalAssessment::kParticipated;
  participant.input.route_completed = true;
  participant.input.exam_contract = false;
  participant.input.actual_end_date = Date{2026, 5, 29};
  return participant;
}

inline RegistrationRecord Registration(int n, const std::string& organization_id,
                                       const std::string& odb_number = "ODB-1",
                                       int school_year = 2025) {
  RegistrationRecord registration;
  registration.id = Id(n);
  registration.organization_id = organization_id;
  registration.odb_number = odb_number;
  registration.school_year = school_year;
  registration.latest_version = 1;
  registration.create_time = At(n, 6);
  registration.update_time = At(n, 6);
  return registration;
}

inline RegisteredParticipant Line(const std::string& insz, int n) {
  RegisteredParticipant line;
  line.display_name = absl::StrFormat("Deelnemer %d", n);
  line.input.insz = insz;
  line.input.measurement = Attendance(30.5 + n, 40, 2.25);
  line.input.final_assessment = FinalAssessment::kJustifiedAbsence;
  line.input.exam_contract = true;
  line.warning_reasons = {"ABSENCE_ABOVE_LIMIT", "NOT_REFUNDABLE"};
  line.counted_hours = 30.5 + n;
  return line;
}

// Version `version` of `registration` with one line per INSZ.
inline RegistrationVersionRecord Version(const RegistrationRecord& registration, int version,
                                         const std::vector<std::string>& insz) {
  RegistrationVersionRecord record;
  record.registration_id = registration.id;
  record.organization_id = registration.organization_id;
  record.version = version;
  record.kind = version == 1 ? ReceiptKind::kSubmission : ReceiptKind::kCorrection;
  record.odb_number = registration.odb_number;
  record.school_year = registration.school_year;
  record.submitted_by = Id(500);
  record.submitted_by_name = "Marie Lambert";
  record.organization_name = "Atheneum Démo";
  record.training_title = "Lassen voor gevorderden";
  record.submit_time = At(1000 + version, 7);
  record.content_sha256 = std::string(64, 'a');
  record.content_format = "wse.vov.receipt.v2";
  record.summary.participant_count = static_cast<int>(insz.size());
  record.summary.attendance_count = static_cast<int>(insz.size());
  record.summary.total_hours_present = 61.25;
  record.summary.warning_count = 2;
  for (size_t i = 0; i < insz.size(); ++i) {
    record.participants.push_back(Line(insz[i], static_cast<int>(i)));
  }
  return record;
}

// ---- Field tuples (records have no operator==). ----

inline auto Fields(const ParticipantInput& in) {
  AttendanceInput attendance;
  ParticipationInput participation;
  if (const auto* given = std::get_if<AttendanceInput>(&in.measurement)) attendance = *given;
  if (const auto* given = std::get_if<ParticipationInput>(&in.measurement)) participation = *given;
  std::string end_date = in.actual_end_date ? FormatDate(*in.actual_end_date) : "unset";
  return std::make_tuple(in.insz, in.measurement.index(), attendance.hours_present,
                         attendance.contact_hours_to_follow, attendance.unjustified_absence_hours,
                         participation.participated, participation.completed_module_codes,
                         static_cast<int>(in.final_assessment), in.route_completed,
                         in.exam_contract, end_date);
}

inline auto Fields(const ParticipantRecord& p) {
  return std::tuple_cat(std::make_tuple(p.id, p.display_name), Fields(p.input));
}

inline auto Fields(const RegisteredParticipant& p) {
  return std::tuple_cat(std::make_tuple(p.display_name, p.warning_reasons, p.counted_hours),
                        Fields(p.input));
}

inline std::string DateText(const std::optional<Date>& date) {
  return date ? FormatDate(*date) : "unset";
}

inline auto Fields(const TrainingRecord& t) {
  const TrainingFacts& f = t.facts;
  std::vector<std::tuple<std::string, std::string, double>> modules;
  for (const TrainingModuleRecord& m : t.modules) modules.emplace_back(m.code, m.title, m.hours);
  return std::make_tuple(f.odb_number, f.provider_organization_id, static_cast<int>(f.type),
                         f.planned_hours, f.study_points, f.lestijden, f.exam_count,
                         f.competence_count, DateText(f.start_date), DateText(f.end_date),
                         DateText(f.recognition_start_date), DateText(f.recognition_end_date),
                         f.postgraduate, f.regular_programme, static_cast<int>(f.delivery_mode),
                         f.module_codes, t.title, modules, t.create_time, t.update_time);
}

inline auto Fields(const DraftRecord& d) {
  return std::make_tuple(d.id, d.organization_id, d.odb_number, d.school_year,
                         static_cast<int>(d.state), d.corrects_registration_id, d.corrects_version,
                         d.registration_id, d.registration_version, d.creator_id, d.create_time,
                         d.update_time, d.expire_time, d.version, d.validated_version,
                         d.participant_count);
}

inline auto Fields(const RegistrationRecord& r) {
  return std::make_tuple(r.id, r.organization_id, r.odb_number, r.school_year, r.latest_version,
                         r.withdrawn, r.create_time, r.update_time);
}

// Every field but the receipt number (assigned by the store).
inline auto Fields(const RegistrationVersionRecord& v) {
  std::vector<decltype(Fields(std::declval<RegisteredParticipant>()))> lines;
  for (const RegisteredParticipant& line : v.participants) lines.push_back(Fields(line));
  const ParticipantsSummary& s = v.summary;
  return std::make_tuple(
      v.registration_id, v.organization_id, v.version, static_cast<int>(v.kind), v.odb_number,
      v.school_year, v.submitted_by, v.submitted_by_name, v.organization_name, v.training_title,
      v.submit_time, v.content_sha256, v.content_format, v.withdraw_reason, s.participant_count,
      s.attendance_count, s.participation_count, s.total_hours_present, s.warning_count, lines);
}

template <typename Record>
auto AllFields(const std::vector<Record>& records) {
  std::vector<decltype(Fields(std::declval<Record>()))> all;
  for (const Record& record : records) all.push_back(Fields(record));
  return all;
}

// The ids of a list answer, or the error.
inline std::vector<std::string> Ids(const absl::StatusOr<std::vector<DraftRecord>>& found) {
  if (!found.ok()) return {"error: " + found.status().ToString()};
  std::vector<std::string> ids;
  for (const DraftRecord& record : *found) ids.push_back(record.id);
  return ids;
}

inline std::vector<std::string> Ids(
    const absl::StatusOr<std::vector<RegistrationVersionRecord>>& found) {
  if (!found.ok()) return {"error: " + found.status().ToString()};
  std::vector<std::string> ids;
  for (const RegistrationVersionRecord& record : *found) ids.push_back(record.registration_id);
  return ids;
}

inline std::vector<std::string> OdbNumbers(
    const absl::StatusOr<std::vector<TrainingRecord>>& found) {
  if (!found.ok()) return {"error: " + found.status().ToString()};
  std::vector<std::string> numbers;
  for (const TrainingRecord& record : *found) numbers.push_back(record.facts.odb_number);
  return numbers;
}

inline std::vector<std::string> ParticipantIds(
    const absl::StatusOr<std::vector<ParticipantRecord>>& found) {
  if (!found.ok()) return {"error: " + found.status().ToString()};
  std::vector<std::string> ids;
  for (const ParticipantRecord& record : *found) ids.push_back(record.id);
  return ids;
}

}  // namespace wse::registration::store_test
