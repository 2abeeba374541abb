#include "server/process_metrics.h"

#include <dirent.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace shopml::server {
namespace {

std::optional<std::string> ReadFile(const char* path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Seconds since the epoch at which the machine booted ("btime" in /proc/stat).
std::optional<double> BootTimeSeconds() {
  const std::optional<std::string> stat = ReadFile("/proc/stat");
  if (!stat) return std::nullopt;
  for (absl::string_view line : absl::StrSplit(*stat, '\n')) {
    if (absl::ConsumePrefix(&line, "btime ")) {
      double value = 0;
      if (absl::SimpleAtod(line, &value)) return value;
    }
  }
  return std::nullopt;
}

// The soft "Max open files" limit from /proc/self/limits.
std::optional<double> MaxOpenFiles() {
  const std::optional<std::string> limits = ReadFile("/proc/self/limits");
  if (!limits) return std::nullopt;
  for (absl::string_view line : absl::StrSplit(*limits, '\n')) {
    if (!absl::ConsumePrefix(&line, "Max open files")) continue;
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, ' ', absl::SkipEmpty());
    double value = 0;
    if (!fields.empty() && absl::SimpleAtod(fields[0], &value)) return value;
  }
  return std::nullopt;
}

std::optional<double> OpenFds() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return std::nullopt;
  double count = 0;
  while (const dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  closedir(dir);
  // The descriptor of the directory being read is not the process's own.
  return count - 1;
}

prometheus::MetricFamily Family(const char* name, const char* help,
                                prometheus::MetricType type, double value) {
  prometheus::MetricFamily family;
  family.name = name;
  family.help = help;
  family.type = type;
  prometheus::ClientMetric metric;
  if (type == prometheus::MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  family.metric.push_back(std::move(metric));
  return family;
}

}  // namespace

absl::StatusOr<ProcessStats> ReadProcessStats() {
  const std::optional<std::string> stat = ReadFile("/proc/self/stat");
  if (!stat) return absl::UnavailableError("cannot read /proc/self/stat");
  // The command name (field 2) is in parentheses and may hold spaces; the
  // fields after its closing parenthesis start at field 3 (state).
  const size_t paren = stat->rfind(')');
  if (paren == std::string::npos) {
    return absl::UnavailableError("malformed /proc/self/stat");
  }
  std::vector<absl::string_view> fields = absl::StrSplit(
      absl::string_view(*stat).substr(paren + 1), ' ', absl::SkipEmpty());
  // Indexes below are field numbers from proc(5) minus 3.
  constexpr size_t kUtime = 11, kStime = 12, kStartTime = 19, kVsize = 20,
                   kRss = 21;
  double utime = 0, stime = 0, start_ticks = 0, vsize = 0, rss_pages = 0;
  if (fields.size() <= kRss || !absl::SimpleAtod(fields[kUtime], &utime) ||
      !absl::SimpleAtod(fields[kStime], &stime) ||
      !absl::SimpleAtod(fields[kStartTime], &start_ticks) ||
      !absl::SimpleAtod(fields[kVsize], &vsize) ||
      !absl::SimpleAtod(fields[kRss], &rss_pages)) {
    return absl::UnavailableError("malformed /proc/self/stat");
  }
  const double ticks_per_second = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page_bytes = static_cast<double>(sysconf(_SC_PAGESIZE));

  ProcessStats stats;
  stats.cpu_seconds = (utime + stime) / ticks_per_second;
  stats.virtual_bytes = vsize;
  stats.resident_bytes = rss_pages * page_bytes;
  if (std::optional<double> boot = BootTimeSeconds()) {
    stats.start_time_seconds = *boot + start_ticks / ticks_per_second;
  }
  stats.open_fds = OpenFds();
  stats.max_fds = MaxOpenFiles();
  return stats;
}

std::vector<prometheus::MetricFamily> ProcessCollector::Collect() const {
  using prometheus::MetricType;
  std::vector<prometheus::MetricFamily> families;
  absl::StatusOr<ProcessStats> stats = ReadProcessStats();
  if (!stats.ok()) return families;
  families.push_back(Family("process_cpu_seconds_total",
                            "Total user and system CPU time spent in seconds.",
                            MetricType::Counter, stats->cpu_seconds));
  families.push_back(Family("process_resident_memory_bytes",
                            "Resident memory size in bytes.", MetricType::Gauge,
                            stats->resident_bytes));
  families.push_back(Family("process_virtual_memory_bytes",
                            "Virtual memory size in bytes.", MetricType::Gauge,
                            stats->virtual_bytes));
  if (stats->open_fds) {
    families.push_back(Family("process_open_fds",
                              "Number of open file descriptors.",
                              MetricType::Gauge, *stats->open_fds));
  }
  if (stats->max_fds) {
    families.push_back(Family("process_max_fds",
                              "Maximum number of open file descriptors.",
                              MetricType::Gauge, *stats->max_fds));
  }
  if (stats->start_time_seconds > 0) {
    families.push_back(
        Family("process_start_time_seconds",
               "Start time of the process since unix epoch in seconds.",
               MetricType::Gauge, stats->start_time_seconds));
  }
  return families;
}

}  // namespace shopml::server
