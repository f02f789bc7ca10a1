#include "common/log.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "common/trace_context.h"
#include "nlohmann/json.hpp"
#include "spdlog/pattern_formatter.h"
#include "spdlog/sinks/stdout_sinks.h"
#include "spdlog/spdlog.h"

namespace wse {
namespace {

// The logger in use, read by every thread without a lock. Loggers are kept alive for ever
// (Keep), so a pointer read just before InitLogging replaced it stays valid.
std::atomic<spdlog::logger*> current_logger{nullptr};

void Keep(std::shared_ptr<spdlog::logger> logger) {
  static absl::Mutex mu;
  static auto* kept = new std::vector<std::shared_ptr<spdlog::logger>>();
  absl::MutexLock lock(&mu);
  current_logger.store(logger.get());
  kept->push_back(std::move(logger));
}

// The logger, made with defaults (exactly once, whichever threads log first) when main() did
// not call InitLogging.
spdlog::logger& Logger() {
  spdlog::logger* logger = current_logger.load();
  if (logger != nullptr) return *logger;
  static std::once_flag defaults;
  std::call_once(defaults, [] {
    if (current_logger.load() == nullptr) InitLogging("wse", "info");
  });
  return *current_logger.load();
}

spdlog::level::level_enum ToSpd(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return spdlog::level::debug;
    case LogLevel::kInfo:
      return spdlog::level::info;
    case LogLevel::kWarn:
      return spdlog::level::warn;
    case LogLevel::kError:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

// True when `text` can go between quotes as it is: printable ASCII without '"' or '\\'. Nearly
// every field of every line (ids, methods, codes, durations) is; the JSON library is kept for
// the rest.
bool PlainAscii(absl::string_view text) {
  for (char c : text) {
    if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') return false;
  }
  return true;
}

void AppendQuoted(std::string& line, absl::string_view text) {
  if (PlainAscii(text)) {
    line += '"';
    line.append(text.data(), text.size());
    line += '"';
    return;
  }
  // Invalid UTF-8 from a caller must not break the line: replace instead of throwing.
  line += nlohmann::json(std::string(text))
              .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

bool IsValidLogLevel(absl::string_view level) {
  return level == "debug" || level == "info" || level == "warn" || level == "error";
}

void InitLogging(absl::string_view service, absl::string_view level) {
  // Not registered in spdlog's registry (it refuses a second logger of one name, as a test
  // calling this twice would make).
  auto logger = std::make_shared<spdlog::logger>(std::string(service),
                                                 std::make_shared<spdlog::sinks::stderr_sink_mt>());
  // The pattern opens the JSON object; Log() appends the escaped fields and closes it.
  logger->set_formatter(std::make_unique<spdlog::pattern_formatter>(
      "{\"ts\":\"%Y-%m-%dT%H:%M:%S.%eZ\",\"level\":\"%l\",\"service\":\"" + std::string(service) +
          "\",%v}",
      spdlog::pattern_time_type::utc));
  logger->set_level(level == "debug"   ? spdlog::level::debug
                    : level == "warn"  ? spdlog::level::warn
                    : level == "error" ? spdlog::level::err
                                       : spdlog::level::info);
  logger->flush_on(spdlog::level::debug);
  Keep(std::move(logger));
}

void Log(LogLevel level, absl::string_view message, std::initializer_list<LogField> fields) {
  spdlog::logger& logger = Logger();
  if (!logger.should_log(ToSpd(level))) return;
  logger.log(ToSpd(level), "{}", log_internal::FieldsOf(message, fields));
}

namespace log_internal {

std::string FieldsOf(absl::string_view message, std::initializer_list<LogField> fields) {
  std::string line;
  line.reserve(256);
  line += "\"msg\":";
  AppendQuoted(line, message);
  // The trace and request the thread works for (common/trace_context.h), unless given.
  bool has_request_id = false;
  for (const auto& field : fields) has_request_id |= field.first == "request_id";
  if (const TraceContext* trace = CurrentTrace()) {
    line += ",\"trace_id\":\"";
    line += trace->trace_id;
    line += "\",\"span_id\":\"";
    line += trace->span_id;
    line += '"';
  }
  if (const std::string* request_id = CurrentRequestId();
      request_id != nullptr && !has_request_id) {
    line += ",\"request_id\":";
    AppendQuoted(line, *request_id);
  }
  for (const auto& [key, value] : fields) {
    line += ',';
    AppendQuoted(line, key);
    line += ':';
    AppendQuoted(line, value);
  }
  return line;  // The pattern closes the object.
}

}  // namespace log_internal

}  // namespace wse
