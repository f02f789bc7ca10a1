#include "registration-svc/adapters/upload_stream.h"

#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace wse::registration {

absl::StatusOr<bool> UploadStream::Next(v1::UploadParticipantsRequest* message) {
  grpc::ByteBuffer frame;
  if (!frames_->Read(&frame)) return false;
  const int index = index_++;
  message->Clear();
  if (!grpc::SerializationTraits<v1::UploadParticipantsRequest>::Deserialize(&frame, message)
           .ok()) {
    return ErrorBuilder(absl::StatusCode::kInvalidArgument,
                        "a message of the stream is not a valid UploadParticipantsRequest")
        .Violation(absl::StrCat("messages[", index, "]"),
                   "cannot be parsed (string fields must be UTF-8)")
        .Reason("MALFORMED_REQUEST")
        .Dutch("Het bestand is onleesbaar; er werd niets opgeslagen.");
  }
  return true;
}

}  // namespace wse::registration
