#pragma once
// registration-svc's stored records: the training catalogue, drafts with their participants, and
// registrations as immutable versions (each with its ontvangstbevestiging). Ids are opaque
// 32-character lowercase hex strings that sort by creation time (NewRecordId), so "newest first"
// is "id descending". INSZ numbers are stored normalised (11 digits, no separators).
//
// Resource names: "trainings/{odb_number}", "organizations/{org}/drafts/{id}",
// ".../drafts/{id}/participants/{id}", "organizations/{org}/registrations/{id}[@{version}]",
// ".../registrations/{id}/receipts/{version}".

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "registration-svc/domain/vov_rules.h"

namespace wse::registration {

// A fresh id: 14 hex digits of microseconds since the epoch, then 18 random hex digits.
std::string NewRecordId();

struct TrainingModuleRecord {
  std::string code;
  std::string title;
  double hours = 0;

  friend bool operator==(const TrainingModuleRecord&, const TrainingModuleRecord&) = default;
};

// A training of the opleidingsdatabank. `facts.module_codes` and `facts.module_hours` mirror
// `modules`' codes and hours.
struct TrainingRecord {
  TrainingFacts facts;  // odb_number is the key.
  std::string title;
  std::vector<TrainingModuleRecord> modules;
  absl::Time create_time;
  absl::Time update_time;
};

enum class DraftState { kOpen = 1, kConfirmed = 2, kExpired = 3 };

struct DraftRecord {
  std::string id;
  std::string organization_id;
  std::string odb_number;
  int school_year = 0;  // The first year: 2025 is "2025-2026".
  // As stored. An OPEN draft whose expire_time has passed is expired; the manager treats it so
  // (and may store kExpired).
  DraftState state = DraftState::kOpen;
  std::string corrects_registration_id;  // A correction draft: the registration and the version
  int corrects_version = 0;              // it corrects; empty / 0 otherwise.
  std::string registration_id;           // Set when CONFIRMED: the registration and the version
  int registration_version = 0;          // the confirmation created.
  std::string creator_id;                // Person id.
  absl::Time create_time;
  absl::Time update_time;
  absl::Time expire_time;
  int64_t version = 1;  // Behind the etag: +1 on every change of the draft or a participant.
  int64_t validated_version = 0;  // The version a ValidateDraft found without violations; 0: none.
  int participant_count = 0;      // Output of reads: the number of participant rows.
};

// A participant row of a draft. `input.insz` is normalised.
struct ParticipantRecord {
  std::string id;
  std::string display_name;
  ParticipantInput input;
};

enum class ReceiptKind { kSubmission = 1, kCorrection = 2, kWithdrawal = 3 };

// Totals of a registration version.
struct ParticipantsSummary {
  int participant_count = 0;
  int attendance_count = 0;
  int participation_count = 0;
  double total_hours_present = 0;
  int warning_count = 0;
};

// A participant line of a confirmed version, as submitted (full INSZ kept for the content hash
// and the participant filter; answers only ever show it masked).
struct RegisteredParticipant {
  std::string display_name;
  ParticipantInput input;
  std::vector<std::string> warning_reasons;  // Warnings shown at confirmation, for the record.
  // The hours the certificate counts for (vov_rules.h CountedHours), fixed at confirmation; 0 in
  // versions of receipt format v1, which did not record them.
  double counted_hours = 0;
};

// The head of a registration: one row per registration, locked to add a version.
struct RegistrationRecord {
  std::string id;
  std::string organization_id;
  std::string odb_number;
  int school_year = 0;
  int latest_version = 0;  // Behind the registration's etag.
  bool withdrawn = false;  // The latest version is a withdrawal.
  absl::Time create_time;
  absl::Time update_time;  // Submit time of the latest version.
};

// One immutable version of a registration together with its receipt. Its state is derived: the
// latest version is ACTIVE (WITHDRAWN for a withdrawal), earlier ones SUPERSEDED.
struct RegistrationVersionRecord {
  std::string registration_id;
  std::string organization_id;
  int version = 0;
  ReceiptKind kind = ReceiptKind::kSubmission;
  std::string odb_number;
  int school_year = 0;
  std::string submitted_by;  // Person id.
  // Names as they were at submission (the receipt is a record of that moment).
  std::string submitted_by_name;
  std::string organization_name;
  std::string training_title;
  absl::Time submit_time;
  // The receipt's sequence number (unique, assigned by the store on insert; the reference
  // VOV-{year}-{number}-{check} is derived from it and the submit year).
  int64_t receipt_number = 0;
  std::string content_sha256;
  std::string content_format;
  std::string withdraw_reason;
  ParticipantsSummary summary;
  std::vector<RegisteredParticipant> participants;  // Filled only when asked for.
};

}  // namespace wse::registration
