#include "common/grpc_status.h"

#include "common/status.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace wse {
namespace {

TEST(ToGrpcStatusTest, OkIsOk) { EXPECT_TRUE(ToGrpcStatus(absl::OkStatus(), "r1").ok()); }

TEST(ToGrpcStatusTest, PacksDetailsAsGoogleRpcStatus) {
  absl::Status status = ErrorBuilder(absl::StatusCode::kInvalidArgument, "bad")
                            .Violation("insz", "wrong check digits")
                            .Reason("INVALID_INSZ");
  grpc::Status out = ToGrpcStatus(status, "r1");
  EXPECT_EQ(out.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(out.error_message(), "bad");
  google::rpc::Status rpc;
  ASSERT_TRUE(rpc.ParseFromString(out.error_details()));
  EXPECT_EQ(rpc.code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  bool saw_bad_request = false;
  for (const auto& any : rpc.details()) {
    google::rpc::BadRequest bad_request;
    if (any.UnpackTo(&bad_request)) {
      saw_bad_request = true;
      ASSERT_EQ(bad_request.field_violations_size(), 1);
      EXPECT_EQ(bad_request.field_violations(0).field(), "insz");
    }
  }
  EXPECT_TRUE(saw_bad_request);
}

TEST(ToGrpcStatusTest, InternalErrorsDoNotLeak) {
  grpc::Status out =
      ToGrpcStatus(absl::InternalError("mysql error 1146: table x missing"), "req-7");
  EXPECT_EQ(out.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_EQ(out.error_message(), "internal error; reference req-7");
  EXPECT_TRUE(out.error_details().empty());
}

TEST(ToGrpcStatusTest, RetryCodesKeepTheirMeaning) {
  EXPECT_EQ(ToGrpcStatus(absl::UnavailableError("x"), "r").error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(ToGrpcStatus(absl::AbortedError("x"), "r").error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(ToGrpcStatus(absl::FailedPreconditionError("x"), "r").error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST(FromGrpcStatusTest, RoundTripsDetails) {
  absl::Status original = ErrorBuilder(absl::StatusCode::kPermissionDenied, "not yours")
                              .Reason("NOT_LOCAL_ADMINISTRATOR")
                              .Dutch("U bent geen lokale beheerder van deze organisatie.");
  absl::Status back = FromGrpcStatus(ToGrpcStatus(original, "r"));
  EXPECT_EQ(back.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReasonOf(back), "NOT_LOCAL_ADMINISTRATOR");
  EXPECT_EQ(DutchMessageOf(back), "U bent geen lokale beheerder van deze organisatie.");
}

}  // namespace
}  // namespace wse
