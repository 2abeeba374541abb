#include "core/data/csv_writer.h"

#include <cerrno>
#include <utility>

#include "absl/strings/str_cat.h"

namespace shopml::core {
namespace {

constexpr size_t kFlushBytes = size_t{4} << 20;

bool NeedsQuotes(absl::string_view text) {
  return text.find_first_of(",\"\r\n") != absl::string_view::npos;
}

}  // namespace

absl::StatusOr<CsvWriter> CsvWriter::Open(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) {
    return absl::ErrnoToStatus(errno, absl::StrCat("open ", path));
  }
  CsvWriter writer(path, file);
  writer.buffer_.reserve(kFlushBytes + 4096);
  return writer;
}

void CsvWriter::Separate() {
  if (row_started_) buffer_.push_back(',');
  row_started_ = true;
}

void CsvWriter::Add(absl::string_view text) {
  if (!NeedsQuotes(text)) {
    AddPlain(text);
    return;
  }
  Separate();
  buffer_.push_back('"');
  for (char c : text) {
    if (c == '"') buffer_.push_back('"');
    buffer_.push_back(c);
  }
  buffer_.push_back('"');
}

void CsvWriter::AddPlain(absl::string_view text) {
  Separate();
  buffer_.append(text.data(), text.size());
}

void CsvWriter::AddInt(int64_t value) {
  Separate();
  absl::StrAppend(&buffer_, value);
}

void CsvWriter::EndRow() {
  buffer_.push_back('\n');
  row_started_ = false;
  FlushIfFull();
}

void CsvWriter::FlushIfFull() {
  if (buffer_.size() >= kFlushBytes) Flush();
}

void CsvWriter::Flush() {
  if (std::fwrite(buffer_.data(), 1, buffer_.size(), file_.get()) !=
          buffer_.size() &&
      write_errno_ == 0) {
    write_errno_ = errno != 0 ? errno : EIO;
  }
  buffer_.clear();
}

absl::Status CsvWriter::Close() {
  if (file_ == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("close ", path_, ": already closed"));
  }
  Flush();
  if (std::fclose(file_.release()) != 0 && write_errno_ == 0) {
    write_errno_ = errno != 0 ? errno : EIO;
  }
  if (write_errno_ != 0) {
    return absl::ErrnoToStatus(write_errno_, absl::StrCat("write ", path_));
  }
  return absl::OkStatus();
}

}  // namespace shopml::core
