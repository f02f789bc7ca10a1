#include "common/metrics.h"

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "prometheus/family.h"

namespace wse {
namespace {

// Families by name. prometheus-cpp refuses a second family of the same name in one registry, so
// every part of the process asks here.
class Families {
 public:
  template <typename Metric, typename Builder>
  prometheus::Family<Metric>& Get(const std::string& name, const std::string& help,
                                  Builder builder) {
    absl::MutexLock lock(&mu_);
    auto [it, added] = families_.try_emplace(name, nullptr);
    if (added) it->second = &builder().Name(name).Help(help).Register(*registry_);
    return *static_cast<prometheus::Family<Metric>*>(it->second);
  }
  std::shared_ptr<prometheus::Registry> registry() const { return registry_; }

 private:
  absl::Mutex mu_;
  const std::shared_ptr<prometheus::Registry> registry_ = std::make_shared<prometheus::Registry>();
  std::map<std::string, void*> families_ ABSL_GUARDED_BY(mu_);
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

const std::vector<double>& LatencyBuckets() {
  static const std::vector<double> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                               0.25,  0.5,    1,     2.5,  5,     10};
  return kBuckets;
}

}  // namespace wse
