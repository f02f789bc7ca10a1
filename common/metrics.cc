#include "common/metrics.h"

#include <type_traits>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "prometheus/family.h"

namespace wse {
namespace {

// Families by name and type, so that a metric's lookup takes one map lookup instead of the
// registry's scan of every family, and one name cannot be asked for as two types.
class Families {
 public:
  template <typename Metric, typename Builder>
  prometheus::Family<Metric>& Get(const std::string& name, const std::string& help,
                                  Builder builder) {
    absl::MutexLock lock(&mu_);
    auto& families = Of<Metric>();
    auto it = families.find(name);
    if (it != families.end()) return *it->second;
    // Registers before remembering: if prometheus-cpp throws (a name taken by another type,
    // an invalid name), nothing half-made stays behind.
    auto& family = builder().Name(name).Help(help).Register(*registry_);
    families.emplace(name, &family);
    return family;
  }
  std::shared_ptr<prometheus::Registry> registry() const { return registry_; }

 private:
  template <typename Metric>
  std::map<std::string, prometheus::Family<Metric>*>& Of() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if constexpr (std::is_same_v<Metric, prometheus::Counter>) return counters_;
    if constexpr (std::is_same_v<Metric, prometheus::Gauge>) return gauges_;
    if constexpr (std::is_same_v<Metric, prometheus::Histogram>) return histograms_;
  }

  absl::Mutex mu_;
  const std::shared_ptr<prometheus::Registry> registry_ = std::make_shared<prometheus::Registry>();
  std::map<std::string, prometheus::Family<prometheus::Counter>*> counters_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, prometheus::Family<prometheus::Gauge>*> gauges_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, prometheus::Family<prometheus::Histogram>*> histograms_
      ABSL_GUARDED_BY(mu_);
};

Families& TheFamilies() {
  static Families* families = new Families();  // Never destroyed: metrics outlive every thread.
  return *families;
}

}  // namespace

std::shared_ptr<prometheus::Registry> MetricsRegistry() { return TheFamilies().registry(); }

prometheus::Counter& CounterOf(const std::string& name, const std::string& help,
                               const MetricLabels& labels) {
  return TheFamilies()
      .Get<prometheus::Counter>(name, help, [] { return prometheus::BuildCounter(); })
      .Add(labels);
}

prometheus::Gauge& GaugeOf(const std::string& name, const std::string& help,
                           const MetricLabels& labels) {
  return TheFamilies()
      .Get<prometheus::Gauge>(name, help, [] { return prometheus::BuildGauge(); })
      .Add(labels);
}

prometheus::Histogram& HistogramOf(const std::string& name, const std::string& help,
                                   const MetricLabels& labels, const std::vector<double>& buckets) {
  return TheFamilies()
      .Get<prometheus::Histogram>(name, help, [] { return prometheus::BuildHistogram(); })
      .Add(labels, buckets);
}

CountersByLabel::CountersByLabel(std::string name, std::string help, std::string label,
                                 std::vector<std::string> initial, MetricLabels constant_labels)
    : name_(std::move(name)),
      help_(std::move(help)),
      label_(std::move(label)),
      constant_labels_(std::move(constant_labels)) {
  for (const std::string& value : initial) (*this)[value];
}

prometheus::Counter& CountersByLabel::operator[](absl::string_view value) {
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = counters_.find(value);
    if (it != counters_.end()) return *it->second;
  }
  MetricLabels labels = constant_labels_;
  labels[label_] = std::string(value);
  prometheus::Counter& counter = CounterOf(name_, help_, labels);
  absl::MutexLock lock(&mu_);
  counters_.emplace(value, &counter);
  return counter;
}

CacheMetrics::CacheMetrics(const std::string& cache)
    : hit_(CounterOf("wse_cache_requests_total", "Cache lookups by cache and result.",
                     {{"cache", cache}, {"result", "hit"}})),
      miss_(CounterOf("wse_cache_requests_total", "Cache lookups by cache and result.",
                      {{"cache", cache}, {"result", "miss"}})) {}

const std::vector<double>& LatencyBuckets() {
  // Never destroyed: a histogram may be made by a thread still running at exit.
  static const auto* buckets = new std::vector<double>{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                       0.25,  0.5,    1,     2.5,  5,     10};
  return *buckets;
}

}  // namespace wse
