// MysqlRegistrationTransaction / MysqlRegistrationStore: the training catalogue.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/mysql_statements.h"
#include "common/status_macros.h"
#include "cppconn/connection.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "nlohmann/json.hpp"
#include "registration-svc/domain/school_year.h"
#include "registration-svc/storage/mysql_store.h"
#include "registration-svc/storage/mysql_store_internal.h"

namespace wse::registration {
namespace {

using mysql_internal::ColumnDate;
using mysql_internal::ColumnDouble;
using mysql_internal::ColumnText;
using mysql_internal::ColumnTime;
using mysql_internal::SetDate;
using mysql_internal::SetTime;

constexpr char kTrainingSelect[] =
    "SELECT odb_number, provider_organization_id, title, type, planned_hours, study_points,"
    " lestijden, exam_count, competence_count, " WSE_REGISTRATION_DATE("start_date") ", "
    WSE_REGISTRATION_DATE("end_date") ", " WSE_REGISTRATION_DATE("recognition_start_date") ", "
    WSE_REGISTRATION_DATE("recognition_end_date") ", postgraduate, delivery_mode, modules, "
    WSE_REGISTRATION_TIME("create_time") ", " WSE_REGISTRATION_TIME("update_time")
    ", regular_programme FROM trainings";

std::string ModulesToJson(const std::vector<TrainingModuleRecord>& modules) {
  nlohmann::json array = nlohmann::json::array();
  for (const TrainingModuleRecord& module : modules) {
    array.push_back({{"code", module.code}, {"title", module.title}, {"hours", module.hours}});
  }
  return array.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

absl::StatusOr<std::vector<TrainingModuleRecord>> ModulesFromJson(const std::string& text) {
  const nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_array()) return absl::InternalError("stored training modules are not an array");
  std::vector<TrainingModuleRecord> modules;
  for (const nlohmann::json& entry : json) {
    if (!entry.is_object() || !entry.value("code", nlohmann::json()).is_string() ||
        !entry.value("title", nlohmann::json()).is_string() ||
        !entry.value("hours", nlohmann::json()).is_number()) {
      return absl::InternalError("a stored training module is malformed");
    }
    TrainingModuleRecord module;
    module.code = entry["code"].get<std::string>();
    module.title = entry["title"].get<std::string>();
    module.hours = entry["hours"].get<double>();
    modules.push_back(std::move(module));
  }
  return modules;
}

// The current row, in kTrainingSelect's column order.
absl::StatusOr<TrainingRecord> ReadTraining(const sql::ResultSet& row) {
  TrainingRecord training;
  TrainingFacts& facts = training.facts;
  facts.odb_number = ColumnText(row, 1);
  facts.provider_organization_id = ColumnText(row, 2);
  training.title = ColumnText(row, 3);
  facts.type = static_cast<TrainingType>(row.getInt(4));
  facts.planned_hours = ColumnDouble(row, 5);
  facts.study_points = row.getInt(6);
  facts.lestijden = row.getInt(7);
  facts.exam_count = row.getInt(8);
  facts.competence_count = row.getInt(9);
  std::optional<Date>* const dates[] = {&facts.start_date, &facts.end_date,
                                        &facts.recognition_start_date, &facts.recognition_end_date};
  uint32_t column = 10;
  for (std::optional<Date>* date : dates) {
    ASSIGN_OR_RETURN(auto read, ColumnDate(row, column++));
    *date = read;
  }
  facts.postgraduate = row.getBoolean(14);
  facts.regular_programme = row.getBoolean(19);
  facts.delivery_mode = static_cast<DeliveryMode>(row.getInt(15));
  ASSIGN_OR_RETURN(auto modules, ModulesFromJson(ColumnText(row, 16)));
  training.modules = std::move(modules);
  // Not a column of its own: module_codes mirrors the modules (model.h).
  for (const TrainingModuleRecord& module : training.modules) {
    facts.module_codes.push_back(module.code);
    facts.module_hours.push_back(module.hours);
  }
  ASSIGN_OR_RETURN(auto created, ColumnTime(row, 17));
  training.create_time = created;
  ASSIGN_OR_RETURN(auto updated, ColumnTime(row, 18));
  training.update_time = updated;
  return training;
}

// "%text%" for LIKE ... ESCAPE '!': the user's % and _ (and the escape itself) match literally.
std::string ContainsPattern(const std::string& text) {
  std::string pattern = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '!') pattern.push_back('!');
    pattern.push_back(c);
  }
  pattern.push_back('%');
  return pattern;
}

}  // namespace

namespace mysql_internal {

absl::StatusOr<std::vector<TrainingRecord>> ListTrainings(sql::Connection& conn,
                                                          const TrainingFilter& filter,
                                                          const Page& page) {
  if (page.size < 1) return absl::InvalidArgumentError("page size must be at least 1");
  std::string query = absl::StrCat(kTrainingSelect, " WHERE odb_number > ?");
  if (!filter.provider_organization_id.empty()) {
    absl::StrAppend(&query, " AND provider_organization_id = ?");
  }
  if (filter.school_year != 0) {
    // SchoolYearFinding (domain/vov_rules.h) in SQL, so the list offers exactly the trainings a
    // draft accepts: the run reaches into the year (a missing date fills the year on its side),
    // and the recognition covers the run's part in it, [max(start, 1 Sep), min(end, 31 Aug)].
    // The store contract test checks both against each other at the boundaries.
    absl::StrAppend(&query,
                    " AND (start_date IS NULL OR start_date <= CAST(? AS DATE))"
                    " AND (end_date IS NULL OR end_date >= CAST(? AS DATE))"
                    " AND recognition_start_date <="
                    " GREATEST(COALESCE(start_date, CAST(? AS DATE)), CAST(? AS DATE))"
                    " AND (recognition_end_date IS NULL OR recognition_end_date >="
                    " LEAST(COALESCE(end_date, CAST(? AS DATE)), CAST(? AS DATE)))");
  }
  if (!filter.query.empty()) {
    // The title's collation is case-insensitive; the binary ODB number is compared as such.
    absl::StrAppend(&query,
                    " AND (title LIKE ? ESCAPE '!'"
                    " OR odb_number COLLATE utf8mb4_unicode_ci LIKE ? ESCAPE '!')");
  }
  absl::StrAppend(&query, " ORDER BY odb_number LIMIT ?");
  Statement select = Prepare(conn, query);
  unsigned int index = 1;
  select->setString(index++, page.after);
  if (!filter.provider_organization_id.empty()) {
    select->setString(index++, filter.provider_organization_id);
  }
  if (filter.school_year != 0) {
    const SchoolYear year = SchoolYear::StartingIn(filter.school_year);
    for (const Date& date :
         {year.end(), year.start(), year.start(), year.start(), year.end(), year.end()}) {
      SetDate(*select, index++, date);
    }
  }
  if (!filter.query.empty()) {
    const std::string pattern = ContainsPattern(filter.query);
    select->setString(index++, pattern);
    select->setString(index++, pattern);
  }
  select->setInt(index, page.size);
  std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
  std::vector<TrainingRecord> trainings;
  while (rows->next()) {
    ASSIGN_OR_RETURN(auto training, ReadTraining(*rows));
    trainings.push_back(std::move(training));
  }
  return trainings;
}

}  // namespace mysql_internal

absl::StatusOr<TrainingRecord> MysqlRegistrationTransaction::GetTraining(
    const std::string& odb_number) {
  Statement select = Prepare(conn_, absl::StrCat(kTrainingSelect, " WHERE odb_number = ?"));
  select->setString(1, odb_number);
  std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
  if (!rows->next()) return absl::NotFoundError("training not found");
  return ReadTraining(*rows);
}

absl::Status MysqlRegistrationTransaction::UpsertTraining(const TrainingRecord& training) {
  const TrainingFacts& facts = training.facts;
  Statement upsert = Prepare(
      conn_,
      "INSERT INTO trainings (odb_number, provider_organization_id, title, type, planned_hours,"
      " study_points, lestijden, exam_count, competence_count, start_date, end_date,"
      " recognition_start_date, recognition_end_date, postgraduate, delivery_mode, modules,"
      " create_time, update_time, regular_programme)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
      " ON DUPLICATE KEY UPDATE provider_organization_id = VALUES(provider_organization_id),"
      " title = VALUES(title), type = VALUES(type), planned_hours = VALUES(planned_hours),"
      " study_points = VALUES(study_points), lestijden = VALUES(lestijden),"
      " exam_count = VALUES(exam_count), competence_count = VALUES(competence_count),"
      " start_date = VALUES(start_date), end_date = VALUES(end_date),"
      " recognition_start_date = VALUES(recognition_start_date),"
      " recognition_end_date = VALUES(recognition_end_date),"
      " postgraduate = VALUES(postgraduate), delivery_mode = VALUES(delivery_mode),"
      " modules = VALUES(modules), update_time = VALUES(update_time),"
      " regular_programme = VALUES(regular_programme)");
  upsert->setString(1, facts.odb_number);
  upsert->setString(2, facts.provider_organization_id);
  upsert->setString(3, training.title);
  upsert->setInt(4, static_cast<int>(facts.type));
  upsert->setDouble(5, facts.planned_hours);
  upsert->setInt(6, facts.study_points);
  upsert->setInt(7, facts.lestijden);
  upsert->setInt(8, facts.exam_count);
  upsert->setInt(9, facts.competence_count);
  SetDate(*upsert, 10, facts.start_date);
  SetDate(*upsert, 11, facts.end_date);
  SetDate(*upsert, 12, facts.recognition_start_date);
  SetDate(*upsert, 13, facts.recognition_end_date);
  upsert->setBoolean(14, facts.postgraduate);
  upsert->setInt(15, static_cast<int>(facts.delivery_mode));
  upsert->setString(16, ModulesToJson(training.modules));
  SetTime(*upsert, 17, training.create_time);
  SetTime(*upsert, 18, training.update_time);
  upsert->setBoolean(19, facts.regular_programme);
  upsert->executeUpdate();
  return absl::OkStatus();
}

}  // namespace wse::registration
