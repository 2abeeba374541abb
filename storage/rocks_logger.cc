#include "storage/rocks_logger.h"

#include <cstdarg>
#include <cstdio>
#include <utility>

#include "absl/strings/str_cat.h"
#include "storage/rocks_status.h"

namespace shopml::storage {
namespace {

const char* LevelName(rocksdb::InfoLogLevel level) {
  switch (level) {
    case rocksdb::InfoLogLevel::WARN_LEVEL:
      return "WARN";
    case rocksdb::InfoLogLevel::ERROR_LEVEL:
      return "ERROR";
    case rocksdb::InfoLogLevel::FATAL_LEVEL:
      return "FATAL";
    default:
      return "INFO";
  }
}

class ForwardingLogger : public rocksdb::LoggerWrapper {
 public:
  ForwardingLogger(std::shared_ptr<rocksdb::Logger> file, RocksWarningSink sink)
      : rocksdb::LoggerWrapper(file.get()),
        file_(std::move(file)),
        sink_(std::move(sink)) {}

  using rocksdb::LoggerWrapper::Logv;

  void Logv(const rocksdb::InfoLogLevel level, const char* format,
            va_list ap) override {
    if (level < rocksdb::InfoLogLevel::WARN_LEVEL ||
        level == rocksdb::InfoLogLevel::HEADER_LEVEL) {
      rocksdb::LoggerWrapper::Logv(level, format, ap);
      return;
    }
    va_list copy;
    va_copy(copy, ap);
    char buffer[1024];
    std::vsnprintf(buffer, sizeof(buffer), format, copy);
    va_end(copy);
    rocksdb::LoggerWrapper::Logv(level, format, ap);
    sink_(absl::StrCat("[", LevelName(level), "] ", buffer));
  }

 private:
  std::shared_ptr<rocksdb::Logger> file_;  // Kept alive for the wrapper.
  RocksWarningSink sink_;
};

}  // namespace

absl::StatusOr<std::shared_ptr<rocksdb::Logger>> NewForwardingLogger(
    const std::string& path, const rocksdb::DBOptions& options,
    RocksWarningSink sink) {
  std::shared_ptr<rocksdb::Logger> file;
  const rocksdb::Status status =
      rocksdb::CreateLoggerFromOptions(path, options, &file);
  if (!status.ok()) {
    return ToStatus(status, absl::StrCat("create the LOG of store at ", path));
  }
  return std::make_shared<ForwardingLogger>(std::move(file), std::move(sink));
}

}  // namespace shopml::storage
