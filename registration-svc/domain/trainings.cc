// RegistrationManager: the training catalogue (opleidingsdatabank).
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "registration-svc/domain/registration_manager.h"

namespace wse::registration {
namespace {

constexpr size_t kMaxTitleLength = 300;
constexpr size_t kMaxModuleCodeLength = 40;

void Add(std::vector<Violation>* out, std::string field, std::string reason,
         std::string description) {
  Violation v;
  v.field = std::move(field);
  v.reason = std::move(reason);
  v.description = std::move(description);
  out->push_back(std::move(v));
}

// What ValidateTraining (the VOV volume and date rules) does not cover: texts and modules.
void CheckTexts(const TrainingRecord& t, const std::string& path, std::vector<Violation>* out) {
  if (t.title.empty() || t.title.size() > kMaxTitleLength) {
    Add(out, path + ".title", "FIELD_REQUIRED",
        absl::StrCat("De titel is verplicht (hoogstens ", kMaxTitleLength, " tekens)."));
  }
  if (t.facts.odb_number.size() > 32) {
    Add(out, path + ".odb_number", "INVALID_ODB_NUMBER",
        "Het ODB-nummer heeft hoogstens 32 tekens.");
  }
  absl::flat_hash_set<std::string> codes;
  for (size_t i = 0; i < t.modules.size(); ++i) {
    const auto& m = t.modules[i];
    const std::string at = absl::StrCat(path, ".modules[", i, "]");
    if (m.code.empty() || m.code.size() > kMaxModuleCodeLength) {
      Add(out, at + ".code", "FIELD_REQUIRED",
          absl::StrCat("De modulecode is verplicht (hoogstens ", kMaxModuleCodeLength,
                       " tekens)."));
    } else if (!codes.insert(m.code).second) {
      Add(out, at + ".code", "DUPLICATE_MODULE", "Deze modulecode komt twee keer voor.");
    }
    if (m.title.empty() || m.title.size() > kMaxTitleLength) {
      Add(out, at + ".title", "FIELD_REQUIRED", "De titel van de module is verplicht.");
    }
    if (!(m.hours >= 0 && m.hours <= 10000)) {
      Add(out, at + ".hours", "INVALID_HOURS", "Het aantal uren van de module is ongeldig.");
    }
  }
}

bool SameFacts(const TrainingFacts& a, const TrainingFacts& b) {
  return a.odb_number == b.odb_number && a.provider_organization_id == b.provider_organization_id &&
         a.type == b.type && a.planned_hours == b.planned_hours &&
         a.study_points == b.study_points && a.lestijden == b.lestijden &&
         a.exam_count == b.exam_count && a.competence_count == b.competence_count &&
         a.start_date == b.start_date && a.end_date == b.end_date &&
         a.recognition_start_date == b.recognition_start_date &&
         a.recognition_end_date == b.recognition_end_date && a.postgraduate == b.postgraduate &&
         a.regular_programme == b.regular_programme && a.delivery_mode == b.delivery_mode;
}

bool SameContent(const TrainingRecord& a, const TrainingRecord& b) {
  return SameFacts(a.facts, b.facts) && a.title == b.title && a.modules == b.modules;
}

absl::Status NoSuchTraining() {
  return ErrorBuilder(absl::StatusCode::kNotFound, "no such training of your organisation")
      .Reason("TRAINING_NOT_FOUND")
      .Dutch("Deze opleiding werd niet gevonden bij de opleidingen van uw organisatie.");
}

}  // namespace

absl::StatusOr<std::vector<TrainingImportResult>> RegistrationManager::ImportTrainings(
    const Actor& actor, std::vector<TrainingImportItem> items, bool validate_only,
    const RequestContext& call) {
  if (!actor.is_operator) {
    return ErrorBuilder(absl::StatusCode::kPermissionDenied, "only operators import trainings")
        .Reason("OPERATOR_ONLY");
  }
  std::vector<TrainingImportResult> results(items.size());
  absl::flat_hash_map<std::string, size_t> first_of_odb;
  absl::flat_hash_map<std::string, bool> provider_known;  // Asked once per organisation.
  for (size_t i = 0; i < items.size(); ++i) {
    TrainingImportItem& item = items[i];
    const std::string path = absl::StrCat("trainings[", i, "]");
    std::vector<Violation>& v = results[i].violations;
    v = std::move(item.problems);
    for (auto& found : ValidateTraining(item.training.facts, path, config_.rules)) {
      v.push_back(std::move(found));
    }
    CheckTexts(item.training, path, &v);
    const std::string& odb = item.training.facts.odb_number;
    if (!odb.empty() && !first_of_odb.emplace(odb, i).second) {
      Add(&v, path + ".odb_number", "DUPLICATE_ODB_NUMBER",
          "Dit ODB-nummer komt al eerder voor in deze import.");
    }
    const std::string& provider = item.training.facts.provider_organization_id;
    if (!provider.empty()) {
      auto known = provider_known.find(provider);
      if (known == provider_known.end()) {
        absl::StatusOr<std::string> name = directory_.OrganizationName(provider, call);
        if (!name.ok() && !absl::IsNotFound(name.status())) return name.status();
        known = provider_known.emplace(provider, name.ok()).first;
      }
      if (!known->second) {
        Add(&v, path + ".provider_organization", "UNKNOWN_ORGANIZATION",
            "Deze organisatie is niet gekend.");
      }
    }
    if (!v.empty()) results[i].outcome = ImportOutcome::kFailed;
  }

  const absl::Time now = clock_();
  absl::Status status = store_.Transact([&](RegistrationTransaction& tx) -> absl::Status {
    for (size_t i = 0; i < items.size(); ++i) {
      if (!results[i].violations.empty()) continue;
      TrainingRecord& training = items[i].training;
      absl::StatusOr<TrainingRecord> stored = tx.GetTraining(training.facts.odb_number);
      if (!stored.ok() && !absl::IsNotFound(stored.status())) return stored.status();
      if (stored.ok() && SameContent(*stored, training)) {
        results[i].outcome = ImportOutcome::kUnchanged;
        continue;
      }
      results[i].outcome = stored.ok() ? ImportOutcome::kUpdated : ImportOutcome::kCreated;
      if (validate_only) continue;
      training.create_time = stored.ok() ? stored->create_time : now;
      training.update_time = now;
      RETURN_IF_ERROR(tx.UpsertTraining(training));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return results;
}

absl::StatusOr<TrainingRecord> RegistrationManager::GetTraining(const Actor& actor,
                                                                const std::string& odb_number,
                                                                const RequestContext& call) {
  std::string organization;
  if (!actor.is_operator) {
    ASSIGN_OR_RETURN(auto org, Authorize(actor, kReadPermission, call));
    organization = org;
  }
  absl::StatusOr<TrainingRecord> training = store_.GetTraining(odb_number);
  if (absl::IsNotFound(training.status())) return NoSuchTraining();
  if (!training.ok()) return training.status();
  if (!actor.is_operator && training->facts.provider_organization_id != organization) {
    return NoSuchTraining();
  }
  return training;
}

absl::StatusOr<std::vector<TrainingRecord>> RegistrationManager::ListTrainings(
    const Actor& actor, TrainingFilter filter, const Page& page, const RequestContext& call) {
  if (!actor.is_operator) {
    ASSIGN_OR_RETURN(auto org, Authorize(actor, kReadPermission, call));
    if (filter.provider_organization_id != org) {
      return ErrorBuilder(absl::StatusCode::kPermissionDenied,
                          "you may list only your own organisation's trainings")
          .Reason("ORGANIZATION_MISMATCH")
          .Dutch("U kunt alleen de opleidingen van uw eigen organisatie bekijken.");
    }
  }
  return store_.ListTrainings(filter, page);
}

}  // namespace wse::registration
