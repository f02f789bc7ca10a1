// RegistrationServiceImpl: participants of a draft, one by one, as a client stream, and as rows
// in one message.
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "registration-svc/adapters/convert.h"
#include "registration-svc/adapters/registration_service.h"
#include "registration-svc/domain/names.h"

namespace wse::registration {
namespace {

constexpr int kMaxRowsPerBatch = 500;

// Conversion problems of a participant in a request, as INVALID_ARGUMENT under `prefix`.
absl::Status Problems(const std::vector<Violation>& problems, const std::string& prefix) {
  ErrorBuilder error(absl::StatusCode::kInvalidArgument, "the participant has invalid values");
  for (const auto& v : problems) error.Violation(prefix + v.field, v.description);
  return error.Reason(problems.front().reason);
}

absl::StatusOr<ParticipantMask> MaskFrom(const google::protobuf::FieldMask& mask) {
  if (mask.paths().empty()) {
    return InvalidArgument({{"update_mask", "is required: name the fields to change"}});
  }
  ParticipantMask out;
  using Setter = bool ParticipantMask::*;
  static const auto* const kPaths = new absl::flat_hash_map<std::string, Setter>{
      {"display_name", &ParticipantMask::display_name},
      {"attendance", &ParticipantMask::measurement},
      {"participation", &ParticipantMask::measurement},
      {"attendance.hours_present", &ParticipantMask::hours_present},
      {"attendance.contact_hours_to_follow", &ParticipantMask::contact_hours_to_follow},
      {"attendance.unjustified_absence_hours", &ParticipantMask::unjustified_absence_hours},
      {"participation.participated", &ParticipantMask::participated},
      {"participation.completed_module_codes", &ParticipantMask::completed_module_codes},
      {"final_assessment", &ParticipantMask::final_assessment},
      {"route_completed", &ParticipantMask::route_completed},
      {"exam_contract", &ParticipantMask::exam_contract},
      {"actual_end_date", &ParticipantMask::actual_end_date},
  };
  for (const std::string& path : mask.paths()) {
    if (path == "insz") {
      return InvalidArgument(
          {{"update_mask", "insz cannot be changed; remove the participant and add it again"}});
    }
    auto it = kPaths->find(path);
    if (it == kPaths->end()) {
      return InvalidArgument(
          {{"update_mask", absl::StrCat("unknown or read-only field '", path.substr(0, 80), "'")}});
    }
    out.*(it->second) = true;
  }
  return out;
}

absl::Status TooManyRows(int max_rows) {
  return ErrorBuilder(absl::StatusCode::kResourceExhausted,
                      absl::StrCat("an upload holds at most ", max_rows, " rows"))
      .Reason("TOO_MANY_ROWS", {{"max_rows", absl::StrCat(max_rows)}})
      .Dutch(absl::StrCat("Een bestand telt hoogstens ", max_rows, " deelnemers."));
}

// Rows converted one by one (conversion problems stay with their row).
void AppendRows(const google::protobuf::RepeatedPtrField<v1::ParticipantRow>& in,
                std::vector<UploadRow>& rows) {
  for (const auto& source : in) {
    UploadRow row;
    row.row_number = source.row_number();
    row.participant = ParticipantFromProto(source.participant(), &row.problems);
    rows.push_back(std::move(row));
  }
}

// The batches after the header, converted row by row (conversion problems stay with their row);
// at most kMaxRowsPerBatch per message and `max_rows` in all.
absl::StatusOr<std::vector<UploadRow>> ReadRows(UploadStream& stream, int max_rows) {
  std::vector<UploadRow> rows;
  v1::UploadParticipantsRequest message;
  int message_index = 0;
  while (true) {
    ASSIGN_OR_RETURN(bool more, stream.Next(&message));
    if (!more) return rows;
    ++message_index;
    if (!message.has_batch()) {
      return InvalidArgument({{absl::StrCat("messages[", message_index, "]"),
                               "only the first message may be a header"}});
    }
    const auto& batch = message.batch().rows();
    if (batch.size() > kMaxRowsPerBatch) {
      return InvalidArgument({{absl::StrCat("messages[", message_index, "].batch.rows"),
                               absl::StrCat("at most ", kMaxRowsPerBatch, " rows per message")}});
    }
    if (static_cast<int>(rows.size()) + batch.size() > max_rows) return TooManyRows(max_rows);
    AppendRows(batch, rows);
  }
}

// The header's draft, checked for the caller: same organisation, an etag, a known mode.
absl::StatusOr<OrgChild> CheckUploadHeader(const Actor& actor,
                                           const v1::UploadParticipantsHeader& header) {
  ASSIGN_OR_RETURN(auto draft, ParseDraft(header.draft(), "header.draft"));
  RETURN_IF_ERROR(SameOrganization(actor, draft.organization_id, "draft"));
  if (header.etag().empty()) return InvalidArgument({{"header.etag", "is required"}});
  if (!v1::UploadMode_IsValid(header.mode())) {
    return InvalidArgument({{"header.mode", "unknown upload mode"}});
  }
  return draft;
}

UploadMode ModeOf(const v1::UploadParticipantsHeader& header) {
  return header.mode() == v1::UPLOAD_MODE_REPLACE_ALL ? UploadMode::kReplaceAll
                                                      : UploadMode::kMerge;
}

// Both upload answers carry the same fields.
template <typename Response>
void FillUploadResponse(const UploadResult& result, Response* response) {
  response->set_accepted_count(result.accepted);
  response->set_rejected_count(static_cast<int>(result.rejected.size()));
  for (const auto& rejected : result.rejected) {
    auto* out = response->add_row_errors();
    out->set_row_number(rejected.row_number);
    for (const auto& v : rejected.violations) *out->add_violations() = ViolationToProto(v, {}, "");
  }
  response->set_etag(EtagOf(result.draft_version));
  response->set_participant_count(result.participant_count);
}

}  // namespace

grpc::Status RegistrationServiceImpl::AddParticipant(grpc::ServerContext* context,
                                                     const v1::AddParticipantRequest* request,
                                                     v1::AddParticipantResponse* response) {
  return Serve(context, "AddParticipant", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto actor, Authenticate(call));
    ASSIGN_OR_RETURN(auto draft, ParseDraft(request->parent(), "parent"));
    RETURN_IF_ERROR(SameOrganization(actor, draft.organization_id, "draft"));
    if (!request->has_participant()) return InvalidArgument({{"participant", "is required"}});
    if (request->etag().empty()) return InvalidArgument({{"etag", "is required"}});
    std::vector<Violation> problems;
    ParticipantRecord participant = ParticipantFromProto(request->participant(), &problems);
    if (!problems.empty()) return Problems(problems, "participant.");
    ASSIGN_OR_RETURN(auto change, deps_.manager.AddParticipant(actor, draft.id, request->etag(),
                                                               std::move(participant), call));
    *response->mutable_participant() =
        ParticipantToProto(change.participant, DraftName(draft.organization_id, draft.id));
    response->set_etag(EtagOf(change.draft_version));
    return absl::OkStatus();
  });
}

grpc::Status RegistrationServiceImpl::UpdateParticipant(grpc::ServerContext* context,
                                                        const v1::UpdateParticipantRequest* request,
                                                        v1::UpdateParticipantResponse* response) {
  return Serve(context, "UpdateParticipant", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto actor, Authenticate(call));
    ASSIGN_OR_RETURN(auto name,
                     ParseParticipant(request->participant().name(), "participant.name"));
    RETURN_IF_ERROR(SameOrganization(actor, name.organization_id, "participant"));
    ASSIGN_OR_RETURN(auto mask, MaskFrom(request->update_mask()));
    if (request->etag().empty()) return InvalidArgument({{"etag", "is required"}});
    std::vector<Violation> problems;
    ParticipantRecord changes = ParticipantFromProto(request->participant(), &problems);
    if (!problems.empty()) return Problems(problems, "participant.");
    changes.id = name.participant_id;
    ASSIGN_OR_RETURN(auto change, deps_.manager.UpdateParticipant(
                                      actor, name.draft_id, request->etag(), changes, mask, call));
    *response->mutable_participant() =
        ParticipantToProto(change.participant, DraftName(name.organization_id, name.draft_id));
    response->set_etag(EtagOf(change.draft_version));
    return absl::OkStatus();
  });
}

grpc::Status RegistrationServiceImpl::RemoveParticipant(grpc::ServerContext* context,
                                                        const v1::RemoveParticipantRequest* request,
                                                        v1::RemoveParticipantResponse* response) {
  return Serve(context, "RemoveParticipant", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto actor, Authenticate(call));
    ASSIGN_OR_RETURN(auto name, ParseParticipant(request->name(), "name"));
    RETURN_IF_ERROR(SameOrganization(actor, name.organization_id, "participant"));
    if (request->etag().empty()) return InvalidArgument({{"etag", "is required"}});
    ASSIGN_OR_RETURN(auto version,
                     deps_.manager.RemoveParticipant(actor, name.draft_id, name.participant_id,
                                                     request->etag(), call));
    response->set_etag(EtagOf(version));
    return absl::OkStatus();
  });
}

grpc::Status RegistrationServiceImpl::UploadParticipantsFrames(
    grpc::ServerContext* context, grpc::ServerReader<grpc::ByteBuffer>* frames,
    v1::UploadParticipantsResponse* response) {
  return Serve(context, "UploadParticipants", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto actor, Authenticate(call));
    UploadStream stream(frames);
    v1::UploadParticipantsRequest message;
    auto more = stream.Next(&message);
    if (!more.ok()) return more.status();
    if (!*more || !message.has_header()) {
      return InvalidArgument({{"header", "the first message of the stream must be the header"}});
    }
    const v1::UploadParticipantsHeader header = message.header();
    ASSIGN_OR_RETURN(auto draft, CheckUploadHeader(actor, header));
    // Refuse early, before thousands of rows are sent for nothing.
    RETURN_IF_ERROR(deps_.manager.BeginUpload(actor, draft.id, call));

    ASSIGN_OR_RETURN(std::vector<UploadRow> rows,
                     ReadRows(stream, deps_.manager.config().max_participants));
    // A stream that ended because the client went away is not a complete upload.
    if (call.Cancelled()) {
      return absl::CancelledError("the upload stream was cancelled; nothing was applied");
    }
    ASSIGN_OR_RETURN(auto result, deps_.manager.Upload(actor, draft.id, header.etag(),
                                                       ModeOf(header), std::move(rows), call));
    FillUploadResponse(result, response);
    return absl::OkStatus();
  });
}

grpc::Status RegistrationServiceImpl::UploadParticipantRows(
    grpc::ServerContext* context, const v1::UploadParticipantRowsRequest* request,
    v1::UploadParticipantRowsResponse* response) {
  return Serve(context, "UploadParticipantRows", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto actor, Authenticate(call));
    if (!request->has_header()) return InvalidArgument({{"header", "is required"}});
    ASSIGN_OR_RETURN(auto draft, CheckUploadHeader(actor, request->header()));
    // As the stream: whether the caller may upload here is answered before anything about the
    // rows.
    RETURN_IF_ERROR(deps_.manager.BeginUpload(actor, draft.id, call));
    if (request->rows().empty()) return InvalidArgument({{"rows", "give at least one row"}});
    const int max_rows = deps_.manager.config().max_participants;
    if (request->rows_size() > max_rows) return TooManyRows(max_rows);
    std::vector<UploadRow> rows;
    rows.reserve(request->rows_size());
    AppendRows(request->rows(), rows);
    ASSIGN_OR_RETURN(auto result,
                     deps_.manager.Upload(actor, draft.id, request->header().etag(),
                                          ModeOf(request->header()), std::move(rows), call));
    FillUploadResponse(result, response);
    return absl::OkStatus();
  });
}

}  // namespace wse::registration
