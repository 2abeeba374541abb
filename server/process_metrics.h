// ProcessCollector: the standard Prometheus process metrics of this process,
// read from /proc/self at each scrape:
//
//   process_cpu_seconds_total       user + system CPU time (counter)
//   process_resident_memory_bytes   resident set size
//   process_virtual_memory_bytes    virtual memory size
//   process_open_fds                open file descriptors
//   process_max_fds                 soft limit on open file descriptors
//   process_start_time_seconds      start time, seconds since the Unix epoch
//
// A value that cannot be read (no /proc) is left out of the scrape rather
// than reported as 0.
//
// Thread safety: Collect may be called concurrently from any thread.
#ifndef SHOPML_SERVER_PROCESS_METRICS_H_
#define SHOPML_SERVER_PROCESS_METRICS_H_

#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"

namespace shopml::server {

// One reading of /proc/self.
struct ProcessStats {
  double cpu_seconds = 0;
  double resident_bytes = 0;
  double virtual_bytes = 0;
  double start_time_seconds = 0;
  std::optional<double> open_fds;
  std::optional<double> max_fds;  // Absent when unlimited.
};

// Reads /proc/self/stat, /proc/stat (boot time), /proc/self/limits and
// /proc/self/fd. Unavailable when /proc/self/stat cannot be read or parsed.
absl::StatusOr<ProcessStats> ReadProcessStats();

class ProcessCollector : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override;
};

}  // namespace shopml::server

#endif  // SHOPML_SERVER_PROCESS_METRICS_H_
