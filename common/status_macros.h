#pragma once
// Early return on error, so a function reads as its happy path.
//
//   RETURN_IF_ERROR(tx.InsertGrant(grant));            // absl::Status expression
//   ASSIGN_OR_RETURN(auto actor, Authenticate(call));  // absl::StatusOr<T> expression
//
// The returned status is the callee's unchanged (code, message and google.rpc details), so the
// one mapping to grpc::Status at the edge sees exactly what the domain said.

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define WSE_STATUS_MACROS_CONCAT_INNER(a, b) a##b
#define WSE_STATUS_MACROS_CONCAT(a, b) WSE_STATUS_MACROS_CONCAT_INNER(a, b)

#define RETURN_IF_ERROR(...)                                             \
  do {                                                                   \
    if (::absl::Status wse_status_ = (__VA_ARGS__); !wse_status_.ok()) { \
      return wse_status_;                                                \
    }                                                                    \
  } while (false)

// `lhs` is a declaration (`auto x`, `const auto& x` is not allowed: the value is moved out of a
// temporary) or an existing variable. The expression may contain commas.
#define ASSIGN_OR_RETURN(lhs, ...) \
  WSE_ASSIGN_OR_RETURN_IMPL(WSE_STATUS_MACROS_CONCAT(wse_status_or_, __LINE__), lhs, __VA_ARGS__)

#define WSE_ASSIGN_OR_RETURN_IMPL(tmp, lhs, ...) \
  auto tmp = (__VA_ARGS__);                      \
  if (!tmp.ok()) return std::move(tmp).status(); \
  lhs = std::move(tmp).value()
