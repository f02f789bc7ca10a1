// One contract, two implementations: every test here runs against the in-memory fakes
// (tests/support/identity_fakes.h) and against the MySQL repositories on a throwaway schema, so
// unit tests written against the fakes stay true of production.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/migrations.h"
#include "common/outbox.h"
#include "common/status.h"
#include "gtest/gtest.h"
#include "identity-svc/domain/email_verification.h"
#include "identity-svc/domain/model.h"
#include "identity-svc/domain/store.h"
#include "identity-svc/storage/mysql_store.h"
#include "tests/support/identity_fakes.h"
#include "tests/support/test_database.h"

namespace wse::identity {
namespace {

// ---- Backends: the three repositories of one implementation, and its audit trail. ----

class FakeBackend {
 public:
  static constexpr char kName[] = "Fake";
  absl::Status ready() const { return absl::OkStatus(); }
  DirectoryRepository& directory() { return directory_; }
  SessionRepository& sessions() { return sessions_; }
  SigningKeyRepository& keys() { return keys_; }
  int AuditCount() const {
    return static_cast<int>(directory_.audit.size() + sessions_.audit.size());
  }

 private:
  ::wse::identity::testing::FakeDirectoryRepository directory_;
  ::wse::identity::testing::FakeSessionRepository sessions_;
  ::wse::identity::testing::FakeSigningKeyRepository keys_;
};

class MysqlBackend {
 public:
  static constexpr char kName[] = "Mysql";
  MysqlBackend()
      : migrated_(ApplyMigrations(db_.pool(), {{"identity", &EmbeddedMigrations()}})),
        directory_(db_.pool()),
        sessions_(db_.pool()),
        keys_(db_.pool()) {}
  absl::Status ready() const { return migrated_; }
  DirectoryRepository& directory() { return directory_; }
  SessionRepository& sessions() { return sessions_; }
  SigningKeyRepository& keys() { return keys_; }
  int AuditCount() { return std::stoi(db_.QueryScalar("SELECT COUNT(*) FROM audit_events")); }

 private:
  ::wse::testing::TestDatabase db_;  // First: the members below use its pool.
  absl::Status migrated_;
  MysqlDirectoryRepository directory_;
  MysqlSessionRepository sessions_;
  MysqlSigningKeyRepository keys_;
};

class BackendNames {
 public:
  template <typename Backend>
  static std::string GetName(int) {
    return Backend::kName;
  }
};

template <typename Backend>
class RepositoryContractTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(backend_.ready().ok()) << backend_.ready(); }
  Backend backend_;
};

using Backends = ::testing::Types<FakeBackend, MysqlBackend>;
TYPED_TEST_SUITE(RepositoryContractTest, Backends, BackendNames);

// ---- Test data. ----

// Fixed instants with a microsecond part (the columns keep exactly six digits).
absl::Time At(int64_t offset_seconds, int64_t micros = 0) {
  return absl::FromUnixSeconds(1700000000 + offset_seconds) + absl::Microseconds(micros);
}

// A 32-character id like the service's.
std::string Id(int n) {
  const std::string digits = std::to_string(n);
  return std::string(32 - digits.size(), '0') + digits;
}

AuditEntry Audit(const std::string& action) {
  AuditEntry entry;
  entry.actor = "operator";
  entry.action = action;
  entry.target = "persons/" + Id(1);
  return entry;
}

PersonRecord Person(int n, const std::string& insz) {
  PersonRecord person;
  person.id = Id(n);
  person.insz = insz;
  person.given_name = "An";
  person.family_name = "Peeters";
  person.email_address = "an.peeters@example.be";
  person.preferred_locale = "nl";
  person.source = "IMPORT";
  person.create_time = At(0, 123456);
  person.update_time = At(0, 123456);
  return person;
}

OrganizationRecord Organization(int n, const std::string& kbo_number,
                                const std::string& display_name, const std::string& kind,
                                std::vector<std::string> representatives) {
  OrganizationRecord organization;
  organization.id = Id(n);
  organization.kbo_number = kbo_number;
  organization.display_name = display_name;
  organization.kind = kind;
  organization.legal_representative_insz = std::move(representatives);
  organization.create_time = At(0, 5);
  organization.update_time = At(0, 5);
  return organization;
}

SessionRecord Session(int n, const std::string& person_id, const std::string& refresh_hash) {
  SessionRecord session;
  session.id = Id(n);
  session.person_id = person_id;
  session.key_type = "EID";
  session.assurance_level = "HIGH";
  session.acr = "urn:be:fedict:iam:fas:Level500";
  session.refresh_token_hash = refresh_hash;
  session.refresh_expire_time = At(3600, 1);
  session.create_time = At(0, 2);
  session.expire_time = At(8 * 3600, 3);
  return session;
}

// The ID token that opened `session`: one of its own unless `hash` says otherwise.
UsedIdToken IdTokenOf(const SessionRecord& session, std::string hash = "") {
  if (hash.empty()) hash = std::string(32, 'f') + session.id;
  return UsedIdToken{std::move(hash), session.create_time + absl::Minutes(5)};
}

SigningKeyRecord Key(const std::string& kid, absl::Time created, absl::Time expires) {
  SigningKeyRecord key;
  key.kid = kid;
  key.alg = "ES256";
  key.private_key_sealed = std::string("\0\xff\x10sealed-", 10) + kid;  // Arbitrary bytes.
  key.public_jwk = "{\"kid\":\"" + kid + "\"}";
  key.create_time = created;
  key.retire_time = created + absl::Hours(24);
  key.expire_time = expires;
  return key;
}

std::vector<std::string> Ids(const absl::StatusOr<std::vector<OrganizationRecord>>& found) {
  std::vector<std::string> ids;
  if (!found.ok()) return {"error: " + found.status().ToString()};
  for (const OrganizationRecord& organization : *found) ids.push_back(organization.id);
  return ids;
}

void ExpectSamePerson(const PersonRecord& actual, const PersonRecord& expected) {
  EXPECT_EQ(actual.id, expected.id);
  EXPECT_EQ(actual.insz, expected.insz);
  EXPECT_EQ(actual.given_name, expected.given_name);
  EXPECT_EQ(actual.family_name, expected.family_name);
  EXPECT_EQ(actual.email_address, expected.email_address);
  EXPECT_EQ(actual.phone_number, expected.phone_number);
  EXPECT_EQ(actual.preferred_locale, expected.preferred_locale);
  EXPECT_EQ(actual.source, expected.source);
  EXPECT_EQ(actual.create_time, expected.create_time);
  EXPECT_EQ(actual.update_time, expected.update_time);
}

void ExpectSameSession(const SessionRecord& actual, const SessionRecord& expected) {
  EXPECT_EQ(actual.id, expected.id);
  EXPECT_EQ(actual.person_id, expected.person_id);
  EXPECT_EQ(actual.key_type, expected.key_type);
  EXPECT_EQ(actual.assurance_level, expected.assurance_level);
  EXPECT_EQ(actual.acr, expected.acr);
  EXPECT_EQ(actual.current_organization_id, expected.current_organization_id);
  EXPECT_EQ(actual.refresh_token_hash, expected.refresh_token_hash);
  EXPECT_EQ(actual.refresh_expire_time, expected.refresh_expire_time);
  EXPECT_EQ(actual.create_time, expected.create_time);
  EXPECT_EQ(actual.expire_time, expected.expire_time);
  EXPECT_EQ(actual.revoke_time, expected.revoke_time);
}

// ---- Persons. ----

TYPED_TEST(RepositoryContractTest, PersonUpsertCreatesThenIsUnchangedThenUpdates) {
  DirectoryRepository& directory = this->backend_.directory();
  const PersonRecord person = Person(1, "85073003328");

  PersonRecord stored;
  absl::StatusOr<UpsertOutcome> outcome = directory.UpsertPerson(person, Audit("IMPORT"), &stored);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_TRUE(*outcome == UpsertOutcome::kCreated);
  ExpectSamePerson(stored, person);
  EXPECT_EQ(this->backend_.AuditCount(), 1);

  // The same data again (under another id, which only a creation uses): nothing to write.
  PersonRecord again = person;
  again.id = Id(99);
  again.update_time = At(60);
  outcome = directory.UpsertPerson(again, Audit("IMPORT"), &stored);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_TRUE(*outcome == UpsertOutcome::kUnchanged);
  ExpectSamePerson(stored, person);
  EXPECT_EQ(this->backend_.AuditCount(), 1);

  // A changed field: updated in place, update_time moves, the empty e-mail address stays empty.
  PersonRecord changed = again;
  changed.email_address = "";
  changed.email_source = "IMPORT";  // An import that holds no address clears an imported one.
  changed.phone_number = "+32470123456";
  outcome = directory.UpsertPerson(changed, Audit("IMPORT"), &stored);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_TRUE(*outcome == UpsertOutcome::kUpdated);
  PersonRecord expected = changed;
  expected.id = person.id;
  expected.create_time = person.create_time;
  expected.update_time = At(60);
  ExpectSamePerson(stored, expected);
  EXPECT_EQ(this->backend_.AuditCount(), 2);

  absl::StatusOr<PersonRecord> found = directory.FindPersonById(person.id);
  ASSERT_TRUE(found.ok()) << found.status();
  ExpectSamePerson(*found, expected);
}

TYPED_TEST(RepositoryContractTest, PersonFirstSeenAtLoginBecomesImported) {
  DirectoryRepository& directory = this->backend_.directory();
  PersonRecord person = Person(1, "85073003328");
  person.source = "LOGIN";
  PersonRecord stored;
  ASSERT_TRUE(directory.UpsertPerson(person, Audit("LOGIN"), &stored).ok());
  EXPECT_EQ(stored.source, "LOGIN");

  person.source = "IMPORT";
  absl::StatusOr<UpsertOutcome> outcome = directory.UpsertPerson(person, Audit("IMPORT"), &stored);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_TRUE(*outcome == UpsertOutcome::kUpdated);
  EXPECT_EQ(stored.source, "IMPORT");

  // A later login does not undo the import.
  person.source = "LOGIN";
  outcome = directory.UpsertPerson(person, Audit("LOGIN"), &stored);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_TRUE(*outcome == UpsertOutcome::kUnchanged);
  EXPECT_EQ(stored.source, "IMPORT");
  EXPECT_EQ(this->backend_.AuditCount(), 2);
}

// Issue 19 (identity-svc/domain/email_address.h): an import never overwrites or clears the
// address the person gave; the provider's claim never overwrites one they confirmed.
TYPED_TEST(RepositoryContractTest, ThePersonsOwnAddressSurvivesImports) {
  DirectoryRepository& directory = this->backend_.directory();
  PersonRecord imported = Person(1, "85073003328");
  imported.email_address = "an@school.example";
  imported.email_source = "IMPORT";
  PersonRecord stored;
  ASSERT_TRUE(directory.UpsertPerson(imported, Audit("IMPORT"), &stored).ok());
  EXPECT_EQ(stored.email_source, "IMPORT");

  PersonRecord claimed = stored;
  claimed.email_address = "an@idp.example";
  claimed.email_source = "IDP";
  ASSERT_TRUE(directory.UpsertPerson(claimed, Audit("EMAIL"), &stored).ok());
  EXPECT_EQ(stored.email_address, "an@idp.example");
  EXPECT_EQ(stored.email_source, "IDP");

  // The nightly import without an address: the person's own stays.
  PersonRecord nightly = imported;
  nightly.email_address.clear();
  auto outcome = directory.UpsertPerson(nightly, Audit("IMPORT"), &stored);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_TRUE(*outcome == UpsertOutcome::kUnchanged);
  EXPECT_EQ(stored.email_address, "an@idp.example");

  PersonRecord confirmed = stored;
  confirmed.email_address = "an@thuis.example";
  confirmed.email_source = "VERIFIED";
  ASSERT_TRUE(directory.UpsertPerson(confirmed, Audit("EMAIL"), &stored).ok());
  ASSERT_TRUE(directory.UpsertPerson(claimed, Audit("EMAIL"), &stored).ok());
  ASSERT_TRUE(directory.UpsertPerson(imported, Audit("IMPORT"), &stored).ok());
  auto found = directory.FindPersonById(stored.id);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->email_address, "an@thuis.example");
  EXPECT_EQ(found->email_source, "VERIFIED");
}

TYPED_TEST(RepositoryContractTest, FindsPersonsByIdAndInsz) {
  DirectoryRepository& directory = this->backend_.directory();
  const PersonRecord person = Person(1, "85073003328");
  ASSERT_TRUE(directory.UpsertPerson(person, Audit("IMPORT"), nullptr).ok());

  absl::StatusOr<PersonRecord> by_id = directory.FindPersonById(person.id);
  ASSERT_TRUE(by_id.ok()) << by_id.status();
  ExpectSamePerson(*by_id, person);
  absl::StatusOr<PersonRecord> by_insz = directory.FindPersonByInsz(person.insz);
  ASSERT_TRUE(by_insz.ok()) << by_insz.status();
  ExpectSamePerson(*by_insz, person);

  EXPECT_EQ(directory.FindPersonById(Id(2)).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(directory.FindPersonByInsz("01020300467").status().code(), absl::StatusCode::kNotFound);
}

// ---- Organisations. ----

TYPED_TEST(RepositoryContractTest, OrganizationUpsertReplacesLegalRepresentatives) {
  DirectoryRepository& directory = this->backend_.directory();
  OrganizationRecord organization = Organization(1, "0123456749", "Scholengroep Noord",
                                                 "SCHOOL_BOARD", {"85073003328", "01020300467"});

  OrganizationRecord stored;
  absl::StatusOr<UpsertOutcome> outcome =
      directory.UpsertOrganization(organization, Audit("IMPORT_ORGANIZATION"), &stored);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_TRUE(*outcome == UpsertOutcome::kCreated);
  EXPECT_EQ(stored.id, Id(1));
  EXPECT_EQ(stored.kbo_number, "0123456749");
  EXPECT_EQ(stored.institution_number, "");
  EXPECT_EQ(stored.email_address, "");
  EXPECT_EQ(stored.legal_representative_insz,
            (std::vector<std::string>{"01020300467", "85073003328"}));  // Sorted.
  EXPECT_EQ(stored.create_time, At(0, 5));

  // The same representatives in another order, with a duplicate: unchanged.
  organization.legal_representative_insz = {"85073003328", "01020300467", "85073003328"};
  outcome = directory.UpsertOrganization(organization, Audit("IMPORT_ORGANIZATION"), &stored);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_TRUE(*outcome == UpsertOutcome::kUnchanged);
  EXPECT_EQ(this->backend_.AuditCount(), 1);

  organization.legal_representative_insz = {"90010100123"};
  organization.update_time = At(120);
  outcome = directory.UpsertOrganization(organization, Audit("IMPORT_ORGANIZATION"), &stored);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_TRUE(*outcome == UpsertOutcome::kUpdated);
  EXPECT_EQ(stored.legal_representative_insz, std::vector<std::string>{"90010100123"});
  EXPECT_EQ(stored.update_time, At(120));
  EXPECT_EQ(this->backend_.AuditCount(), 2);

  absl::StatusOr<OrganizationRecord> by_kbo =
      directory.FindOrganizationByIdentifier("0123456749", "");
  ASSERT_TRUE(by_kbo.ok()) << by_kbo.status();
  EXPECT_EQ(by_kbo->id, Id(1));
  EXPECT_EQ(by_kbo->legal_representative_insz, std::vector<std::string>{"90010100123"});
  absl::StatusOr<OrganizationRecord> by_id = directory.FindOrganizationById(Id(1));
  ASSERT_TRUE(by_id.ok()) << by_id.status();
  EXPECT_EQ(by_id->display_name, "Scholengroep Noord");
  EXPECT_EQ(directory.FindOrganizationById(Id(2)).status().code(), absl::StatusCode::kNotFound);
}

TYPED_TEST(RepositoryContractTest, OrganizationsAreFoundByInstitutionNumber) {
  DirectoryRepository& directory = this->backend_.directory();
  OrganizationRecord school = Organization(2, "", "Basisschool De Linde", "SCHOOL", {});
  school.institution_number = "123456";
  school.email_address = "info@delinde.be";
  ASSERT_TRUE(directory.UpsertOrganization(school, Audit("IMPORT_ORGANIZATION"), nullptr).ok());

  absl::StatusOr<OrganizationRecord> found = directory.FindOrganizationByIdentifier("", "123456");
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->id, Id(2));
  EXPECT_EQ(found->kbo_number, "");
  EXPECT_EQ(found->email_address, "info@delinde.be");
  EXPECT_TRUE(found->legal_representative_insz.empty());
  EXPECT_EQ(directory.FindOrganizationByIdentifier("", "654321").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(directory.FindOrganizationByIdentifier("0123456749", "").status().code(),
            absl::StatusCode::kNotFound);
}

TYPED_TEST(RepositoryContractTest, ListOrganizationsPagesByIdAndFilters) {
  DirectoryRepository& directory = this->backend_.directory();
  for (const OrganizationRecord& organization :
       {Organization(1, "0123456749", "Basisschool De Linde", "SCHOOL", {}),
        Organization(2, "0200000032", "Atheneum Zuid", "SCHOOL", {}),
        Organization(3, "0300000064", "BASISSCHOOL het Park", "SCHOOL_BOARD", {})}) {
    ASSERT_TRUE(
        directory.UpsertOrganization(organization, Audit("IMPORT_ORGANIZATION"), nullptr).ok());
  }

  Page page;
  page.size = 2;
  EXPECT_EQ(Ids(directory.ListOrganizations(page, "", "")),
            (std::vector<std::string>{Id(1), Id(2)}));
  page.after_id = Id(2);
  EXPECT_EQ(Ids(directory.ListOrganizations(page, "", "")), std::vector<std::string>{Id(3)});
  page.after_id = Id(3);
  EXPECT_EQ(Ids(directory.ListOrganizations(page, "", "")), std::vector<std::string>{});

  page = Page();
  EXPECT_EQ(Ids(directory.ListOrganizations(page, "", "basisschool")),
            (std::vector<std::string>{Id(1), Id(3)}));  // Case-insensitive.
  EXPECT_EQ(Ids(directory.ListOrganizations(page, "", "Zuid")), std::vector<std::string>{Id(2)});
  EXPECT_EQ(Ids(directory.ListOrganizations(page, "SCHOOL", "basisschool")),
            std::vector<std::string>{Id(1)});
  // LIKE wildcards in the query are literal characters.
  EXPECT_EQ(Ids(directory.ListOrganizations(page, "", "%")), std::vector<std::string>{});
  EXPECT_EQ(Ids(directory.ListOrganizations(page, "", "Basisschool_De")),
            std::vector<std::string>{});
}

TYPED_TEST(RepositoryContractTest, OrganizationsRepresentedByAnInsz) {
  DirectoryRepository& directory = this->backend_.directory();
  for (const OrganizationRecord& organization :
       {Organization(1, "0123456749", "Scholengroep Noord", "SCHOOL_BOARD", {"85073003328"}),
        Organization(2, "0200000032", "VZW Onderwijs", "SCHOOL_BOARD",
                     {"01020300467", "85073003328"}),
        Organization(3, "0300000064", "VZW Zonder", "SCHOOL_BOARD", {})}) {
    ASSERT_TRUE(
        directory.UpsertOrganization(organization, Audit("IMPORT_ORGANIZATION"), nullptr).ok());
  }

  absl::StatusOr<std::vector<OrganizationRecord>> represented =
      directory.OrganizationsRepresentedBy("85073003328");
  EXPECT_EQ(Ids(represented), (std::vector<std::string>{Id(1), Id(2)}));
  ASSERT_TRUE(represented.ok());
  ASSERT_EQ(represented->size(), 2u);
  // All the organisation's representatives, not only the one asked about.
  EXPECT_EQ((*represented)[1].legal_representative_insz,
            (std::vector<std::string>{"01020300467", "85073003328"}));
  EXPECT_EQ(Ids(directory.OrganizationsRepresentedBy("01020300467")),
            std::vector<std::string>{Id(2)});
  EXPECT_EQ(Ids(directory.OrganizationsRepresentedBy("90010100123")), std::vector<std::string>{});
}

// ---- Sessions. ----

TYPED_TEST(RepositoryContractTest, SessionsAreCreatedAndFound) {
  const PersonRecord person = Person(1, "85073003328");
  ASSERT_TRUE(this->backend_.directory().UpsertPerson(person, Audit("LOGIN"), nullptr).ok());
  SessionRepository& sessions = this->backend_.sessions();
  const SessionRecord session = Session(10, person.id, std::string(64, 'a'));
  const int audited = this->backend_.AuditCount();

  ASSERT_TRUE(sessions.Create(session, IdTokenOf(session), Audit("LOGIN")).ok());
  EXPECT_EQ(this->backend_.AuditCount(), audited + 1);
  absl::StatusOr<SessionRecord> found = sessions.Find(session.id);
  ASSERT_TRUE(found.ok()) << found.status();
  ExpectSameSession(*found, session);

  EXPECT_EQ(sessions.Create(session, IdTokenOf(session), Audit("LOGIN")).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(sessions.Find(Id(11)).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(this->backend_.AuditCount(), audited + 1);
}

TYPED_TEST(RepositoryContractTest, AnIdTokenOpensOneSessionUntilItExpires) {
  const PersonRecord person = Person(1, "85073003328");
  ASSERT_TRUE(this->backend_.directory().UpsertPerson(person, Audit("LOGIN"), nullptr).ok());
  SessionRepository& sessions = this->backend_.sessions();
  const std::string token(64, 'd');
  const SessionRecord first = Session(10, person.id, std::string(64, 'a'));
  ASSERT_TRUE(sessions.Create(first, IdTokenOf(first, token), Audit("LOGIN")).ok());
  const int audited = this->backend_.AuditCount();

  // The same token again: no second session, no audit row of a login that did not happen.
  const SessionRecord second = Session(11, person.id, std::string(64, 'b'));
  EXPECT_EQ(sessions.Create(second, IdTokenOf(second, token), Audit("LOGIN")).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(sessions.Find(second.id).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(this->backend_.AuditCount(), audited);

  // Long after the token has expired (it can no longer be presented) its row may go.
  SessionRecord later = Session(12, person.id, std::string(64, 'c'));
  later.create_time = first.create_time + absl::Minutes(16);
  EXPECT_TRUE(sessions.Create(later, IdTokenOf(later, token), Audit("LOGIN")).ok());
}

TYPED_TEST(RepositoryContractTest, ALoginStartedOnTheServerCompletesOnce) {
  SessionRepository& sessions = this->backend_.sessions();
  const std::string login(64, '1'), expired(64, '2');
  ASSERT_TRUE(sessions.StartLogin({login, "nonce-of-login", At(600, 0)}).ok());
  ASSERT_TRUE(sessions.StartLogin({expired, "nonce-of-expired", At(60, 0)}).ok());

  EXPECT_EQ(sessions.CompleteLogin(std::string(64, '3'), At(30, 0)).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(sessions.CompleteLogin(expired, At(61, 0)).status().code(),
            absl::StatusCode::kNotFound);
  absl::StatusOr<std::string> nonce = sessions.CompleteLogin(login, At(61, 0));
  ASSERT_TRUE(nonce.ok()) << nonce.status();
  EXPECT_EQ(*nonce, "nonce-of-login");
  EXPECT_EQ(sessions.CompleteLogin(login, At(62, 0)).status().code(), absl::StatusCode::kNotFound);
}

TYPED_TEST(RepositoryContractTest, RefreshTokensRotateOnceAndReplaysAreRecognised) {
  const PersonRecord person = Person(1, "85073003328");
  ASSERT_TRUE(this->backend_.directory().UpsertPerson(person, Audit("LOGIN"), nullptr).ok());
  SessionRepository& sessions = this->backend_.sessions();
  const std::string first(64, 'a'), second(64, 'b'), third(64, 'c');
  const SessionRecord session = Session(10, person.id, first);
  ASSERT_TRUE(sessions.Create(session, IdTokenOf(session), Audit("LOGIN")).ok());

  bool replayed = true;
  absl::StatusOr<SessionRecord> found = sessions.FindByRefreshHash(first, &replayed);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->id, session.id);
  EXPECT_FALSE(replayed);

  ASSERT_TRUE(
      sessions.RotateRefresh(session.id, first, second, At(7200, 7), Audit("REFRESH")).ok());
  found = sessions.Find(session.id);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->refresh_token_hash, second);
  EXPECT_EQ(found->refresh_expire_time, At(7200, 7));

  found = sessions.FindByRefreshHash(second, &replayed);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_FALSE(replayed);
  found = sessions.FindByRefreshHash(first, &replayed);  // The old token, presented again.
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->id, session.id);
  EXPECT_TRUE(replayed);
  EXPECT_EQ(sessions.FindByRefreshHash(third, &replayed).status().code(),
            absl::StatusCode::kNotFound);

  const int audited = this->backend_.AuditCount();
  EXPECT_EQ(sessions.RotateRefresh(session.id, first, third, At(9000), Audit("REFRESH")).code(),
            absl::StatusCode::kAborted);
  EXPECT_EQ(sessions.RotateRefresh(Id(11), second, third, At(9000), Audit("REFRESH")).code(),
            absl::StatusCode::kAborted);
  EXPECT_EQ(this->backend_.AuditCount(), audited);
  found = sessions.Find(session.id);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->refresh_token_hash, second);  // The stale rotation changed nothing.
}

TYPED_TEST(RepositoryContractTest, CurrentOrganizationIsSetAndCleared) {
  const PersonRecord person = Person(1, "85073003328");
  ASSERT_TRUE(this->backend_.directory().UpsertPerson(person, Audit("LOGIN"), nullptr).ok());
  SessionRepository& sessions = this->backend_.sessions();
  const SessionRecord session = Session(10, person.id, std::string(64, 'a'));
  ASSERT_TRUE(sessions.Create(session, IdTokenOf(session), Audit("LOGIN")).ok());

  const int audited = this->backend_.AuditCount();
  ASSERT_TRUE(
      sessions.SetCurrentOrganization(session.id, Id(5), Audit("SELECT_ORGANIZATION")).ok());
  absl::StatusOr<SessionRecord> found = sessions.Find(session.id);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->current_organization_id, std::optional<std::string>(Id(5)));
  EXPECT_EQ(this->backend_.AuditCount(), audited + 1);

  ASSERT_TRUE(
      sessions.SetCurrentOrganization(session.id, std::nullopt, Audit("SELECT_ORGANIZATION")).ok());
  found = sessions.Find(session.id);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_FALSE(found->current_organization_id.has_value());
  EXPECT_EQ(sessions.SetCurrentOrganization(Id(11), Id(5), Audit("SELECT_ORGANIZATION")).code(),
            absl::StatusCode::kNotFound);
}

// Many callers' selects in one call (the select writer): each switch gets its own outcome, a
// later switch of the same session wins, and only admitted switches are written and audited.
TYPED_TEST(RepositoryContractTest, SwitchContextsAnswersEachSwitchOnItsOwn) {
  const PersonRecord person = Person(1, "85073003328");
  ASSERT_TRUE(this->backend_.directory().UpsertPerson(person, Audit("LOGIN"), nullptr).ok());
  SessionRepository& sessions = this->backend_.sessions();
  for (int n : {10, 11, 12}) {
    const SessionRecord session =
        Session(n, person.id, std::string(64, static_cast<char>('a' + n)));
    ASSERT_TRUE(sessions.Create(session, IdTokenOf(session), Audit("LOGIN")).ok());
  }
  const int audited = this->backend_.AuditCount();
  auto admit_all = [](const SessionRecord&) { return absl::OkStatus(); };
  auto refuse = [](const SessionRecord&) { return absl::FailedPreconditionError("ended"); };
  auto audit = [](const SessionRecord& session) {
    AuditEntry entry = Audit("SELECT_ORGANIZATION");
    entry.session_id = session.id;
    entry.target = "organizations/" + session.current_organization_id.value_or("-");
    return entry;
  };
  const ContextSwitch to_5{Id(10), Id(5), admit_all, audit};
  const ContextSwitch unknown{Id(99), Id(5), admit_all, audit};
  const ContextSwitch refused{Id(11), Id(6), refuse, audit};
  const ContextSwitch personal{Id(12), std::nullopt, admit_all, audit};
  const ContextSwitch to_7{Id(10), Id(7), admit_all, audit};  // The same session again: wins.
  auto results = sessions.SwitchContexts({&to_5, &unknown, &refused, &personal, &to_7});
  ASSERT_TRUE(results.ok()) << results.status();
  ASSERT_EQ(results->size(), 5u);
  ASSERT_TRUE((*results)[0].ok()) << (*results)[0].status();
  EXPECT_EQ((*results)[0]->current_organization_id, std::optional<std::string>(Id(5)));
  EXPECT_EQ((*results)[1].status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ((*results)[2].status().code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE((*results)[3].ok()) << (*results)[3].status();
  EXPECT_FALSE((*results)[3]->current_organization_id.has_value());
  ASSERT_TRUE((*results)[4].ok()) << (*results)[4].status();
  EXPECT_EQ((*results)[4]->current_organization_id, std::optional<std::string>(Id(7)));

  EXPECT_EQ(sessions.Find(Id(10))->current_organization_id, std::optional<std::string>(Id(7)));
  EXPECT_FALSE(sessions.Find(Id(11))->current_organization_id.has_value());  // Refused: unchanged.
  EXPECT_FALSE(sessions.Find(Id(12))->current_organization_id.has_value());
  EXPECT_EQ(this->backend_.AuditCount(), audited + 3);  // One event per admitted switch.

  // A batch of one and a batch of only refusals write nothing more than they should.
  auto alone = sessions.SwitchContexts({&refused});
  ASSERT_TRUE(alone.ok()) << alone.status();
  EXPECT_EQ((*alone)[0].status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(this->backend_.AuditCount(), audited + 3);
}

// Batches of every size up to the writer's limit (the padded IN lists and chunked inserts).
TYPED_TEST(RepositoryContractTest, SwitchContextsHandlesBatchesOfEverySize) {
  const PersonRecord person = Person(1, "85073003328");
  ASSERT_TRUE(this->backend_.directory().UpsertPerson(person, Audit("LOGIN"), nullptr).ok());
  SessionRepository& sessions = this->backend_.sessions();
  constexpr int kSessions = 70;
  for (int n = 0; n < kSessions; ++n) {
    SessionRecord session = Session(100 + n, person.id, std::string(64, 'a'));
    session.refresh_token_hash = Id(1000 + n) + Id(1000 + n);
    ASSERT_TRUE(sessions.Create(session, IdTokenOf(session), Audit("LOGIN")).ok());
  }
  auto admit_all = [](const SessionRecord&) { return absl::OkStatus(); };
  auto audit = [](const SessionRecord&) { return Audit("SELECT_ORGANIZATION"); };
  for (int size : {1, 2, 3, 7, 8, 13, 31, 64, 70}) {
    const int audited = this->backend_.AuditCount();
    std::vector<ContextSwitch> switches;
    for (int n = 0; n < size; ++n) {
      switches.push_back({Id(100 + n), Id(size), admit_all, audit});
    }
    std::vector<const ContextSwitch*> batch;
    for (const auto& change : switches) batch.push_back(&change);
    auto results = sessions.SwitchContexts(batch);
    ASSERT_TRUE(results.ok()) << size << ": " << results.status();
    for (int n = 0; n < size; ++n) {
      ASSERT_TRUE((*results)[n].ok()) << size << "/" << n << ": " << (*results)[n].status();
      EXPECT_EQ(sessions.Find(Id(100 + n))->current_organization_id,
                std::optional<std::string>(Id(size)));
    }
    EXPECT_EQ(this->backend_.AuditCount(), audited + size) << size;
  }
}

TYPED_TEST(RepositoryContractTest, RevokeIsIdempotentAndEndsRefresh) {
  const PersonRecord person = Person(1, "85073003328");
  ASSERT_TRUE(this->backend_.directory().UpsertPerson(person, Audit("LOGIN"), nullptr).ok());
  SessionRepository& sessions = this->backend_.sessions();
  const std::string hash(64, 'a');
  const SessionRecord session = Session(10, person.id, hash);
  ASSERT_TRUE(sessions.Create(session, IdTokenOf(session), Audit("LOGIN")).ok());
  const int audited = this->backend_.AuditCount();

  ASSERT_TRUE(sessions.Revoke(session.id, At(100, 9), Audit("LOGOUT")).ok());
  EXPECT_EQ(this->backend_.AuditCount(), audited + 1);
  ASSERT_TRUE(sessions.Revoke(session.id, At(200), Audit("LOGOUT")).ok());
  EXPECT_EQ(this->backend_.AuditCount(), audited + 1);  // Nothing changed, nothing audited.
  absl::StatusOr<SessionRecord> found = sessions.Find(session.id);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->revoke_time, std::optional<absl::Time>(At(100, 9)));  // The first one stands.

  bool replayed = false;
  EXPECT_EQ(sessions.FindByRefreshHash(hash, &replayed).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(
      sessions.RotateRefresh(session.id, hash, std::string(64, 'b'), At(9000), Audit("REFRESH"))
          .code(),
      absl::StatusCode::kAborted);
  EXPECT_EQ(sessions.Revoke(Id(11), At(100), Audit("LOGOUT")).code(), absl::StatusCode::kNotFound);
}

// ---- Signing keys. ----

TYPED_TEST(RepositoryContractTest, RotationInsertsOnlyWhenDue) {
  SigningKeyRepository& keys = this->backend_.keys();
  const SigningKeyRecord first = Key("kid-1", At(0, 11), At(2 * 86400));
  const SigningKeyRecord late = Key("kid-late", At(30), At(2 * 86400));

  absl::StatusOr<bool> inserted = keys.InsertIfRotationDue(first, At(-86400));
  ASSERT_TRUE(inserted.ok()) << inserted.status();
  EXPECT_TRUE(*inserted);
  // Another replica due at the same time: the first key is newer than its cut-off.
  inserted = keys.InsertIfRotationDue(late, At(-86400));
  ASSERT_TRUE(inserted.ok()) << inserted.status();
  EXPECT_FALSE(*inserted);
  // The cut-off is exclusive and kept to the microsecond.
  inserted = keys.InsertIfRotationDue(late, At(0, 10));
  ASSERT_TRUE(inserted.ok()) << inserted.status();
  EXPECT_FALSE(*inserted);

  const SigningKeyRecord second = Key("kid-2", At(86400), At(3 * 86400));
  inserted = keys.InsertIfRotationDue(second, At(0, 11));
  ASSERT_TRUE(inserted.ok()) << inserted.status();
  EXPECT_TRUE(*inserted);

  absl::StatusOr<std::vector<SigningKeyRecord>> listed = keys.ListUnexpired(At(100));
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].kid, "kid-2");  // Newest first.
  EXPECT_EQ((*listed)[1].kid, "kid-1");
  EXPECT_EQ((*listed)[1].alg, "ES256");
  EXPECT_EQ((*listed)[1].private_key_sealed, first.private_key_sealed);  // Binary-safe.
  EXPECT_EQ((*listed)[1].public_jwk, first.public_jwk);
  EXPECT_EQ((*listed)[1].create_time, At(0, 11));
  EXPECT_EQ((*listed)[1].retire_time, first.retire_time);
  EXPECT_EQ((*listed)[1].expire_time, At(2 * 86400));
}

TYPED_TEST(RepositoryContractTest, ListUnexpiredDropsExpiredKeys) {
  SigningKeyRepository& keys = this->backend_.keys();
  ASSERT_TRUE(keys.InsertIfRotationDue(Key("kid-1", At(0), At(2 * 86400)), At(-1)).ok());
  ASSERT_TRUE(keys.InsertIfRotationDue(Key("kid-2", At(86400), At(3 * 86400)), At(86399)).ok());

  absl::StatusOr<std::vector<SigningKeyRecord>> listed = keys.ListUnexpired(At(2 * 86400 - 1));
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->size(), 2u);
  listed = keys.ListUnexpired(At(2 * 86400));  // kid-1 expires at this instant.
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].kid, "kid-2");
  listed = keys.ListUnexpired(At(3 * 86400));
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_TRUE(listed->empty());
}

// ---- MySQL only: what the replicas are told (storage/mysql_record_changes.h). ----

// A write that finds its work already done still announces the record: a retried logout, or an
// import racing a login's change, must not answer before every replica forgot the old row,
// while the call that changed it may still be telling them.
TEST(RecordAnnouncementTest, AlreadyDoneWritesAnnounceTheRecordAsWell) {
  ::wse::testing::TestDatabase db;
  ASSERT_TRUE(ApplyMigrations(db.pool(), {{"identity", &EmbeddedMigrations()}}).ok());
  std::vector<std::vector<std::string>> announced;
  const RecordsChanged listener = [&](const std::vector<std::string>& names, absl::Duration) {
    announced.push_back(names);
  };
  MysqlDirectoryRepository directory(db.pool());
  MysqlSessionRepository sessions(db.pool());
  directory.OnRecordsChanged(listener);
  sessions.OnRecordsChanged(listener);

  const PersonRecord person = Person(1, "85073003328");
  ASSERT_TRUE(directory.UpsertPerson(person, Audit("IMPORT"), nullptr).ok());
  announced.clear();
  EXPECT_EQ(
      directory.UpsertPerson(person, Audit("IMPORT"), nullptr).value_or(UpsertOutcome::kCreated),
      UpsertOutcome::kUnchanged);
  EXPECT_EQ(announced, std::vector<std::vector<std::string>>{{"persons/" + person.id}});

  const SessionRecord session = Session(10, person.id, std::string(64, 'a'));
  ASSERT_TRUE(sessions.Create(session, IdTokenOf(session), Audit("LOGIN")).ok());
  announced.clear();
  ASSERT_TRUE(sessions.Revoke(session.id, At(100), Audit("LOGOUT")).ok());
  ASSERT_TRUE(sessions.Revoke(session.id, At(200), Audit("LOGOUT")).ok());
  const std::vector<std::string> names{"sessions/" + session.id};
  EXPECT_EQ(announced, (std::vector<std::vector<std::string>>{names, names}))
      << "the retried logout was answered without telling the replicas";
}

// The verification store on MariaDB: the code's hash, its mail and audit commit together; a wrong
// code's count commits although the call fails; the confirmed address is the person's and is
// announced to the replicas.
TEST(EmailVerificationStoreTest, CodesMailsAndTheConfirmedAddressCommitTogether) {
  ::wse::testing::TestDatabase db;
  ASSERT_TRUE(ApplyMigrations(
                  db.pool(), {{"identity", &EmbeddedMigrations()}, {"outbox", &OutboxMigrations()}})
                  .ok());
  std::vector<std::string> announced;
  MysqlDirectoryRepository directory(db.pool());
  MysqlEmailVerificationStore store(db.pool(), directory);
  store.OnRecordsChanged([&](const std::vector<std::string>& names, absl::Duration) {
    announced.insert(announced.end(), names.begin(), names.end());
  });
  PersonRecord person = Person(1, "85073003328");
  person.email_address.clear();
  ASSERT_TRUE(directory.UpsertPerson(person, Audit("IMPORT"), &person).ok());

  absl::Time now = absl::Now();
  std::string code = "123456";
  EmailVerifier verifier(
      store, EmailVerificationPolicy{}, [&] { return now; }, [&] { return code; });
  VerifyingPerson who{person, Session(10, person.id, std::string(64, 'a'))};
  ASSERT_TRUE(verifier.Start(who, "an@thuis.example").ok());
  EXPECT_EQ(db.QueryScalar("SELECT COUNT(*) FROM outbox"), "1");
  EXPECT_EQ(db.QueryScalar("SELECT COUNT(*) FROM audit_events WHERE action ="
                           " 'EMAIL_VERIFICATION_STARTED'"),
            "1");
  EXPECT_EQ(db.QueryScalar("SELECT COUNT(*) FROM email_verifications WHERE code_hash LIKE"
                           " '%123456%'"),
            "0")
      << "only the hash is stored";

  auto wrong = verifier.Verify(who, "654321");
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(db.QueryScalar("SELECT failed_attempts FROM email_verifications"), "1");
  EXPECT_TRUE(announced.empty());

  auto verified = verifier.Verify(who, "123456");
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(verified->email_address, "an@thuis.example");
  EXPECT_EQ(verified->email_source, "VERIFIED");
  EXPECT_EQ(announced, std::vector<std::string>{"persons/" + person.id});
  EXPECT_EQ(ReasonOf(verifier.Verify(who, "123456").status()), "EMAIL_VERIFICATION_NOT_STARTED");

  // Five codes an hour, counted across calls in the stored row.
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(verifier.Start(who, "an@thuis.example").ok()) << i;
  EXPECT_EQ(verifier.Start(who, "an@thuis.example").status().code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(db.QueryScalar("SELECT COUNT(*) FROM outbox"), "5");
}

}  // namespace
}  // namespace wse::identity
