#pragma once
// Structured JSON log lines on stderr, one object per line:
//   {"ts":"2026-11-28T20:40:40.123Z","level":"info","service":"rights-svc","msg":"...",
//    "trace_id":"...","span_id":"...","request_id":"...", ...fields}
// (trace and request id of the request or background item the thread works for).
// Values are JSON-escaped; callers must never pass an INSZ, token or password (mask first).

#include <initializer_list>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"

namespace wse {

using LogField = std::pair<absl::string_view, absl::string_view>;

enum class LogLevel { kDebug, kInfo, kWarn, kError };

// Call once from main(); `level` is one of debug, info, warn, error.
void InitLogging(absl::string_view service, absl::string_view level);

void Log(LogLevel level, absl::string_view message, std::initializer_list<LogField> fields = {});
inline void LogInfo(absl::string_view m, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kInfo, m, f);
}
inline void LogWarn(absl::string_view m, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kWarn, m, f);
}
inline void LogError(absl::string_view m, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kError, m, f);
}

bool IsValidLogLevel(absl::string_view level);

namespace log_internal {
// What Log() writes after the timestamp, level and service: the message, the thread's trace and
// request id (common/trace_context.h) and `fields`, as JSON members.
std::string FieldsOf(absl::string_view message, std::initializer_list<LogField> fields);
}  // namespace log_internal

}  // namespace wse
