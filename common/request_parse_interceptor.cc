#include "common/request_parse_interceptor.h"

#include <chrono>
#include <string>

#include "common/call_context.h"
#include "common/grpc_status.h"
#include "common/status.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/interceptor.h"

namespace wse {
namespace {

using grpc::experimental::InterceptionHookPoints;

class RequestParseInterceptor : public grpc::experimental::Interceptor {
 public:
  // gRPC creates the interceptors when the call arrives, before its request is parsed.
  explicit RequestParseInterceptor(grpc::experimental::ServerRpcInfo* info)
      : info_(info), start_(std::chrono::steady_clock::now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE) &&
        methods->GetRecvMessage() == nullptr && CarriesOneRequest()) {
      // A unary request always has a message; none means the parser refused it.
      unparseable_ = true;
      const absl::string_view path = info_->method();  // "/package.Service/Method"
      call_.method = path.substr(path.rfind('/') + 1);
      call_.request_id = RequestIdFrom(info_->server_context()->client_metadata());
    }
    if (unparseable_ &&
        methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->emplace(kRequestIdHeader, call_.request_id);
    }
    if (unparseable_ &&
        methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      const absl::Status status = ErrorBuilder(absl::StatusCode::kInvalidArgument,
                                               "the request is not a valid protobuf message")
                                      .Violation("request",
                                                 "cannot be parsed (string fields must be UTF-8)")
                                      .Reason("MALFORMED_REQUEST")
                                      .Dutch("De aanvraag is onleesbaar.");
      LogCall(call_, status, std::chrono::steady_clock::now() - start_);
      methods->ModifySendStatus(ToGrpcStatus(status, call_.request_id));
    }
    methods->Proceed();
  }

 private:
  bool CarriesOneRequest() const {
    using Type = grpc::experimental::ServerRpcInfo::Type;
    return info_->type() == Type::UNARY || info_->type() == Type::SERVER_STREAMING;
  }

  grpc::experimental::ServerRpcInfo* info_;
  std::chrono::steady_clock::time_point start_;
  bool unparseable_ = false;
  RequestContext call_;
};

class Factory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new RequestParseInterceptor(info);
  }
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeRequestParseInterceptorFactory() {
  return std::make_unique<Factory>();
}

}  // namespace wse
