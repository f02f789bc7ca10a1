#include "registration-svc/domain/receipt.h"

#include <openssl/evp.h>

#include <algorithm>
#include <charconv>
#include <variant>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "registration-svc/domain/school_year.h"

namespace wse::registration {
namespace {

char CheckLetter(absl::string_view digits) {
  int64_t sum = 0;
  int64_t weight = 1;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it, ++weight) {
    sum += (*it - '0') * weight;
  }
  return kCheckLetters[sum % 23];
}

// A minimal RFC 8785 writer for what the receipt content holds: ASCII keys written in sorted
// order by the caller, strings, booleans, integers and non-negative hours.
class CanonicalJson {
 public:
  void Key(absl::string_view key) {
    Separator();
    Quoted(key);
    out_.push_back(':');
    after_key_ = true;
  }
  void String(absl::string_view text) {
    Separator();
    Quoted(text);
  }
  void Bool(bool value) {
    Separator();
    out_ += value ? "true" : "false";
  }
  void Int(int64_t value) {
    Separator();
    absl::StrAppend(&out_, value);
  }
  // Shortest round-trip decimal in fixed notation: what ECMAScript's Number.toString prints for
  // values from 1e-6 up to 1e21, the only ones hours can take (0 to 10,000, two decimals).
  void Number(double value) {
    Separator();
    if (value == 0) value = 0;  // -0 prints as 0 in JCS.
    char buffer[64];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
    out_.append(buffer, ec == std::errc() ? end : buffer);
  }
  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }

  std::string Take() { return std::move(out_); }

 private:
  void Quoted(absl::string_view text) {
    out_.push_back('"');
    for (char c : text) {
      const auto byte = static_cast<unsigned char>(c);
      switch (c) {
        case '"':
          out_ += "\\\"";
          break;
        case '\\':
          out_ += "\\\\";
          break;
        case '\b':
          out_ += "\\b";
          break;
        case '\f':
          out_ += "\\f";
          break;
        case '\n':
          out_ += "\\n";
          break;
        case '\r':
          out_ += "\\r";
          break;
        case '\t':
          out_ += "\\t";
          break;
        default:
          if (byte < 0x20) {
            absl::StrAppendFormat(&out_, "\\u%04x", byte);
          } else {
            out_.push_back(c);  // UTF-8 passes through unchanged.
          }
      }
    }
    out_.push_back('"');
  }
  void Separator() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (!first_) out_.push_back(',');
    first_ = false;
  }
  void Open(char c) {
    Separator();
    out_.push_back(c);
    first_ = true;
  }
  void Close(char c) {
    out_.push_back(c);
    first_ = false;
  }

  std::string out_;
  bool first_ = true;
  bool after_key_ = false;
};

const char* KindName(ReceiptKind kind) {
  switch (kind) {
    case ReceiptKind::kSubmission:
      return "SUBMISSION";
    case ReceiptKind::kCorrection:
      return "CORRECTION";
    case ReceiptKind::kWithdrawal:
      return "WITHDRAWAL";
  }
  return "UNSPECIFIED";
}

const char* FinalAssessmentName(FinalAssessment value) {
  switch (value) {
    case FinalAssessment::kParticipated:
      return "PARTICIPATED";
    case FinalAssessment::kNotParticipated:
      return "NOT_PARTICIPATED";
    case FinalAssessment::kJustifiedAbsence:
      return "JUSTIFIED_ABSENCE";
    case FinalAssessment::kNotYetHeld:
      return "NOT_YET_HELD";
    case FinalAssessment::kUnspecified:
      break;
  }
  return "UNSPECIFIED";
}

void WriteParticipant(const RegisteredParticipant& line, bool with_counted_hours,
                      CanonicalJson& json) {
  const ParticipantInput& p = line.input;
  json.BeginObject();
  if (p.actual_end_date) {
    json.Key("actual_end_date");
    json.String(FormatDate(*p.actual_end_date));
  }
  if (const auto* a = std::get_if<AttendanceInput>(&p.measurement)) {
    json.Key("attendance");
    json.BeginObject();
    json.Key("contact_hours_to_follow");
    json.Number(a->contact_hours_to_follow);
    json.Key("hours_present");
    json.Number(a->hours_present);
    json.Key("unjustified_absence_hours");
    json.Number(a->unjustified_absence_hours);
    json.EndObject();
  }
  if (with_counted_hours) {
    json.Key("counted_hours");
    json.Number(line.counted_hours);
  }
  if (p.exam_contract) {
    json.Key("exam_contract");
    json.Bool(*p.exam_contract);
  }
  json.Key("final_assessment");
  json.String(FinalAssessmentName(p.final_assessment));
  json.Key("insz");
  json.String(p.insz);
  if (const auto* q = std::get_if<ParticipationInput>(&p.measurement)) {
    json.Key("participation");
    json.BeginObject();
    json.Key("completed_module_codes");
    json.BeginArray();
    for (const auto& code : q->completed_module_codes) json.String(code);
    json.EndArray();
    json.Key("participated");
    json.Bool(q->participated);
    json.EndObject();
  }
  if (p.route_completed) {
    json.Key("route_completed");
    json.Bool(*p.route_completed);
  }
  json.EndObject();
}

}  // namespace

std::string ReceiptReference(int year, int64_t number) {
  const std::string digits = absl::StrFormat("%04d%06d", year, number);
  return absl::StrFormat("VOV-%04d-%06d-%c", year, number, CheckLetter(digits));
}

bool ValidReceiptReference(absl::string_view reference) {
  std::vector<absl::string_view> parts = absl::StrSplit(reference, '-');
  if (parts.size() != 4 || parts[0] != "VOV" || parts[1].size() != 4 || parts[2].size() < 6 ||
      parts[3].size() != 1) {
    return false;
  }
  for (absl::string_view part : {parts[1], parts[2]}) {
    if (!std::all_of(part.begin(), part.end(), absl::ascii_isdigit)) return false;
  }
  return CheckLetter(absl::StrCat(parts[1], parts[2])) == parts[3][0];
}

std::string ReceiptCanonicalContent(const RegistrationVersionRecord& version) {
  std::vector<const RegisteredParticipant*> sorted;
  sorted.reserve(version.participants.size());
  for (const auto& p : version.participants) sorted.push_back(&p);
  std::sort(sorted.begin(), sorted.end(),
            [](const RegisteredParticipant* a, const RegisteredParticipant* b) {
              return a->input.insz < b->input.insz;
            });
  // What the version was confirmed with (stored); v1 had no counted hours.
  const std::string format =
      version.content_format.empty() ? kReceiptContentFormatV1 : version.content_format;
  const bool with_counted_hours = format != kReceiptContentFormatV1;

  CanonicalJson json;
  json.BeginObject();
  json.Key("content_format");
  json.String(format);
  json.Key("kind");
  json.String(KindName(version.kind));
  json.Key("organization");
  json.String("organizations/" + version.organization_id);
  json.Key("participants");
  json.BeginArray();
  for (const RegisteredParticipant* p : sorted) WriteParticipant(*p, with_counted_hours, json);
  json.EndArray();
  json.Key("school_year");
  json.String(SchoolYear::StartingIn(version.school_year).ToString());
  json.Key("training");
  json.String("trainings/" + version.odb_number);
  json.Key("version");
  json.Int(version.version);
  if (version.kind == ReceiptKind::kWithdrawal) {
    json.Key("withdraw_reason");
    json.String(version.withdraw_reason);
  }
  json.EndObject();
  return json.Take();
}

std::string ReceiptContentSha256(const RegistrationVersionRecord& version) {
  const std::string content = ReceiptCanonicalContent(version);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(content.data(), content.size(), digest, &length, EVP_sha256(), nullptr);
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) absl::StrAppendFormat(&hex, "%02x", digest[i]);
  return hex;
}

}  // namespace wse::registration
