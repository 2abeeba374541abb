#include "server/filesystem_metrics.h"

#include <sys/statvfs.h>

#include <utility>

namespace shopml::server {
namespace {

prometheus::MetricFamily Gauge(const char* name, const char* help,
                               double value) {
  prometheus::MetricFamily family;
  family.name = name;
  family.help = help;
  family.type = prometheus::MetricType::Gauge;
  family.metric.emplace_back();
  family.metric.back().gauge.value = value;
  return family;
}

}  // namespace

std::optional<FilesystemStats> ReadFilesystemStats(const std::string& path) {
  struct statvfs fs = {};
  if (path.empty() || statvfs(path.c_str(), &fs) != 0) return std::nullopt;
  const uint64_t unit = fs.f_frsize != 0 ? fs.f_frsize : fs.f_bsize;
  return FilesystemStats{static_cast<uint64_t>(fs.f_blocks) * unit,
                         static_cast<uint64_t>(fs.f_bavail) * unit};
}

void FilesystemCollector::SetPath(std::string path) {
  absl::MutexLock lock(&mu_);
  path_ = std::move(path);
}

std::vector<prometheus::MetricFamily> FilesystemCollector::Collect() const {
  std::string path;
  {
    absl::MutexLock lock(&mu_);
    path = path_;
  }
  const std::optional<FilesystemStats> stats = ReadFilesystemStats(path);
  if (!stats) return {};
  return {Gauge("shopml_store_filesystem_size_bytes",
                "Size of the filesystem holding the store, in bytes.",
                static_cast<double>(stats->size_bytes)),
          Gauge("shopml_store_filesystem_avail_bytes",
                "Bytes available to the server on the filesystem holding "
                "the store.",
                static_cast<double>(stats->avail_bytes))};
}

}  // namespace shopml::server
