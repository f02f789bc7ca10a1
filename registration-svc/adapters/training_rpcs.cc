// RegistrationServiceImpl: the training catalogue.
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "registration-svc/adapters/convert.h"
#include "registration-svc/adapters/registration_service.h"
#include "registration-svc/domain/names.h"

namespace wse::registration {
namespace {

constexpr int kMaxImportItems = 1000;
constexpr size_t kMaxQueryLength = 200;

v1::ImportOutcome OutcomeToProto(ImportOutcome outcome) {
  return static_cast<v1::ImportOutcome>(static_cast<int>(outcome));
}

}  // namespace

grpc::Status RegistrationServiceImpl::BatchImportTrainings(
    grpc::ServerContext* context, const v1::BatchImportTrainingsRequest* request,
    v1::BatchImportTrainingsResponse* response) {
  return Serve(context, "BatchImportTrainings", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto actor, Authenticate(call));
    if (!actor.is_operator) return deps_.operators.RequireTrusted(call);
    if (request->trainings().empty() || request->trainings_size() > kMaxImportItems) {
      return InvalidArgument(
          {{"trainings", absl::StrCat("between 1 and ", kMaxImportItems, " items are required")}});
    }
    std::vector<TrainingImportItem> items;
    items.reserve(static_cast<size_t>(request->trainings_size()));
    for (int i = 0; i < request->trainings_size(); ++i) {
      items.push_back(TrainingFromProto(request->trainings(i), absl::StrCat("trainings[", i, "]")));
    }
    ASSIGN_OR_RETURN(auto results, deps_.manager.ImportTrainings(actor, std::move(items),
                                                                 request->validate_only(), call));
    for (int i = 0; i < request->trainings_size(); ++i) {
      const TrainingImportResult& r = (results)[static_cast<size_t>(i)];
      auto* out = response->add_results();
      out->set_index(i);
      out->set_odb_number(NormalizeOdbNumber(request->trainings(i).odb_number()));
      out->set_outcome(OutcomeToProto(r.outcome));
      if (r.outcome != ImportOutcome::kFailed) {
        out->set_training(TrainingName(NormalizeOdbNumber(request->trainings(i).odb_number())));
      }
      for (const auto& v : r.violations) *out->add_violations() = ViolationToProto(v, {}, "");
    }
    return absl::OkStatus();
  });
}

grpc::Status RegistrationServiceImpl::GetTraining(grpc::ServerContext* context,
                                                  const v1::GetTrainingRequest* request,
                                                  v1::GetTrainingResponse* response) {
  return Serve(context, "GetTraining", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto actor, Authenticate(call));
    ASSIGN_OR_RETURN(auto odb, ParseTraining(request->name(), "name"));
    ASSIGN_OR_RETURN(auto training, deps_.manager.GetTraining(actor, odb, call));
    *response->mutable_training() = TrainingToProto(training, deps_.manager.config().rules);
    return absl::OkStatus();
  });
}

grpc::Status RegistrationServiceImpl::ListTrainings(grpc::ServerContext* context,
                                                    const v1::ListTrainingsRequest* request,
                                                    v1::ListTrainingsResponse* response) {
  return Serve(context, "ListTrainings", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto actor, Authenticate(call));
    TrainingFilter filter;
    if (!request->provider_organization().empty() || !actor.is_operator) {
      ASSIGN_OR_RETURN(
          auto org, ParseOrganization(request->provider_organization(), "provider_organization"));
      filter.provider_organization_id = org;
    }
    if (!request->school_year().empty()) {
      ASSIGN_OR_RETURN(auto year, SchoolYear::Parse(request->school_year(), "school_year"));
      filter.school_year = year.first_year();
    }
    if (request->query().size() > kMaxQueryLength) {
      return InvalidArgument({{"query", absl::StrCat("at most ", kMaxQueryLength, " characters")}});
    }
    filter.query = request->query();
    ASSIGN_OR_RETURN(auto page, KeysetPageFrom(request->page_size(), request->page_token()));
    ASSIGN_OR_RETURN(auto trainings, deps_.manager.ListTrainings(actor, filter, page, call));
    for (const auto& t : trainings) {
      *response->add_trainings() = TrainingToProto(t, deps_.manager.config().rules);
    }
    if (static_cast<int>(trainings.size()) == page.size) {
      response->set_next_page_token(trainings.back().facts.odb_number);
    }
    return absl::OkStatus();
  });
}

}  // namespace wse::registration
