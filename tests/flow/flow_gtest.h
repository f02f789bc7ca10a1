#pragma once
// The thin gtest layer over the flow library: a failed step fails the test with the step and the
// service's status.
//
//   ASSERT_OK_AND_ASSIGN(flow::School school, flow.NewSchool("Atheneum", 1, /*grant=*/true));
//   ASSERT_OK(flow.ImportTraining(odb, school.org));

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/status_macros.h"
#include "gtest/gtest.h"

namespace wse::flow {

// The status of a Status or StatusOr expression.
inline const absl::Status& StatusOf(const absl::Status& status) { return status; }
template <typename T>
const absl::Status& StatusOf(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

}  // namespace wse::flow

#define ASSERT_OK(...)                                                      \
  do {                                                                      \
    const auto& wse_flow_result_ = (__VA_ARGS__);                           \
    ASSERT_TRUE(wse_flow_result_.ok())                                      \
        << #__VA_ARGS__ << ": " << ::wse::flow::StatusOf(wse_flow_result_); \
  } while (false)

#define EXPECT_OK(...)                                                      \
  do {                                                                      \
    const auto& wse_flow_result_ = (__VA_ARGS__);                           \
    EXPECT_TRUE(wse_flow_result_.ok())                                      \
        << #__VA_ARGS__ << ": " << ::wse::flow::StatusOf(wse_flow_result_); \
  } while (false)

// `lhs` is a declaration or an existing variable; the expression may contain commas.
#define ASSERT_OK_AND_ASSIGN(lhs, ...)                                                             \
  WSE_FLOW_ASSERT_OK_AND_ASSIGN_IMPL(WSE_STATUS_MACROS_CONCAT(wse_flow_status_or_, __LINE__), lhs, \
                                     __VA_ARGS__)

#define WSE_FLOW_ASSERT_OK_AND_ASSIGN_IMPL(tmp, lhs, ...)                      \
  auto tmp = (__VA_ARGS__);                                                    \
  ASSERT_TRUE(tmp.ok()) << #__VA_ARGS__ << ": " << ::wse::flow::StatusOf(tmp); \
  lhs = std::move(tmp).value()
