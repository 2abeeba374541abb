// FilesystemCollector: size and free space of the filesystem holding one
// directory (the store's), read with statvfs(3) at each scrape:
//
//   shopml_store_filesystem_size_bytes    total size
//   shopml_store_filesystem_avail_bytes   space available to the server
//                                         (excludes blocks reserved for root)
//
// 1 - avail / size is how full the volume is, from the server's point of
// view: RocksDB writes fail once avail reaches 0. Without a directory, or
// when statvfs fails, the families are left out of the scrape.
//
// Thread safety: Collect and SetPath may be called concurrently.
#ifndef SHOPML_SERVER_FILESYSTEM_METRICS_H_
#define SHOPML_SERVER_FILESYSTEM_METRICS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"

namespace shopml::server {

struct FilesystemStats {
  uint64_t size_bytes = 0;
  uint64_t avail_bytes = 0;
};

// statvfs of `path`; nullopt when it fails (no such path).
std::optional<FilesystemStats> ReadFilesystemStats(const std::string& path);

class FilesystemCollector : public prometheus::Collectable {
 public:
  // The directory whose filesystem is reported; empty stops reporting.
  void SetPath(std::string path);

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  mutable absl::Mutex mu_;
  std::string path_ ABSL_GUARDED_BY(mu_);
};

}  // namespace shopml::server

#endif  // SHOPML_SERVER_FILESYSTEM_METRICS_H_
