#pragma once
// The process's Prometheus metrics (prometheus-cpp): one registry per process, served over HTTP
// by the service host (common/grpc_metrics.h, --metrics_listen). Families are created once, by
// name, and shared; a metric with a given label set is created on first use.
//
// Names follow Prometheus conventions: `_total` for counters, `_seconds` for durations; suite
// metrics start with `wse_`, the gRPC ones keep go-grpc-prometheus's names so dashboards and
// alerts written for other gRPC servers apply.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace wse {

using MetricLabels = std::map<std::string, std::string>;

// The registry every metric of this process is in.
std::shared_ptr<prometheus::Registry> MetricsRegistry();

// Seconds, from 1 ms to 10 s (RPCs, transactions, commits).
const std::vector<double>& LatencyBuckets();

// A counter / gauge / histogram of the family `name` with `labels` (the family is registered with
// `help` the first time). The references live as long as the process.
prometheus::Counter& CounterOf(const std::string& name, const std::string& help,
                               const MetricLabels& labels);
prometheus::Gauge& GaugeOf(const std::string& name, const std::string& help,
                           const MetricLabels& labels);
prometheus::Histogram& HistogramOf(const std::string& name, const std::string& help,
                                   const MetricLabels& labels,
                                   const std::vector<double>& buckets = LatencyBuckets());

// Counters of one family told apart by one label, each made on first use and kept: for hot
// paths, where building a label map and looking the counter up per event would cost more than
// the count. The label's values must come from a fixed set (never from a caller's input).
class CountersByLabel {
 public:
  // `initial` values are made at once, at 0: a series that first appears at 1 is invisible to
  // increase() and rate(), so the first dead mail would not fire an alert.
  CountersByLabel(std::string name, std::string help, std::string label,
                  std::vector<std::string> initial = {}, MetricLabels constant_labels = {});
  prometheus::Counter& operator[](absl::string_view value);

 private:
  const std::string name_;
  const std::string help_;
  const std::string label_;
  const MetricLabels constant_labels_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, prometheus::Counter*> counters_ ABSL_GUARDED_BY(mu_);
};

// Lookups of one cache: wse_cache_requests_total{cache, result="hit"|"miss"}.
class CacheMetrics {
 public:
  explicit CacheMetrics(const std::string& cache);
  void Hit() { hit_.Increment(); }
  void Miss() { miss_.Increment(); }
  void Count(bool hit) { hit ? Hit() : Miss(); }

 private:
  prometheus::Counter& hit_;
  prometheus::Counter& miss_;
};

// Observes the time since construction in `histogram` when destroyed.
class ScopedTimer {
 public:
  explicit ScopedTimer(prometheus::Histogram& histogram)
      : histogram_(histogram), start_(absl::Now()) {}
  ~ScopedTimer() { histogram_.Observe(absl::ToDoubleSeconds(absl::Now() - start_)); }
  ScopedTimer(const ScopedTimer&) = delete;
  ScopedTimer& operator=(const ScopedTimer&) = delete;

 private:
  prometheus::Histogram& histogram_;
  absl::Time start_;
};

}  // namespace wse
