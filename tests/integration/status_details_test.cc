// The status mapping seen by a real gRPC client: field violations, reason and Dutch message
// arrive as google.rpc.Status details; internal errors arrive without internals.
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "tests/support/echo_process.h"

namespace wse::testing {
namespace {

using wse::testing::v1::EchoRequest;
using wse::testing::v1::EchoResponse;

class StatusDetailsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { echo_ = new EchoProcess(StartEchoServer()); }
  static void TearDownTestSuite() { delete echo_; }
  static EchoProcess* echo_;
};
EchoProcess* StatusDetailsTest::echo_ = nullptr;

TEST_F(StatusDetailsTest, FieldViolationsReachTheClient) {
  grpc::ClientContext context;
  EchoRequest request;
  request.set_invalid_field("participants[3].insz");
  EchoResponse response;
  grpc::Status status = echo_->stub->Echo(&context, request, &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(status.error_details()));
  google::rpc::BadRequest bad_request;
  google::rpc::ErrorInfo info;
  google::rpc::LocalizedMessage localized;
  for (const auto& any : details.details()) {
    any.UnpackTo(&bad_request) || any.UnpackTo(&info) || any.UnpackTo(&localized);
  }
  ASSERT_EQ(bad_request.field_violations_size(), 1);
  EXPECT_EQ(bad_request.field_violations(0).field(), "participants[3].insz");
  EXPECT_EQ(info.reason(), "INVALID_ARGUMENT");
  EXPECT_EQ(info.domain(), "wse.vlaanderen.be");
  EXPECT_EQ(localized.locale(), "nl-BE");
  EXPECT_FALSE(localized.message().empty());
}

TEST_F(StatusDetailsTest, InternalErrorsAreHiddenButReferenced) {
  grpc::ClientContext context;
  context.AddMetadata("x-request-id", "test-req-123");
  EchoRequest request;
  request.set_internal_error("table wse_secret.persons is corrupt");
  EchoResponse response;
  grpc::Status status = echo_->stub->Echo(&context, request, &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_EQ(status.error_message(), "internal error; reference test-req-123");
  EXPECT_TRUE(status.error_details().empty());
  // The server logged the real cause with the request id.
  const std::string log = ReadFile(echo_->log_path);
  EXPECT_NE(log.find("table wse_secret.persons is corrupt"), std::string::npos);
  EXPECT_NE(log.find("\"request_id\":\"test-req-123\""), std::string::npos);
}

TEST_F(StatusDetailsTest, RequestIdIsKeptOrMinted) {
  {
    grpc::ClientContext context;
    context.AddMetadata("x-request-id", "abc-DEF_1.2");
    EchoRequest request;
    EchoResponse response;
    ASSERT_TRUE(echo_->stub->Echo(&context, request, &response).ok());
    EXPECT_EQ(response.request_id(), "abc-DEF_1.2");
    auto echoed = context.GetServerInitialMetadata().find("x-request-id");
    ASSERT_NE(echoed, context.GetServerInitialMetadata().end());
    EXPECT_EQ(std::string(echoed->second.data(), echoed->second.size()), "abc-DEF_1.2");
  }
  {
    grpc::ClientContext context;
    context.AddMetadata("x-request-id", "forged\"}{\"level\":\"error");
    EchoRequest request;
    EchoResponse response;
    ASSERT_TRUE(echo_->stub->Echo(&context, request, &response).ok());
    EXPECT_EQ(response.request_id().size(), 32u);  // Replaced by a fresh id.
  }
}

}  // namespace
}  // namespace wse::testing
