// MysqlDirectoryRepository: persons, organisations and their legal representatives.

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/mysql_pool.h"
#include "common/mysql_statements.h"
#include "common/mysql_time.h"
#include "common/status_macros.h"
#include "cppconn/connection.h"
#include "cppconn/datatype.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "identity-svc/domain/email_address.h"
#include "identity-svc/domain/remembered_records.h"
#include "identity-svc/storage/mysql_audit.h"
#include "identity-svc/storage/mysql_record_changes.h"
#include "identity-svc/storage/mysql_store.h"

namespace wse::identity {
namespace {

constexpr char kPersonSelect[] =
    "SELECT id, insz, given_name, family_name, email_address, phone_number, preferred_locale,"
    " source, DATE_FORMAT(create_time, '%Y-%m-%d %H:%i:%s.%f'),"
    " DATE_FORMAT(update_time, '%Y-%m-%d %H:%i:%s.%f'), email_source FROM persons";

// The legal representatives come along in the same statement (INSZ are digits, so a comma
// separates them safely): one round trip per organisation read instead of two.
constexpr char kOrganizationSelect[] =
    "SELECT o.id, o.kbo_number, o.institution_number, o.display_name, o.kind, o.email_address,"
    " DATE_FORMAT(o.create_time, '%Y-%m-%d %H:%i:%s.%f'),"
    " DATE_FORMAT(o.update_time, '%Y-%m-%d %H:%i:%s.%f'),"
    " (SELECT GROUP_CONCAT(lr.insz ORDER BY lr.insz SEPARATOR ',') FROM legal_representatives lr"
    " WHERE lr.organization_id = o.id) FROM organizations o";

// Binds a record's time, or NULL when it is unset; the SQL reads COALESCE(?, CURRENT_TIMESTAMP(6))
// so that callers without a clock of their own get the database's.
void SetTimeOrNow(sql::PreparedStatement& statement, unsigned int index, absl::Time time) {
  if (time == absl::UnixEpoch()) {
    statement.setNull(index, sql::DataType::TIMESTAMP);
  } else {
    statement.setString(index, TimeToDb(time));
  }
}

// A person first seen at login keeps LOGIN until an import lists them; IMPORT is never undone.
std::string MergedSource(const std::string& current, const std::string& given) {
  return (current == "IMPORT" || given == "IMPORT") ? std::string("IMPORT") : current;
}

std::vector<std::string> SortedUnique(std::vector<std::string> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

// The current row, in kPersonSelect's column order.
absl::StatusOr<PersonRecord> ReadPerson(const sql::ResultSet& row) {
  PersonRecord person;
  person.id = ColumnText(row, 1);
  person.insz = ColumnText(row, 2);
  person.given_name = ColumnText(row, 3);
  person.family_name = ColumnText(row, 4);
  person.email_address = ColumnText(row, 5);
  person.phone_number = ColumnText(row, 6);
  person.preferred_locale = ColumnText(row, 7);
  person.source = ColumnText(row, 8);
  ASSIGN_OR_RETURN(auto created, wse::ColumnTime(row, 9));
  ASSIGN_OR_RETURN(auto updated, wse::ColumnTime(row, 10));
  person.create_time = created;
  person.update_time = updated;
  person.email_source = ColumnText(row, 11);
  // Rows from before sources were recorded (the migration also marks them).
  if (person.email_source.empty() && !person.email_address.empty()) {
    person.email_source = kEmailFromImport;
  }
  return person;
}

// The person matching `condition` (SQL with one string parameter, `value`); nullopt if none.
absl::StatusOr<std::optional<PersonRecord>> SelectPerson(sql::Connection& conn,
                                                         absl::string_view condition,
                                                         const std::string& value) {
  Statement statement = Prepare(conn, absl::StrCat(kPersonSelect, " WHERE ", condition));
  statement->setString(1, value);
  std::unique_ptr<sql::ResultSet> rows(statement->executeQuery());
  if (!rows->next()) return std::optional<PersonRecord>();
  ASSIGN_OR_RETURN(auto person, ReadPerson(*rows));
  return std::optional<PersonRecord>(std::move(person));
}

// The current row, in kOrganizationSelect's column order.
absl::StatusOr<OrganizationRecord> ReadOrganization(const sql::ResultSet& row) {
  OrganizationRecord organization;
  organization.id = ColumnText(row, 1);
  organization.kbo_number = ColumnText(row, 2);
  organization.institution_number = ColumnText(row, 3);
  organization.display_name = ColumnText(row, 4);
  organization.kind = ColumnText(row, 5);
  organization.email_address = ColumnText(row, 6);
  ASSIGN_OR_RETURN(auto created, wse::ColumnTime(row, 7));
  ASSIGN_OR_RETURN(auto updated, wse::ColumnTime(row, 8));
  organization.create_time = created;
  organization.update_time = updated;
  if (!row.isNull(9)) {
    organization.legal_representative_insz = absl::StrSplit(ColumnText(row, 9), ',');
  }
  return organization;
}

// Organisations matching `sql_tail` (appended to kOrganizationSelect; its parameters are bound
// by `bind`), with their legal representatives.
absl::StatusOr<std::vector<OrganizationRecord>> SelectOrganizations(
    sql::Connection& conn, absl::string_view sql_tail,
    const std::function<void(sql::PreparedStatement&)>& bind) {
  Statement statement = Prepare(conn, absl::StrCat(kOrganizationSelect, " ", sql_tail));
  bind(*statement);
  std::unique_ptr<sql::ResultSet> rows(statement->executeQuery());
  std::vector<OrganizationRecord> organizations;
  while (rows->next()) {
    ASSIGN_OR_RETURN(auto organization, ReadOrganization(*rows));
    organizations.push_back(std::move(organization));
  }
  return organizations;
}

// The organisation whose `column` is `value` (nullopt if none); locked when `for_update`.
absl::StatusOr<std::optional<OrganizationRecord>> SelectOrganization(sql::Connection& conn,
                                                                     absl::string_view column,
                                                                     const std::string& value,
                                                                     bool for_update) {
  ASSIGN_OR_RETURN(
      auto found,
      SelectOrganizations(
          conn, absl::StrCat("WHERE o.", column, " = ?", for_update ? " FOR UPDATE" : ""),
          [&value](sql::PreparedStatement& statement) { statement.setString(1, value); }));
  if (found.empty()) return std::optional<OrganizationRecord>();
  return std::optional<OrganizationRecord>(std::move(found.front()));
}

void InsertRepresentatives(sql::Connection& conn, const std::string& organization_id,
                           const std::vector<std::string>& insz_list) {
  if (insz_list.empty()) return;
  Statement insert =
      Prepare(conn, "INSERT INTO legal_representatives (organization_id, insz) VALUES (?, ?)");
  for (const std::string& insz : insz_list) {
    insert->setString(1, organization_id);
    insert->setString(2, insz);
    insert->executeUpdate();
  }
}

// Both "create" paths can lose a race with a concurrent creator of the same INSZ or number
// (READ COMMITTED takes no gap locks, so the unique key decides): one more attempt then finds
// the winner's row. A clash that persists (a reused id) is the caller's ALREADY_EXISTS.
absl::Status RetryingCreateRace(MysqlPool& pool,
                                const std::function<absl::Status(sql::Connection&)>& body) {
  absl::Status status = InTransaction(pool, body);
  if (status.code() == absl::StatusCode::kAlreadyExists) status = InTransaction(pool, body);
  return status;
}

void InsertPerson(sql::Connection& conn, const PersonRecord& person) {
  Statement insert = Prepare(
      conn,
      "INSERT INTO persons (id, insz, given_name, family_name, email_address, phone_number,"
      " preferred_locale, source, create_time, update_time, email_source) VALUES (?, ?, ?,"
      " ?, ?, ?, ?, ?, COALESCE(?, CURRENT_TIMESTAMP(6)), COALESCE(?, CURRENT_TIMESTAMP(6)),"
      " ?)");
  insert->setString(1, person.id);
  insert->setString(2, person.insz);
  insert->setString(3, person.given_name);
  insert->setString(4, person.family_name);
  SetStringOrNull(*insert, 5, person.email_address);
  SetStringOrNull(*insert, 6, person.phone_number);
  insert->setString(7, person.preferred_locale);
  insert->setString(8, person.source);
  SetTimeOrNow(*insert, 9, person.create_time);
  SetTimeOrNow(*insert, 10, person.update_time);
  // A new row's address has a source even when the caller named none (an import, then).
  insert->setString(11, MergeEmail({}, {person.email_address, person.email_source}).source);
  insert->executeUpdate();
}

// `source`: the merged sources of the stored row and the import; `email`: the merged address.
void UpdatePerson(sql::Connection& conn, const PersonRecord& person, const std::string& source,
                  const EmailAddress& email, const std::string& id) {
  Statement update =
      Prepare(conn,
              "UPDATE persons SET given_name = ?, family_name = ?, email_address = ?,"
              " phone_number = ?, preferred_locale = ?, source = ?,"
              " update_time = COALESCE(?, CURRENT_TIMESTAMP(6)), email_source = ? WHERE id = ?");
  update->setString(1, person.given_name);
  update->setString(2, person.family_name);
  SetStringOrNull(*update, 3, email.address);
  SetStringOrNull(*update, 4, person.phone_number);
  update->setString(5, person.preferred_locale);
  update->setString(6, source);
  SetTimeOrNow(*update, 7, person.update_time);
  update->setString(8, email.source);
  update->setString(9, id);
  update->executeUpdate();
}

void InsertOrganization(sql::Connection& conn, const OrganizationRecord& organization) {
  Statement insert =
      Prepare(conn,
              "INSERT INTO organizations (id, kbo_number, institution_number, display_name, kind,"
              " email_address, create_time, update_time) VALUES (?, ?, ?, ?, ?, ?,"
              " COALESCE(?, CURRENT_TIMESTAMP(6)), COALESCE(?, CURRENT_TIMESTAMP(6)))");
  insert->setString(1, organization.id);
  SetStringOrNull(*insert, 2, organization.kbo_number);
  SetStringOrNull(*insert, 3, organization.institution_number);
  insert->setString(4, organization.display_name);
  insert->setString(5, organization.kind);
  SetStringOrNull(*insert, 6, organization.email_address);
  SetTimeOrNow(*insert, 7, organization.create_time);
  SetTimeOrNow(*insert, 8, organization.update_time);
  insert->executeUpdate();
}

// `representatives`: the new legal representatives, or null when they did not change.
void UpdateOrganization(sql::Connection& conn, const OrganizationRecord& organization,
                        const std::string& id, const std::vector<std::string>* representatives) {
  Statement update =
      Prepare(conn,
              "UPDATE organizations SET display_name = ?, kind = ?, email_address = ?,"
              " update_time = COALESCE(?, CURRENT_TIMESTAMP(6)) WHERE id = ?");
  update->setString(1, organization.display_name);
  update->setString(2, organization.kind);
  SetStringOrNull(*update, 3, organization.email_address);
  SetTimeOrNow(*update, 4, organization.update_time);
  update->setString(5, id);
  update->executeUpdate();
  if (representatives != nullptr) {
    Statement clear = Prepare(conn, "DELETE FROM legal_representatives WHERE organization_id = ?");
    clear->setString(1, id);
    clear->executeUpdate();
    InsertRepresentatives(conn, id, *representatives);
  }
}

}  // namespace

absl::StatusOr<UpsertOutcome> MysqlDirectoryRepository::UpsertPerson(const PersonRecord& person,
                                                                     const AuditEntry& audit,
                                                                     PersonRecord* stored) {
  UpsertOutcome outcome = UpsertOutcome::kUnchanged;
  PersonRecord result;
  auto upsert = [&](sql::Connection& conn, std::vector<std::string>& changed) -> absl::Status {
    // The row lock serialises concurrent imports and logins of the same person.
    ASSIGN_OR_RETURN(auto existing, SelectPerson(conn, "insz = ? FOR UPDATE", person.insz));
    std::string id;
    if (!existing.has_value()) {
      InsertPerson(conn, person);
      outcome = UpsertOutcome::kCreated;
      id = person.id;
    } else {
      const PersonRecord& current = *existing;
      const std::string source = MergedSource(current.source, person.source);
      const EmailAddress email = MergeEmail({current.email_address, current.email_source},
                                            {person.email_address, person.email_source});
      if (current.given_name == person.given_name && current.family_name == person.family_name &&
          current.email_address == email.address && current.email_source == email.source &&
          current.phone_number == person.phone_number &&
          current.preferred_locale == person.preferred_locale && current.source == source) {
        // Announced all the same: a concurrent call that changed the row may still be telling
        // the replicas, and this one must not answer before they know.
        changed.push_back(PersonRecordName(current.id));
        outcome = UpsertOutcome::kUnchanged;
        result = current;
        return absl::OkStatus();
      }
      UpdatePerson(conn, person, source, email, current.id);
      changed.push_back(PersonRecordName(current.id));  // Replicas may remember the old row.
      outcome = UpsertOutcome::kUpdated;
      id = current.id;
    }
    RETURN_IF_ERROR(InsertAudit(conn, audit));
    // Read back: the stored times (database clock, microseconds) are what callers must see.
    ASSIGN_OR_RETURN(auto reread, SelectPerson(conn, "id = ?", id));
    if (!reread.has_value()) return absl::InternalError("upserted person not found");
    result = *reread;
    return absl::OkStatus();
  };
  // See RetryingCreateRace: one more attempt finds a concurrent creator's row.
  absl::Status status = InChangingTransaction(pool_, records_changed_, upsert);
  if (status.code() == absl::StatusCode::kAlreadyExists) {
    status = InChangingTransaction(pool_, records_changed_, upsert);
  }
  if (!status.ok()) return status;
  if (stored != nullptr) *stored = std::move(result);
  return outcome;
}

absl::StatusOr<PersonRecord> MysqlDirectoryRepository::MergePersonEmail(
    const std::string& person_id, const EmailAddress& given, const AuditEntry& audit) {
  PersonRecord result;
  absl::Status status = InChangingTransaction(
      pool_, records_changed_,
      [&](sql::Connection& conn, std::vector<std::string>& changed) -> absl::Status {
        ASSIGN_OR_RETURN(auto current, SelectPerson(conn, "id = ? FOR UPDATE", person_id));
        if (!current.has_value()) return absl::NotFoundError("person not found");
        const EmailAddress merged =
            MergeEmail({current->email_address, current->email_source}, given);
        // Announced also when unchanged: see UpsertPerson.
        changed.push_back(PersonRecordName(person_id));
        if (merged.address == current->email_address && merged.source == current->email_source) {
          result = *current;
          return absl::OkStatus();
        }
        Statement update = Prepare(conn,
                                   "UPDATE persons SET email_address = ?, email_source = ?,"
                                   " update_time = CURRENT_TIMESTAMP(6) WHERE id = ?");
        SetStringOrNull(*update, 1, merged.address);
        update->setString(2, merged.source);
        update->setString(3, person_id);
        update->executeUpdate();
        RETURN_IF_ERROR(InsertAudit(conn, audit));
        ASSIGN_OR_RETURN(auto reread, SelectPerson(conn, "id = ?", person_id));
        if (!reread.has_value()) return absl::InternalError("updated person not found");
        result = *reread;
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<UpsertOutcome> MysqlDirectoryRepository::UpsertOrganization(
    const OrganizationRecord& organization, const AuditEntry& audit, OrganizationRecord* stored) {
  if (organization.kbo_number.empty() == organization.institution_number.empty()) {
    return absl::InvalidArgumentError(
        "exactly one of kbo_number and institution_number must be set");
  }
  const bool by_kbo = !organization.kbo_number.empty();
  const absl::string_view key_column = by_kbo ? "kbo_number" : "institution_number";
  const std::string& key = by_kbo ? organization.kbo_number : organization.institution_number;
  const std::vector<std::string> representatives =
      SortedUnique(organization.legal_representative_insz);

  UpsertOutcome outcome = UpsertOutcome::kUnchanged;
  OrganizationRecord result;
  absl::Status status = RetryingCreateRace(pool_, [&](sql::Connection& conn) -> absl::Status {
    // The organisation's row lock also guards its legal_representatives rows.
    ASSIGN_OR_RETURN(auto existing, SelectOrganization(conn, key_column, key, /*for_update=*/true));
    std::string id;
    if (!existing.has_value()) {
      InsertOrganization(conn, organization);
      InsertRepresentatives(conn, organization.id, representatives);
      outcome = UpsertOutcome::kCreated;
      id = organization.id;
    } else {
      const OrganizationRecord& current = *existing;
      const bool representatives_changed = current.legal_representative_insz != representatives;
      if (current.display_name == organization.display_name && current.kind == organization.kind &&
          current.email_address == organization.email_address && !representatives_changed) {
        outcome = UpsertOutcome::kUnchanged;
        result = current;
        return absl::OkStatus();
      }
      UpdateOrganization(conn, organization, current.id,
                         representatives_changed ? &representatives : nullptr);
      outcome = UpsertOutcome::kUpdated;
      id = current.id;
    }
    RETURN_IF_ERROR(InsertAudit(conn, audit));
    ASSIGN_OR_RETURN(auto reread, SelectOrganization(conn, "id", id, /*for_update=*/false));
    if (!reread.has_value()) return absl::InternalError("upserted organization not found");
    result = *reread;
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (stored != nullptr) *stored = std::move(result);
  return outcome;
}

absl::StatusOr<PersonRecord> MysqlDirectoryRepository::FindPersonById(const std::string& id) {
  std::optional<PersonRecord> found;
  absl::Status status = WithConnection(pool_, [&](sql::Connection& conn) -> absl::Status {
    ASSIGN_OR_RETURN(auto person, SelectPerson(conn, "id = ?", id));
    found = std::move(person);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (!found.has_value()) return absl::NotFoundError("person not found");
  return *std::move(found);
}

absl::StatusOr<PersonRecord> MysqlDirectoryRepository::FindPersonByInsz(const std::string& insz) {
  std::optional<PersonRecord> found;
  absl::Status status = WithConnection(pool_, [&](sql::Connection& conn) -> absl::Status {
    ASSIGN_OR_RETURN(auto person, SelectPerson(conn, "insz = ?", insz));
    found = std::move(person);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (!found.has_value()) return absl::NotFoundError("person not found");
  return *std::move(found);
}

absl::StatusOr<OrganizationRecord> MysqlDirectoryRepository::FindOrganizationById(
    const std::string& id) {
  std::optional<OrganizationRecord> found;
  absl::Status status = WithConnection(pool_, [&](sql::Connection& conn) -> absl::Status {
    ASSIGN_OR_RETURN(auto organization, SelectOrganization(conn, "id", id, /*for_update=*/false));
    found = std::move(organization);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (!found.has_value()) return absl::NotFoundError("organization not found");
  return *std::move(found);
}

absl::StatusOr<OrganizationRecord> MysqlDirectoryRepository::FindOrganizationByIdentifier(
    const std::string& kbo_number, const std::string& institution_number) {
  if (kbo_number.empty() == institution_number.empty()) {
    return absl::InvalidArgumentError(
        "exactly one of kbo_number and institution_number must be given");
  }
  const bool by_kbo = !kbo_number.empty();
  std::optional<OrganizationRecord> found;
  absl::Status status = WithConnection(pool_, [&](sql::Connection& conn) -> absl::Status {
    ASSIGN_OR_RETURN(
        auto organization,
        SelectOrganization(conn, by_kbo ? "kbo_number" : "institution_number",
                           by_kbo ? kbo_number : institution_number, /*for_update=*/false));
    found = std::move(organization);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (!found.has_value()) return absl::NotFoundError("organization not found");
  return *std::move(found);
}

absl::StatusOr<std::vector<OrganizationRecord>> MysqlDirectoryRepository::ListOrganizations(
    const Page& page, const std::string& kind, const std::string& query) {
  if (page.size < 1) return absl::InvalidArgumentError("page size must be at least 1");
  std::string tail = "WHERE o.id > ?";
  if (!kind.empty()) absl::StrAppend(&tail, " AND o.kind = ?");
  std::string pattern;
  if (!query.empty()) {
    // A literal substring: the LIKE wildcards and the escape character itself are escaped.
    pattern.push_back('%');
    for (char c : query) {
      if (c == '%' || c == '_' || c == '\\') pattern.push_back('\\');
      pattern.push_back(c);
    }
    pattern.push_back('%');
    // LOWER on both sides: case-insensitive whatever the column's collation.
    absl::StrAppend(&tail, " AND LOWER(o.display_name) LIKE LOWER(?) ESCAPE '\\\\'");
  }
  absl::StrAppend(&tail, " ORDER BY o.id LIMIT ?");

  std::vector<OrganizationRecord> result;
  absl::Status status = WithConnection(pool_, [&](sql::Connection& conn) -> absl::Status {
    ASSIGN_OR_RETURN(auto found,
                     SelectOrganizations(conn, tail, [&](sql::PreparedStatement& statement) {
                       unsigned int index = 1;
                       statement.setString(index++, page.after_id);
                       if (!kind.empty()) statement.setString(index++, kind);
                       if (!query.empty()) statement.setString(index++, pattern);
                       statement.setInt(index, page.size);
                     }));
    result = std::move(found);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<std::vector<OrganizationRecord>>
MysqlDirectoryRepository::OrganizationsRepresentedBy(const std::string& insz) {
  std::vector<OrganizationRecord> result;
  absl::Status status = WithConnection(pool_, [&](sql::Connection& conn) -> absl::Status {
    ASSIGN_OR_RETURN(auto found,
                     SelectOrganizations(conn,
                                         "JOIN legal_representatives r ON r.organization_id = o.id "
                                         "WHERE r.insz = ? ORDER BY o.id",
                                         [&insz](sql::PreparedStatement& statement) {
                                           statement.setString(1, insz);
                                         }));
    result = std::move(found);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

}  // namespace wse::identity
