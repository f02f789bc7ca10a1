#pragma once
// Turns a request that cannot be parsed into INVALID_ARGUMENT.
//
// gRPC C++ parses a unary request before any handler runs and answers INTERNAL when protobuf
// refuses it — most commonly a proto3 string field holding invalid UTF-8. That is the caller's
// mistake, not ours: this server interceptor notices the missing request (POST_RECV_MESSAGE
// without a message), rewrites the status to INVALID_ARGUMENT with a field violation on
// "request", echoes the x-request-id and writes the access-log line the handler never wrote.
//
// Client streams are not covered here (there a parse failure looks exactly like the end of the
// stream); services with client-streaming RPCs read raw frames and parse them themselves
// (registration-svc/upload_stream.h).

#include <memory>

#include "grpcpp/support/server_interceptor.h"

namespace wse {

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeRequestParseInterceptorFactory();

}  // namespace wse
