#include "bench/load/engine.h"

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <limits>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/completion_queue.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace wse::bench {
namespace {

using Clock = std::chrono::steady_clock;

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

int64_t Nanos(Clock::duration d) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
}

// The measured window of a run, shared by the driver threads.
class Window {
 public:
  explicit Window(const Timing& timing)
      : begin_(Clock::now()),
        bounded_(timing.duration != absl::InfiniteDuration()),
        warmup_operations_(bounded_ ? 0 : timing.warmup_operations) {
    if (bounded_) {
      start_ns_ = Nanos(absl::ToChronoNanoseconds(timing.warmup));
      stop_ns_ = start_ns_ + Nanos(absl::ToChronoNanoseconds(timing.duration));
    } else {
      start_ns_ = warmup_operations_ > 0 ? kNever : 0;
      stop_ns_ = kNever;
    }
  }

  int64_t Since(Clock::time_point t) const { return Nanos(t - begin_); }
  // No new operation starts after this (timed runs).
  bool Over(Clock::time_point t) const { return bounded_ && Since(t) >= stop_ns_; }
  // An operation finished at `t`: whether it counts.
  bool Finished(Clock::time_point t) {
    const int64_t now = Since(t);
    if (bounded_) return now >= start_ns_ && now < stop_ns_;
    const int64_t index = finished_.fetch_add(1);
    if (index + 1 == warmup_operations_) start_ns_.store(now);
    return index >= warmup_operations_ && now < stop_ns_.load();
  }
  // Whether the window is open at `t` (for per-call figures; counts nothing).
  bool Open(Clock::time_point t) const {
    const int64_t now = Since(t);
    return now >= start_ns_.load() && now < stop_ns_.load();
  }
  // A session ran out of work (consumable runs): the window closes at the first.
  void Drained(Clock::time_point t) {
    if (bounded_) return;
    int64_t expected = kNever;
    stop_ns_.compare_exchange_strong(expected, Since(t));
  }
  // The window in seconds; `last` is the latest recorded completion.
  double Seconds(int64_t last_recorded_ns) const {
    const int64_t start = start_ns_.load();
    int64_t stop = stop_ns_.load();
    if (stop == kNever) stop = last_recorded_ns;
    return stop > start && start != kNever ? static_cast<double>(stop - start) / 1e9 : 0;
  }

 private:
  static constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
  const Clock::time_point begin_;
  const bool bounded_;
  const int64_t warmup_operations_;
  std::atomic<int64_t> start_ns_{0};
  std::atomic<int64_t> stop_ns_{0};
  std::atomic<int64_t> finished_{0};
};

// Per driver thread: its stats and the last time it recorded something.
struct ThreadStats {
  RunStats stats;
  int64_t last_record_ns = 0;
};

void Record(ThreadStats& t, const Outcome& outcome, Clock::duration latency, int64_t at_ns) {
  if (outcome.ok) {
    ++t.stats.ok;
    t.stats.latency.Record(Nanos(latency));
  } else {
    ++t.stats.errors[outcome.error];
  }
  t.last_record_ns = std::max(t.last_record_ns, at_ns);
}

RunStats Combine(std::vector<ThreadStats>& per_thread, const Window& window, double cpu_before) {
  RunStats total;
  int64_t last = 0;
  for (const auto& t : per_thread) {
    total.Merge(t.stats);
    last = std::max(last, t.last_record_ns);
  }
  total.seconds = window.Seconds(last);
  total.client_cpu_seconds = CpuSeconds() - cpu_before;
  return total;
}

struct Slot {
  Session* session = nullptr;
  grpc::GenericStub* stub = nullptr;
  grpc::CompletionQueue* cq = nullptr;
  std::unique_ptr<grpc::ClientContext> context;
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> reader;
  grpc::ByteBuffer reply;
  grpc::Status status;
  std::string method;
  Clock::time_point op_start, call_start;
};

// Starts the next call of `slot`'s session; false when the session has no more work.
bool Issue(Slot& slot, absl::Duration call_timeout) {
  CallSpec call;
  if (!slot.session->Next(&call)) return false;
  slot.context = std::make_unique<grpc::ClientContext>();
  slot.context->set_deadline(std::chrono::system_clock::now() +
                             absl::ToChronoMilliseconds(call_timeout));
  if (!call.bearer.empty()) slot.context->AddMetadata("authorization", "Bearer " + call.bearer);
  slot.method = std::move(call.method);
  slot.reply.Clear();
  slot.call_start = Clock::now();
  slot.reader = slot.stub->PrepareUnaryCall(slot.context.get(), slot.method, call.request, slot.cq);
  slot.reader->StartCall();
  slot.reader->Finish(&slot.reply, &slot.status, &slot);
  return true;
}

void DriveQueue(std::vector<Slot*> slots, grpc::CompletionQueue* cq, Window* window,
                absl::Duration call_timeout, ThreadStats* out) {
  int active = 0;
  for (Slot* slot : slots) {
    slot->op_start = Clock::now();
    if (Issue(*slot, call_timeout)) {
      ++active;
    } else {
      window->Drained(slot->op_start);
    }
  }
  void* tag = nullptr;
  bool ok = false;
  while (active > 0 && cq->Next(&tag, &ok)) {
    Slot& slot = *static_cast<Slot*>(tag);
    const Clock::time_point now = Clock::now();
    if (slot.status.ok() && window->Open(now)) {
      out->stats.steps[slot.method].Record(Nanos(now - slot.call_start));
    }
    std::optional<Outcome> outcome = slot.session->OnReply(slot.status, slot.reply);
    if (!outcome.has_value()) {  // The operation goes on.
      if (!Issue(slot, call_timeout)) {
        if (window->Finished(now)) {
          Record(*out, Outcome::Error("SESSION_GAVE_UP"), {}, window->Since(now));
        }
        --active;
      }
      continue;
    }
    ++out->stats.all_operations;
    if (window->Finished(now)) Record(*out, *outcome, now - slot.op_start, window->Since(now));
    if (window->Over(now)) {
      --active;
      continue;
    }
    slot.op_start = now;
    if (!Issue(slot, call_timeout)) {
      window->Drained(now);
      --active;
    }
  }
  cq->Shutdown();
  while (cq->Next(&tag, &ok)) {
  }
}

}  // namespace

std::string CodeName(grpc::StatusCode code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

Outcome Outcome::Of(const grpc::Status& status) {
  return status.ok() ? Outcome::Ok() : Outcome::Error(CodeName(status.error_code()));
}

int64_t RunStats::error_count() const {
  int64_t n = 0;
  for (const auto& [reason, count] : errors) n += count;
  return n;
}

void RunStats::Merge(const RunStats& other) {
  ok += other.ok;
  all_operations += other.all_operations;
  for (const auto& [reason, count] : other.errors) errors[reason] += count;
  latency.Merge(other.latency);
  for (const auto& [method, histogram] : other.steps) steps[method].Merge(histogram);
}

RunStats RunAsync(const std::string& target, const std::vector<std::unique_ptr<Session>>& sessions,
                  const Timing& timing, const AsyncOptions& options) {
  const int n = static_cast<int>(sessions.size());
  const int channel_count =
      std::max(1, options.channels > 0 ? options.channels : std::min(n, 8));
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  std::vector<std::unique_ptr<grpc::GenericStub>> stubs;
  for (int i = 0; i < channel_count; ++i) {
    grpc::ChannelArguments args;
    // Each channel its own TCP connection (channels with equal arguments would share one).
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetInt("wse.bench.channel", i);
    args.SetMaxReceiveMessageSize(64 * 1024 * 1024);
    channels.push_back(
        grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args));
    channels.back()->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10));
    stubs.push_back(std::make_unique<grpc::GenericStub>(channels.back()));
  }
  const int thread_count = std::max(1, std::min(options.threads, n));
  std::vector<std::unique_ptr<grpc::CompletionQueue>> queues;
  for (int t = 0; t < thread_count; ++t) queues.push_back(std::make_unique<grpc::CompletionQueue>());
  std::vector<Slot> slots(static_cast<size_t>(n));
  std::vector<std::vector<Slot*>> by_thread(static_cast<size_t>(thread_count));
  for (int i = 0; i < n; ++i) {
    Slot& slot = slots[static_cast<size_t>(i)];
    slot.session = sessions[static_cast<size_t>(i)].get();
    slot.stub = stubs[static_cast<size_t>(i % channel_count)].get();
    slot.cq = queues[static_cast<size_t>(i % thread_count)].get();
    by_thread[static_cast<size_t>(i % thread_count)].push_back(&slot);
  }
  const double cpu_before = CpuSeconds();
  Window window(timing);
  std::vector<ThreadStats> per_thread(static_cast<size_t>(thread_count));
  std::vector<std::thread> threads;
  for (int t = 0; t < thread_count; ++t) {
    threads.emplace_back(DriveQueue, by_thread[static_cast<size_t>(t)],
                         queues[static_cast<size_t>(t)].get(), &window, options.call_timeout,
                         &per_thread[static_cast<size_t>(t)]);
  }
  for (auto& t : threads) t.join();
  return Combine(per_thread, window, cpu_before);
}

RunStats RunThreads(int concurrency, const Timing& timing, const BlockingOp& op) {
  const double cpu_before = CpuSeconds();
  Window window(timing);
  std::vector<ThreadStats> per_thread(static_cast<size_t>(concurrency));
  std::vector<std::thread> threads;
  for (int slot = 0; slot < concurrency; ++slot) {
    threads.emplace_back([&, slot] {
      ThreadStats& mine = per_thread[static_cast<size_t>(slot)];
      while (true) {
        const Clock::time_point start = Clock::now();
        if (window.Over(start)) break;
        std::optional<Outcome> outcome = op(slot);
        const Clock::time_point now = Clock::now();
        if (!outcome.has_value()) {
          window.Drained(now);
          break;
        }
        ++mine.stats.all_operations;
        if (window.Finished(now)) Record(mine, *outcome, now - start, window.Since(now));
      }
    });
  }
  for (auto& t : threads) t.join();
  return Combine(per_thread, window, cpu_before);
}

grpc::ByteBuffer ToBuffer(const std::string& serialized) {
  grpc::Slice slice(serialized);
  return grpc::ByteBuffer(&slice, 1);
}

std::string FromBuffer(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  if (!buffer.Dump(&slices).ok()) return "";
  std::string out;
  out.reserve(buffer.Length());
  for (const auto& s : slices) out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return out;
}

}  // namespace wse::bench
