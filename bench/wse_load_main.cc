// wse-load: the load generator of the benchmark suite (issue 8). Runs one workload at one or more
// concurrencies, prints a summary per run to stderr and appends one CSV row per run.
//
//   wse-load --workload=check --concurrency=1,16,64 --duration=5s --warmup=1s --csv=out.csv
//   wse-load --workload=echo --echo_address=127.0.0.1:55059 --concurrency=4 --duration=2s --check
//
// The stack's addresses and folders come from the STACK_* variables of deploy/local/lib.sh.
// See bench/load/workloads.h for the workloads and bench/run.sh for the whole suite.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <algorithm>
#include <fstream>
#include <iterator>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "bench/load/workloads.h"

ABSL_FLAG(std::string, workload, "", "what to run (see bench/load/workloads.h)");
ABSL_FLAG(std::string, concurrency, "1", "comma-separated concurrencies, e.g. 1,16,64");
ABSL_FLAG(int, repetitions, 1, "runs per concurrency");
ABSL_FLAG(int, repetition, 1, "number of the first run in the CSV (run.sh counts its rounds)");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(5), "measured time per run (timed workloads)");
ABSL_FLAG(absl::Duration, warmup, absl::Seconds(1), "unmeasured time before it");
ABSL_FLAG(int, threads, 1, "driver threads (completion queues) of the async client");
ABSL_FLAG(int, channels, 0, "connections to the target; 0: min(concurrency, 8)");
ABSL_FLAG(std::string, echo_address, "", "host:port of wse-echo-server (workload echo)");
ABSL_FLAG(int, confirm_drafts, 0, "drafts per confirm run; 0: 60 x concurrency in 600..3000");
ABSL_FLAG(int, bulk_rows, 10000, "rows per bulk upload");
ABSL_FLAG(int, bulk_runs, 1, "bulk uploads per run (at least the concurrency)");
ABSL_FLAG(int, mails, 1500, "mails per mail run");
ABSL_FLAG(int, story_users, 0, "fresh users per story run; 0: 12 x concurrency in 60..768");
ABSL_FLAG(std::string, csv, "", "append one row per run to this CSV file");
ABSL_FLAG(bool, check, false, "exit 1 unless every run had successful calls and no errors");
ABSL_FLAG(std::string, cpu_pids, "",
          "name=pid,... of processes whose CPU time per operation to report (/proc/pid/stat)");
ABSL_FLAG(double, max_foreign_cpu, 0,
          "exit 3 when processes outside --cpu_pids used more than this share of the machine's "
          "CPU during a run (another build on a shared machine); 0: never");
ABSL_FLAG(std::string, rss_pids, "", "name=pid,... of processes whose VmRSS to sample under load");
ABSL_FLAG(std::string, rss_out, "", "CSV of the RSS samples (seconds,name,pid,rss_kb)");
ABSL_FLAG(absl::Duration, rss_interval, absl::Seconds(5), "RSS sampling interval");

namespace {

using wse::bench::WorkloadResult;

std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string Ms(int64_t nanos) { return absl::StrFormat("%.3f", static_cast<double>(nanos) / 1e6); }

void AppendCsv(const std::string& path, const std::string& workload, int concurrency,
               int repetition, const WorkloadResult& r, const std::string& cpu) {
  struct stat st{};
  const bool fresh = stat(path.c_str(), &st) != 0 || st.st_size == 0;
  std::ofstream out(path, std::ios::app);
  if (fresh) {
    out << "workload,concurrency,repetition,ok,errors,seconds,throughput,unit,p50_ms,p90_ms,"
           "p99_ms,max_ms,mean_ms,error_codes,client_cpu_s,note,cpu_ms_per_op\n";
  }
  std::vector<std::string> codes;
  for (const auto& [reason, count] : r.stats.errors) codes.push_back(absl::StrCat(reason, ":", count));
  const auto& h = r.stats.latency;
  out << absl::StrJoin(
             {workload, absl::StrCat(concurrency), absl::StrCat(repetition),
              absl::StrCat(r.stats.ok), absl::StrCat(r.stats.error_count()),
              absl::StrFormat("%.3f", r.stats.seconds), absl::StrFormat("%.2f", r.Throughput()),
              r.unit, Ms(h.Quantile(0.5)), Ms(h.Quantile(0.9)), Ms(h.Quantile(0.99)), Ms(h.max()),
              Ms(static_cast<int64_t>(h.mean())), CsvField(absl::StrJoin(codes, ";")),
              absl::StrFormat("%.2f", r.stats.client_cpu_seconds), CsvField(r.note), cpu},
             ",")
      << "\n";
}

using Processes = std::vector<std::pair<std::string, int>>;

Processes ParseProcesses(const std::string& spec) {  // "name=pid,..."
  Processes out;
  for (absl::string_view item : absl::StrSplit(spec, ',', absl::SkipEmpty())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(item, absl::MaxSplits('=', 1));
    int pid = 0;
    if (absl::SimpleAtoi(kv.second, &pid)) out.emplace_back(kv.first, pid);
  }
  return out;
}

// User + system CPU seconds of a process so far (-1 when it is gone).
double CpuSecondsOf(int pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t paren = text.rfind(')');
  if (paren == std::string::npos) return -1;
  // After "pid (comm)": state is field 3; utime and stime are fields 14 and 15.
  std::vector<std::string> fields = absl::StrSplit(text.substr(paren + 2), ' ');
  int64_t utime = 0, stime = 0;
  if (fields.size() < 13 || !absl::SimpleAtoi(fields[11], &utime) ||
      !absl::SimpleAtoi(fields[12], &stime)) {
    return -1;
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Busy CPU seconds of the whole machine so far (all CPUs; /proc/stat without idle and iowait).
double MachineBusySeconds() {
  std::ifstream in("/proc/stat");
  std::string line;
  std::getline(in, line);
  std::vector<std::string> fields = absl::StrSplit(line, ' ', absl::SkipEmpty());
  int64_t busy = 0;
  for (size_t i = 1; i < fields.size() && i <= 8; ++i) {
    int64_t v = 0;
    if (i != 4 && i != 5 && absl::SimpleAtoi(fields[i], &v)) busy += v;  // Not idle, iowait.
  }
  return static_cast<double>(busy) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// CPU time each named process spent during the load, per finished operation; and how much of
// the machine everything else (other builds and tests on a shared machine) used meanwhile.
class CpuMeter {
 public:
  explicit CpuMeter(Processes targets) : targets_(std::move(targets)) {
    targets_.emplace_back("wse-load", static_cast<int>(getpid()));
  }
  void Start() {
    before_.clear();
    for (const auto& [name, pid] : targets_) before_.push_back(CpuSecondsOf(pid));
    machine_before_ = MachineBusySeconds();
    start_ = absl::Now();
  }
  void Stop() {
    used_.clear();
    double ours = 0;
    for (size_t i = 0; i < targets_.size(); ++i) {
      used_.push_back(CpuSecondsOf(targets_[i].second) - before_[i]);
      ours += used_.back();
    }
    const double wall = absl::ToDoubleSeconds(absl::Now() - start_);
    foreign_ = std::max(0.0, MachineBusySeconds() - machine_before_ - ours);
    foreign_share_ = wall > 0 ? foreign_ / (wall * static_cast<double>(sysconf(_SC_NPROCESSORS_ONLN)))
                              : 0;
  }
  // "mariadbd=0.312;rights-svc=0.221;...;others=0.010" in milliseconds per operation.
  std::string PerOperation(int64_t operations) const {
    std::vector<std::string> parts;
    if (operations <= 0) return "";
    const double n = static_cast<double>(operations);
    for (size_t i = 0; i < used_.size(); ++i) {
      parts.push_back(absl::StrFormat("%s=%.3f", targets_[i].first, 1000 * used_[i] / n));
    }
    parts.push_back(absl::StrFormat("others=%.3f", 1000 * foreign_ / n));
    return absl::StrJoin(parts, ";");
  }
  // Share of the machine's CPU that processes outside the stack used during the load.
  double foreign_share() const { return foreign_share_; }

 private:
  Processes targets_;
  std::vector<double> before_, used_;
  double machine_before_ = 0, foreign_ = 0, foreign_share_ = 0;
  absl::Time start_;
};

// Samples VmRSS of the named processes from the start of the load until its end.
class RssSampler {
 public:
  RssSampler(const std::string& spec, std::string out, absl::Duration interval)
      : out_(std::move(out)), interval_(interval), targets_(ParseProcesses(spec)) {}
  bool enabled() const { return !targets_.empty() && !out_.empty(); }

  void Start() {
    stop_ = std::make_unique<absl::Notification>();
    thread_ = std::thread([this] {
      std::ofstream out(out_, std::ios::app);
      out << "seconds,name,pid,rss_kb\n";
      const absl::Time start = absl::Now();
      do {
        const double t = absl::ToDoubleSeconds(absl::Now() - start);
        for (const auto& [name, pid] : targets_) {
          out << absl::StrFormat("%.1f,%s,%d,%d\n", t, name, pid, RssKb(pid));
        }
        out.flush();
      } while (!stop_->WaitForNotificationWithTimeout(interval_));
    });
  }
  void Stop() {
    if (!thread_.joinable()) return;
    stop_->Notify();
    thread_.join();
  }

 private:
  static int64_t RssKb(int pid) {
    std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("VmRSS:", 0) == 0) {
        int64_t kb = 0;
        std::vector<std::string> parts = absl::StrSplit(line, ' ', absl::SkipEmpty());
        if (parts.size() >= 2 && absl::SimpleAtoi(parts[1], &kb)) return kb;
      }
    }
    return -1;
  }

  std::string out_;
  absl::Duration interval_;
  Processes targets_;
  std::unique_ptr<absl::Notification> stop_;
  std::thread thread_;
};

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "wse-load --workload=<name> [--concurrency=1,16,64] [--duration=5s] [--csv=file]");
  absl::ParseCommandLine(argc, argv);
  const std::string workload = absl::GetFlag(FLAGS_workload);
  std::vector<int> concurrencies;
  for (absl::string_view c : absl::StrSplit(absl::GetFlag(FLAGS_concurrency), ',', absl::SkipEmpty())) {
    int n = 0;
    if (!absl::SimpleAtoi(c, &n) || n < 1 || n > 1024) {
      std::fprintf(stderr, "wse-load: bad --concurrency %s\n", std::string(c).c_str());
      return 2;
    }
    concurrencies.push_back(n);
  }
  if (workload.empty() || concurrencies.empty()) {
    std::fprintf(stderr, "wse-load: --workload is required; one of %s\n",
                 absl::StrJoin(wse::bench::WorkloadNames(), ", ").c_str());
    return 2;
  }
  RssSampler rss(absl::GetFlag(FLAGS_rss_pids), absl::GetFlag(FLAGS_rss_out),
                 absl::GetFlag(FLAGS_rss_interval));
  CpuMeter cpu(ParseProcesses(absl::GetFlag(FLAGS_cpu_pids)));
  bool noisy = false;
  bool all_clean = true;
  for (int concurrency : concurrencies) {
    for (int rep = 0; rep < absl::GetFlag(FLAGS_repetitions); ++rep) {
      wse::bench::WorkloadArgs args;
      if (auto services = wse::flow::Services::FromEnvironment(); services.ok()) {
        args.stack = *std::move(services);
        args.stack_known = absl::OkStatus();
      } else {
        args.stack_known = services.status();
      }
      args.echo_address = absl::GetFlag(FLAGS_echo_address);
      args.concurrency = concurrency;
      args.timing.duration = absl::GetFlag(FLAGS_duration);
      args.timing.warmup = absl::GetFlag(FLAGS_warmup);
      args.async.threads = absl::GetFlag(FLAGS_threads);
      args.async.channels = absl::GetFlag(FLAGS_channels);
      args.confirm_drafts = absl::GetFlag(FLAGS_confirm_drafts);
      args.bulk_rows = absl::GetFlag(FLAGS_bulk_rows);
      args.bulk_runs = absl::GetFlag(FLAGS_bulk_runs);
      args.mails = absl::GetFlag(FLAGS_mails);
      args.story_users = absl::GetFlag(FLAGS_story_users);
      args.on_load_start = [&rss, &cpu] {
        cpu.Start();
        if (rss.enabled()) rss.Start();
      };
      args.on_load_stop = [&rss, &cpu] {
        if (rss.enabled()) rss.Stop();
        cpu.Stop();
      };
      const int repetition = absl::GetFlag(FLAGS_repetition) + rep;
      auto result = wse::bench::RunWorkload(workload, args);
      if (!result.ok()) {
        std::fprintf(stderr, "wse-load: %s c=%d: %s\n", workload.c_str(), concurrency,
                     result.status().ToString().c_str());
        return 1;
      }
      const auto& s = result->stats;
      std::vector<std::string> codes;
      for (const auto& [reason, count] : s.errors) codes.push_back(absl::StrCat(reason, " x", count));
      std::fprintf(stderr,
                   "%-12s c=%-3d rep=%d: %lld ok, %lld errors%s%s in %.1f s: %.1f %s, p50 %.2f ms, "
                   "p99 %.2f ms, client cpu %.1f s%s%s\n",
                   workload.c_str(), concurrency, repetition, static_cast<long long>(s.ok),
                   static_cast<long long>(s.error_count()), codes.empty() ? "" : " ",
                   absl::StrJoin(codes, ", ").c_str(), s.seconds, result->Throughput(),
                   result->unit.c_str(), static_cast<double>(s.latency.Quantile(0.5)) / 1e6,
                   static_cast<double>(s.latency.Quantile(0.99)) / 1e6, s.client_cpu_seconds,
                   result->note.empty() ? "" : "; ", result->note.c_str());
      const std::string cpu_per_op = cpu.PerOperation(s.all_operations);
      std::fprintf(stderr, "    cpu ms/op: %s (others used %.0f %% of the machine)\n",
                   cpu_per_op.c_str(), 100 * cpu.foreign_share());
      const double max_foreign = absl::GetFlag(FLAGS_max_foreign_cpu);
      if (max_foreign > 0 && cpu.foreign_share() > max_foreign) noisy = true;
      if (!absl::GetFlag(FLAGS_csv).empty()) {
        AppendCsv(absl::GetFlag(FLAGS_csv), workload, concurrency, repetition, *result,
                  cpu_per_op);
      }
      all_clean = all_clean && s.ok > 0 && s.error_count() == 0;
    }
  }
  if (absl::GetFlag(FLAGS_check) && !all_clean) return 1;
  return noisy ? 3 : 0;
}
