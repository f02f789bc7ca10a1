#pragma once
// UploadParticipants' client stream, read as raw frames and parsed here.
//
// With gRPC's generated reader a frame that protobuf refuses (a string field holding invalid
// UTF-8) makes Read() return false exactly as the end of the stream does, so a truncated upload
// would be applied as if it were complete. Reading raw frames lets the handler refuse the whole
// upload with INVALID_ARGUMENT naming the message instead.

#include "absl/status/statusor.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/sync_stream.h"
#include "wse/registration/v1/registration_service.grpc.pb.h"

namespace wse::registration {

class UploadStream {
 public:
  explicit UploadStream(grpc::ServerReaderInterface<grpc::ByteBuffer>* frames) : frames_(frames) {}

  // The next message: true, false at the end of the stream, or INVALID_ARGUMENT with a violation
  // on "messages[i]" (i counts from 0, the header) when it cannot be parsed.
  absl::StatusOr<bool> Next(v1::UploadParticipantsRequest* message);

 private:
  grpc::ServerReaderInterface<grpc::ByteBuffer>* frames_;
  int index_ = 0;
};

}  // namespace wse::registration
