#include "common/grpc_status.h"

#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/status.pb.h"

namespace wse {

bool IsInternalError(absl::StatusCode code) {
  return code == absl::StatusCode::kInternal || code == absl::StatusCode::kUnknown ||
         code == absl::StatusCode::kDataLoss;
}

google::rpc::Status ToRpcStatus(const absl::Status& status, absl::string_view request_id) {
  google::rpc::Status rpc_status;
  rpc_status.set_code(static_cast<int>(status.code()));
  if (status.ok()) return rpc_status;
  if (IsInternalError(status.code())) {
    rpc_status.set_message(absl::StrCat("internal error; reference ", request_id));
    return rpc_status;
  }
  rpc_status.set_message(std::string(status.message()));
  status.ForEachPayload([&rpc_status](absl::string_view url, const absl::Cord& payload) {
    auto* any = rpc_status.add_details();
    any->set_type_url(std::string(url));
    any->set_value(std::string(payload));
  });
  return rpc_status;
}

absl::Status FromRpcStatus(const google::rpc::Status& rpc_status) {
  absl::Status out(static_cast<absl::StatusCode>(rpc_status.code()), rpc_status.message());
  if (out.ok()) return out;
  for (const auto& any : rpc_status.details()) {
    out.SetPayload(any.type_url(), absl::Cord(any.value()));
  }
  return out;
}

grpc::Status ToGrpcStatus(const absl::Status& status, absl::string_view request_id) {
  if (status.ok()) return grpc::Status::OK;
  const auto code = static_cast<grpc::StatusCode>(status.code());
  const google::rpc::Status rpc_status = ToRpcStatus(status, request_id);
  if (rpc_status.details_size() == 0) return grpc::Status(code, rpc_status.message());
  return grpc::Status(code, rpc_status.message(), rpc_status.SerializeAsString());
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  google::rpc::Status rpc_status;
  if (status.error_details().empty() || !rpc_status.ParseFromString(status.error_details())) {
    rpc_status.Clear();
  }
  rpc_status.set_code(static_cast<int>(status.error_code()));
  rpc_status.set_message(status.error_message());
  return FromRpcStatus(rpc_status);
}

}  // namespace wse
