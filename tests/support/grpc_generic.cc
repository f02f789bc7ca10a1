#include "tests/support/grpc_generic.h"

#include <chrono>
#include <memory>

#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/impl/codegen/client_unary_call.h"
#include "grpcpp/impl/codegen/rpc_method.h"
#include "grpcpp/impl/codegen/sync_stream.h"
#include "grpcpp/support/byte_buffer.h"
#include "tests/support/grpc_helpers.h"
#include "tests/support/identity_test_data.h"

namespace wse::testing {
namespace {

grpc::ByteBuffer ToBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

std::string FromBuffer(const grpc::ByteBuffer& buffer) {
  grpc::Slice slice;
  if (!buffer.DumpToSingleSlice(&slice).ok()) return "";
  return std::string(reinterpret_cast<const char*>(slice.begin()), slice.size());
}

void Prepare(grpc::ClientContext* context, const std::string& token) {
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  if (!token.empty()) Bearer(context, token);
}

}  // namespace

GenericAnswer CallUnaryBytes(int port, const std::string& path, const std::string& token,
                             const std::string& request) {
  auto channel = Channel(port);
  grpc::ClientContext context;
  Prepare(&context, token);
  grpc::ByteBuffer response;
  grpc::internal::RpcMethod rpc(path.c_str(), grpc::internal::RpcMethod::NORMAL_RPC);
  GenericAnswer answer;
  answer.status = grpc::internal::BlockingUnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(
      channel.get(), rpc, &context, ToBuffer(request), &response);
  if (answer.status.ok()) answer.bytes = FromBuffer(response);
  return answer;
}

GenericAnswer CallClientStreamBytes(int port, const std::string& path, const std::string& token,
                                    const std::vector<std::string>& requests) {
  auto channel = Channel(port);
  grpc::ClientContext context;
  Prepare(&context, token);
  grpc::ByteBuffer response;
  grpc::internal::RpcMethod rpc(path.c_str(), grpc::internal::RpcMethod::CLIENT_STREAMING);
  std::unique_ptr<grpc::ClientWriter<grpc::ByteBuffer>> writer(
      grpc::internal::ClientWriterFactory<grpc::ByteBuffer>::Create(channel.get(), rpc, &context,
                                                                    &response));
  for (const std::string& request : requests) {
    if (!writer->Write(ToBuffer(request))) break;
  }
  writer->WritesDone();
  GenericAnswer answer;
  answer.status = writer->Finish();
  if (answer.status.ok()) answer.bytes = FromBuffer(response);
  return answer;
}

}  // namespace wse::testing
