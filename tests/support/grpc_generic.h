#pragma once
// Calling any gRPC method without its generated stub: requests go as serialized bytes (so tests
// can also send bytes no stub would produce, such as invalid UTF-8 in a string field), answers
// come back as bytes to parse with the method's descriptor.

#include <string>
#include <vector>

#include "grpcpp/support/status.h"

namespace wse::testing {

struct GenericAnswer {
  grpc::Status status;
  std::string bytes;  // The serialized response (empty unless OK).
};

// Unary call of `path` ("/pkg.Service/Method") on 127.0.0.1:`port`; `token` ("" = none) as bearer.
GenericAnswer CallUnaryBytes(int port, const std::string& path, const std::string& token,
                             const std::string& request);

// Client-streaming call: every message of `requests` in order, then the single answer.
GenericAnswer CallClientStreamBytes(int port, const std::string& path, const std::string& token,
                                    const std::vector<std::string>& requests);

}  // namespace wse::testing
