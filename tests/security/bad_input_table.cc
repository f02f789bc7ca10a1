// The bad requests, per service (see bad_input_table.h for the placeholders). Each row is a
// request a caller may make, with one field spoiled: too long, SQL metacharacters where an
// identifier belongs, negative or huge numbers, enum values that do not exist, too many items,
// invalid UTF-8, or a message past the size limit (RESOURCE_EXHAUSTED).
#include "tests/security/bad_input_table.h"

#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "tests/flow/identifiers.h"
#include "wse/identity/v1/identity_service.pb.h"
#include "wse/notify/v1/notify_service.pb.h"
#include "wse/registration/v1/registration_service.pb.h"
#include "wse/rights/v1/rights_service.pb.h"

namespace wse::testing::security {
namespace {

using C = grpc::StatusCode;
constexpr C IA = C::INVALID_ARGUMENT;
constexpr C RE = C::RESOURCE_EXHAUSTED;
constexpr Caller kNone = Caller::kNone;
constexpr Caller kOperator = Caller::kOperator;
constexpr Caller kAdmin = Caller::kAdministrator;
constexpr Caller kUser = Caller::kUser;

constexpr char kSql[] = "x' OR '1'='1'; DROP TABLE persons; --";
constexpr size_t kOverMessageLimit = 5 * 1024 * 1024;  // The services accept 4 MiB.

std::string Repeat(int times, const std::string& text) {
  std::string out;
  for (int i = 0; i < times; ++i) absl::StrAppend(&out, text, " ");
  return out;
}

// Requests that many rows spoil one field of.
constexpr char kWorkRelation[] =
    R"(parent: "${org}" request_id: "${hex}"
       work_relation { person: "persons/abc" type: WORK_RELATION_TYPE_VASTE_MEDEWERKER })";
constexpr char kGrant[] =
    R"(parent: "${org}" request_id: "${hex}"
       grant { person: "persons/abc" role: "DWSE_ORGANISATIEVERANTWOORDELIJKE"
               context: "opleidingsverlof" })";
constexpr char kAccessRequest[] =
    R"(parent: "${org}" request_id: "${hex}"
       access_request { role: "DWSE_ORGANISATIEVERANTWOORDELIJKE" context: "opleidingsdatabank" })";
constexpr char kDraft[] =
    R"(parent: "${org}" request_id: "${hex}"
       draft { training: "trainings/${odb}" school_year: "2025-2026" })";
constexpr char kParticipant[] =
    R"(parent: "${draft}" etag: "${etag}"
       participant { insz: "${insz}" display_name: "Deelnemer"
                     attendance { hours_present: 10 contact_hours_to_follow: 40 } })";
constexpr char kTraining[] =
    R"(odb_number: "ODB-Z${hex}" provider_organization: "${org}" title: "Misbruik"
       type: TRAINING_TYPE_CONTACT_HOURS planned_hours: 120 delivery_mode: DELIVERY_MODE_CLASSROOM
       recognition_start_date { year: 2020 month: 9 day: 1 })";
// A mail with `recipients` (text format) in between its head and its parameters.
std::string Mail(const std::string& recipients) {
  return absl::StrCat(R"(idempotency_key: "abuse/${hex}" template_id: "access-request-rejected" )",
                      recipients, R"(
       parameters { key: "requester_name" value: "A" }
       parameters { key: "organization_name" value: "B" }
       parameters { key: "role_label" value: "C" }
       parameters { key: "context" value: "D" }
       parameters { key: "rejection_reason" value: "E" })");
}

void IdentityRows(std::vector<BadRequest>& rows) {
  const std::string m = "identity.IdentityService/";
  rows.insert(
      rows.end(),
      {
          {"17 KiB id_token", m + "ExchangeIdToken", kNone, IA, "id_token",
           R"(id_token: "${e*17408}")"},
          {"5 MiB message", m + "ExchangeIdToken", kNone, RE, "", R"(id_token: "${huge}")"},
          {"long nonce", m + "ExchangeIdToken", kNone, IA, "nonce",
           R"(id_token: "eyJhbGciOiJFUzI1NiJ9.e30.c2ln" nonce: "${n*300}")"},
          {"300-character token", m + "RefreshSession", kNone, IA, "refresh_token",
           R"(refresh_token: "${r*300}")"},
          {"SQL in organization", m + "SelectActingContext", kUser, IA, "organization",
           R"(organization: "organizations/${sql}")"},
          {"path traversal in name", m + "GetPerson", kOperator, IA, "name",
           R"(name: "persons/../../organizations")"},
          {"SQL as INSZ", m + "LookupPerson", kOperator, IA, "insz", R"(insz: "${sql}")"},
          {"100 KiB INSZ", m + "LookupPerson", kOperator, IA, "insz", R"(insz: "${7*102400}")"},
          {"SQL after a KBO number", m + "LookupOrganization", kOperator, IA,
           "identifier.kbo_number", R"(identifier { kbo_number: "0412345614${sql}" })"},
          {"negative page_size", m + "ListOrganizations", kOperator, IA, "page_size",
           "page_size: -1"},
          {"SQL page_token", m + "ListOrganizations", kOperator, IA, "page_token",
           R"(page_token: "${sql}")"},
          {"unknown kind", m + "ListOrganizations", kOperator, IA, "kind", "kind: 77"},
          {"201-character query", m + "ListOrganizations", kOperator, IA, "query",
           R"(query: "${q*201}")"},
          {"invalid UTF-8 in query", m + "ListOrganizations", kOperator, IA, "request",
           R"(query: "${utf8}")"},
          {"1001 items", m + "BatchImportPersons", kOperator, IA, "persons",
           Repeat(1001, R"(persons { insz: "${insz}" })")},
      });
}

void RightsRows(std::vector<BadRequest>& rows) {
  const std::string m = "rights.RightsService/";
  rows.insert(rows.end(),
              {
                  {"SQL in parent", m + "CreateWorkRelation", kAdmin, IA, "parent", kWorkRelation,
                   R"(parent: "organizations/${sql}")"},
                  {"SQL in request_id", m + "CreateWorkRelation", kAdmin, IA, "request_id",
                   kWorkRelation, R"(request_id: "${sql}")"},
                  {"SQL in person", m + "CreateWorkRelation", kAdmin, IA, "work_relation.person",
                   kWorkRelation, R"(work_relation { person: "persons/${sql}" })"},
                  {"unknown enum type", m + "CreateWorkRelation", kAdmin, IA, "work_relation.type",
                   kWorkRelation, "work_relation { type: 4242 }"},
                  {"validity start -1 s", m + "CreateGrant", kAdmin, IA, "grant.validity", kGrant,
                   "grant { validity { start_time { seconds: -1 } } }"},
                  {"validity start 2^50 s", m + "CreateGrant", kAdmin, IA, "grant.validity", kGrant,
                   "grant { validity { start_time { seconds: 1125899906842624 } } }"},
                  {"negative nanos", m + "CreateGrant", kAdmin, IA, "grant.validity", kGrant,
                   "grant { validity { end_time { nanos: -1 } } }"},
                  {"65-character role", m + "CreateGrant", kAdmin, IA, "grant.role", kGrant,
                   R"(grant { role: "${R*65}" })"},
                  {"1001-character reason", m + "RevokeGrant", kAdmin, IA, "reason",
                   R"(name: "${org}/grants/doesnotexist" etag: "v1" reason: "${r*1001}")"},
                  {"negative page_size", m + "ListGrants", kAdmin, IA, "page_size",
                   R"(parent: "${org}" page_size: -5)"},
                  {"SQL page_token", m + "ListGrants", kAdmin, IA, "page_token",
                   R"(parent: "${org}" page_token: "${sql}")"},
                  {"invalid UTF-8 in role", m + "ListGrants", kAdmin, IA, "request",
                   R"(parent: "${org}" role: "${utf8}")"},
                  {"negative page_token", m + "ListAuditEvents", kAdmin, IA, "page_token",
                   R"(parent: "${org}" page_token: "-5")"},
                  {"5 KiB reason", m + "CreateAccessRequest", kUser, IA, "access_request.reason",
                   kAccessRequest, R"(access_request { reason: "${w*5000}" })"},
                  {"5 MiB message", m + "CreateAccessRequest", kUser, RE, "", kAccessRequest,
                   R"(access_request { reason: "${huge}" })"},
                  {"unknown state", m + "ListAccessRequests", kAdmin, IA, "state",
                   R"(parent: "${org}" state: -3)"},
                  {"101-character permission", m + "CheckPermission", kUser, IA, "permission",
                   R"(person: "${user}" permission: "${p*101}")"},
              });
  for (const char* etag : {"v-1", "v0", "vabc", "v99999999999999999999", "1' OR '1'='1"}) {
    rows.push_back({absl::StrCat("etag ", etag), m + "EndWorkRelation", kAdmin, IA, "etag",
                    R"(name: "${org}/workRelations/doesnotexist")",
                    absl::StrCat("etag: \"", absl::CEscape(etag), "\"")});
  }
}

void RegistrationRows(std::vector<BadRequest>& rows) {
  const std::string m = "registration.RegistrationService/";
  rows.insert(
      rows.end(),
      {
          {"SQL in training", m + "CreateDraft", kUser, IA, "draft.training", kDraft,
           R"(draft { training: "trainings/${sql}" })"},
          {"65-character request_id", m + "CreateDraft", kUser, IA, "request_id", kDraft,
           R"(request_id: "${a*65}")"},
          {"10 KiB name", m + "GetDraft", kUser, IA, "name", R"(name: "${org}/drafts/${d*10240}")"},
          {"5 MiB message", m + "AddParticipant", kUser, RE, "", kParticipant,
           R"(participant { display_name: "${huge}" })"},
          {"negative page_size", m + "ListDrafts", kUser, IA, "page_size",
           R"(parent: "${org}" page_size: -2147483648)"},
          {"SQL page_token", m + "ListDrafts", kUser, IA, "page_token",
           R"(parent: "${org}" page_token: "${sql}")"},
          {"short participant INSZ", m + "ListRegistrations", kUser, IA, "participant_insz",
           R"(parent: "${org}" participant_insz: "1234")"},
          {"unknown view", m + "GetRegistration", kUser, IA, "view",
           R"(name: "${org}/registrations/doesnotexist" view: 99)"},
          {"huge version", m + "GetRegistration", kUser, IA, "name",
           R"(name: "${org}/registrations/abc@99999999999999999999")"},
          {"1001-character reason", m + "WithdrawRegistration", kUser, IA, "reason",
           R"(name: "${org}/registrations/doesnotexist" etag: "1" reason: "${r*1001}"
          request_id: "${hex}")"},
          {"201-character query", m + "ListTrainings", kUser, IA, "query",
           R"(provider_organization: "${org}" query: "${q*201}")"},
          {"invalid UTF-8 in query", m + "ListTrainings", kUser, IA, "request",
           R"(provider_organization: "${org}" query: "${utf8}")"},
          {"1001 items", m + "BatchImportTrainings", kOperator, IA, "trainings",
           Repeat(1001, absl::StrCat("trainings { ", kTraining, " }"))},
      });
  for (const char* year : {"99999-100000", "-2025--2024", "2025-2027", "2025-2026' --"}) {
    rows.push_back({absl::StrCat("school year ", year), m + "CreateDraft", kUser, IA,
                    "draft.school_year", kDraft,
                    absl::StrCat("draft { school_year: \"", absl::CEscape(year), "\" }")});
  }
  // One spoiled participant field each.
  const std::pair<const char*, const char*> participants[] = {
      {"INSZ with a wrong checksum", R"(insz: "12345678901")"},
      {"SQL as INSZ", R"(insz: "${sql}")"},
      {"10,000-character display name", R"(display_name: "${n*10000}")"},
      {"control characters in the display name", R"(display_name: "Jan\001\033[2J")"},
      {"negative hours", "attendance { hours_present: -1 }"},
      {"1e308 hours", "attendance { hours_present: 1e308 }"},
      {"NaN hours", "attendance { contact_hours_to_follow: nan }"},
      {"infinite hours", "attendance { unjustified_absence_hours: inf }"},
      {"three decimals", "attendance { hours_present: 1.005 }"},
      {"unknown final assessment", "final_assessment: -7"},
      {"impossible end date", "actual_end_date { year: 2025 month: 2 day: 30 }"},
  };
  for (const auto& [what, spoiled] : participants) {
    const std::string field(spoiled, std::string_view(spoiled).find_first_of(" :"));
    rows.push_back({what, m + "AddParticipant", kUser, IA, "participant." + field, kParticipant,
                    absl::StrCat("participant { ", spoiled, " }")});
  }
}

void NotifyRows(std::vector<BadRequest>& rows) {
  const std::string m = "notify.NotifyService/";
  const std::string kMail = Mail(R"(recipients { email_address: "abuse@abuse.example" })");
  rows.insert(
      rows.end(),
      {
          {"201-character idempotency key", m + "SendMail", kOperator, IA, "idempotency_key", kMail,
           R"(idempotency_key: "${k*201}")"},
          {"path traversal as template", m + "SendMail", kOperator, IA, "template_id", kMail,
           R"(template_id: "../../../etc/passwd")"},
          {"SQL as locale", m + "SendMail", kOperator, IA, "locale", kMail, R"(locale: "${sql}")"},
          {"no recipients", m + "SendMail", kOperator, IA, "recipients", Mail("")},
          {"51 recipients", m + "SendMail", kOperator, IA, "recipients", kMail,
           Repeat(50, R"(recipients { email_address: "x@abuse.example" })")},
          {"10,001-character parameter", m + "SendMail", kOperator, IA, "parameters", kMail,
           R"(parameters { key: "rejection_reason" value: "${p*10001}" })"},
          {"5 MiB message", m + "SendMail", kOperator, RE, "", kMail,
           R"(parameters { key: "rejection_reason" value: "${huge}" })"},
          {"no mails", m + "SendMails", kOperator, IA, "mails", ""},
          {"101 mails", m + "SendMails", kOperator, IA, "mails",
           Repeat(101, absl::StrCat("mails { mail { ", kMail, " } }"))},
          {"negative page_size", m + "ListMessages", kOperator, IA, "page_size", "page_size: -1"},
          {"unknown state", m + "ListMessages", kOperator, IA, "state", "state: 99"},
          {"SQL page_token", m + "ListMessages", kOperator, IA, "page_token",
           R"(page_token: "${sql}")"},
          {"invalid UTF-8 in recipient", m + "ListMessages", kOperator, IA, "request",
           R"(recipient: "${utf8}")"},
          {"SQL as name", m + "RetryDeadLetters", kOperator, IA, "names[0]",
           R"(names: "messages/${sql}")"},
          {"SQL as template", m + "PreviewTemplate", kOperator, IA, "template_id",
           R"(template_id: "${sql}")"},
      });
  // The recipient is replaced, not added to: the mail without it plus the bad one.
  rows.push_back({"SQL as e-mail address", m + "SendMail", kOperator, IA, "recipients[0]",
                  Mail(R"(recipients { email_address: "${sql}" })")});
  rows.push_back({"header injection in the e-mail address", m + "SendMail", kOperator, IA,
                  "recipients[0]",
                  Mail(R"(recipients { email_address: "a@b.example\r\nBcc: all@example.com" })")});
  for (const char* limit : {"-1", "1001", "2147483647"}) {
    rows.push_back({absl::StrCat("limit ", limit), m + "RetryDeadLetters", kOperator, IA, "limit",
                    absl::StrCat("all: true limit: ", limit)});
  }
}

// Descriptors of the services' files register when something references them.
const google::protobuf::DescriptorPool& Pool() {
  static const void* const kLinked[] = {
      identity::v1::ExchangeIdTokenRequest::descriptor(),
      rights::v1::ListGrantsRequest::descriptor(),
      registration::v1::CreateDraftRequest::descriptor(),
      notify::v1::SendMailRequest::descriptor(),
  };
  (void)kLinked;
  return *google::protobuf::DescriptorPool::generated_pool();
}

const google::protobuf::MethodDescriptor* MethodOf(const BadRequest& row) {
  const std::pair<std::string, std::string> area_rest = absl::StrSplit(row.method, '.');
  const std::pair<std::string, std::string> service_method = absl::StrSplit(area_rest.second, '/');
  return Pool().FindMethodByName(absl::StrCat("wse.", area_rest.first, ".v1.", service_method.first,
                                              ".", service_method.second));
}

std::string Hex16() {
  static std::mt19937_64 rng{std::random_device{}()};
  return absl::StrFormat("%016x", rng());
}

absl::StatusOr<std::string> Placeholder(const std::string& key, const Fixture& f) {
  if (key.size() > 2 && key[1] == '*') {
    int times = 0;
    if (!absl::SimpleAtoi(key.substr(2), &times)) return absl::InvalidArgumentError(key);
    return std::string(times, key[0]);
  }
  if (key == "org") return f.org;
  if (key == "draft") return f.draft;
  if (key == "etag") return f.etag;
  if (key == "odb") return f.odb;
  if (key == "user") return f.user;
  if (key == "sql") return std::string(kSql);
  if (key == "hex") return Hex16();
  if (key == "insz") return flow::NewInsz();
  if (key == "huge") return std::string(kOverMessageLimit, 'x');
  if (key == "utf8") return std::string(kUtf8Slot);
  return absl::InvalidArgumentError(absl::StrCat("unknown placeholder ${", key, "}"));
}

// Placeholders sit inside string literals: their values are escaped for text format.
absl::StatusOr<std::string> Expand(const std::string& text, const Fixture& fixture) {
  std::string out;
  size_t at = 0;
  while (true) {
    const size_t open = text.find("${", at);
    if (open == std::string::npos) break;
    const size_t close = text.find('}', open);
    if (close == std::string::npos) return absl::InvalidArgumentError("unclosed ${");
    absl::StatusOr<std::string> value =
        Placeholder(text.substr(open + 2, close - open - 2), fixture);
    if (!value.ok()) return value.status();
    absl::StrAppend(&out, text.substr(at, open - at), absl::CEscape(*value));
    at = close + 1;
  }
  absl::StrAppend(&out, text.substr(at));
  return out;
}

class Collector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    absl::StrAppend(&errors_, line + 1, ":", column + 1, ": ", message, "; ");
  }
  const std::string& errors() const { return errors_; }

 private:
  std::string errors_;
};

absl::Status MergeText(const std::string& text, const Fixture& fixture,
                       google::protobuf::Message* message) {
  absl::StatusOr<std::string> expanded = Expand(text, fixture);
  if (!expanded.ok()) return expanded.status();
  Collector collector;
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&collector);
  if (!parser.MergeFromString(*expanded, message)) {
    return absl::InvalidArgumentError(
        absl::StrCat(message->GetTypeName(), ": ", collector.errors()));
  }
  return absl::OkStatus();
}

}  // namespace

std::vector<BadRequest> BadRequests() {
  std::vector<BadRequest> rows;
  IdentityRows(rows);
  RightsRows(rows);
  RegistrationRows(rows);
  NotifyRows(rows);
  return rows;
}

std::string ServiceOf(const BadRequest& row) { return row.method.substr(0, row.method.find('.')); }

std::string PathOf(const BadRequest& row) {
  const google::protobuf::MethodDescriptor* method = MethodOf(row);
  if (method == nullptr) return "";
  return absl::StrCat("/", method->service()->full_name(), "/", method->name());
}

absl::StatusOr<std::string> WireRequest(const BadRequest& row, const Fixture& fixture) {
  const google::protobuf::MethodDescriptor* method = MethodOf(row);
  if (method == nullptr) return absl::NotFoundError(absl::StrCat("no method ", row.method));
  std::unique_ptr<google::protobuf::Message> request(
      google::protobuf::MessageFactory::generated_factory()
          ->GetPrototype(method->input_type())
          ->New());
  absl::Status parsed = MergeText(row.request, fixture, request.get());
  if (parsed.ok()) parsed = MergeText(row.overrides, fixture, request.get());
  if (!parsed.ok()) return parsed;
  return absl::StrReplaceAll(request->SerializeAsString(), {{kUtf8Slot, kInvalidUtf8}});
}

bool FieldCovers(const std::string& field, const std::string& violation) {
  if (violation.size() < field.size() || violation.compare(0, field.size(), field) != 0) {
    return false;
  }
  return violation.size() == field.size() || violation[field.size()] == '.' ||
         violation[field.size()] == '[';
}

}  // namespace wse::testing::security
