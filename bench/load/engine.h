#pragma once
// The two closed-loop drivers of wse-load and what they measure.
//
// RunAsync: `sessions.size()` sessions over gRPC's asynchronous API (generic stub, one
// CompletionQueue per driver thread); each session has exactly one call in flight and starts its
// next operation as soon as the previous one finished. An operation is one or more unary calls
// (a story is eight). RunThreads: one thread per session for blocking clients (the MySQL
// connector, client-streaming uploads).
//
// Both wait `warmup`, then record every operation that finishes within `duration` (or, with an
// infinite duration, until every session ran out of work): successes into a latency histogram,
// failures by gRPC code name or by the reason a session's check gave.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "bench/load/histogram.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/status.h"

namespace wse::bench {

struct Timing {
  absl::Duration warmup = absl::Seconds(1);
  // InfiniteDuration(): until the sessions have no more work (prepared, consumable work). The
  // window then opens when `warmup_operations` operations finished (the time warm-up is ignored)
  // and closes when the first session runs out of work, so it sees the full concurrency only.
  absl::Duration duration = absl::Seconds(5);
  int64_t warmup_operations = 0;
};

// How one operation ended.
struct Outcome {
  bool ok = true;
  std::string error;  // gRPC code name ("UNAVAILABLE") or a failed check ("NOT_ALLOWED").

  static Outcome Ok() { return {}; }
  static Outcome Error(std::string reason) {
    Outcome o;
    o.ok = false;
    o.error = std::move(reason);
    return o;
  }
  static Outcome Of(const grpc::Status& status);  // OK, or the status code's name.
};

std::string CodeName(grpc::StatusCode code);

struct RunStats {
  int64_t ok = 0;
  int64_t all_operations = 0;                   // Every finished one, warm-up included.
  std::map<std::string, int64_t> errors;        // reason -> count
  LatencyHistogram latency;                     // successful operations
  std::map<std::string, LatencyHistogram> steps;  // per RPC method, successful calls
  double seconds = 0;                           // the measured window
  double client_cpu_seconds = 0;                // this process (driver + gRPC threads)

  int64_t error_count() const;
  double throughput() const { return seconds > 0 ? static_cast<double>(ok) / seconds : 0; }
  void Merge(const RunStats& other);  // Counts and histograms (not the window).
};

// One unary call to make.
struct CallSpec {
  std::string method;  // "/wse.rights.v1.RightsService/CheckPermission"
  grpc::ByteBuffer request;
  std::string bearer;  // Access token for "authorization: Bearer ...", if any.
};

class Session {
 public:
  virtual ~Session() = default;
  // The next call: the first of a new operation once the previous finished, else the next step
  // of the current one. False: no more work (at an operation boundary: the session stops).
  virtual bool Next(CallSpec* call) = 0;
  // The reply to the last call. nullopt: the operation continues with Next(); otherwise it
  // finished with this outcome.
  virtual std::optional<Outcome> OnReply(const grpc::Status& status,
                                         const grpc::ByteBuffer& reply) = 0;
};

struct AsyncOptions {
  int threads = 1;   // Driver threads, one CompletionQueue each.
  int channels = 0;  // Connections to the target; 0: min(sessions, 8).
  absl::Duration call_timeout = absl::Seconds(60);
};

RunStats RunAsync(const std::string& target, const std::vector<std::unique_ptr<Session>>& sessions,
                  const Timing& timing, const AsyncOptions& options);

// `op(slot)` runs one operation on this slot's thread; nullopt: the slot has no more work.
using BlockingOp = std::function<std::optional<Outcome>(int slot)>;
RunStats RunThreads(int concurrency, const Timing& timing, const BlockingOp& op);

// Protobuf <-> ByteBuffer for the generic stub.
grpc::ByteBuffer ToBuffer(const std::string& serialized);
std::string FromBuffer(const grpc::ByteBuffer& buffer);
template <typename Message>
grpc::ByteBuffer Pack(const Message& message) {
  return ToBuffer(message.SerializeAsString());
}
template <typename Message>
bool Unpack(const grpc::ByteBuffer& buffer, Message* message) {
  return message->ParseFromString(FromBuffer(buffer));
}

}  // namespace wse::bench
