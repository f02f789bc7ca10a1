#pragma once
// Reading a service's Prometheus metrics as Prometheus does: GET /metrics, the text format.

#include <map>
#include <string>

namespace wse::testing {

// The body of http://127.0.0.1:`port``path` with its status line and headers ("" when the
// connection fails; what came when the server is silent for 10 s).
std::string HttpGet(int port, const std::string& path);

// The value of the sample `name` in the text `page` whose labels include all of `labels`
// (summed over the samples that match); 0 when none does.
double SampleOf(const std::string& page, const std::string& name,
                const std::map<std::string, std::string>& labels);

// Every sample of `name` in `page` (exactly that name), by its labels.
std::map<std::map<std::string, std::string>, double> SamplesOf(const std::string& page,
                                                               const std::string& name);

// This process's own registry (common/metrics.h) in the text format, as its endpoint serves it.
std::string OwnMetricsPage();

}  // namespace wse::testing
