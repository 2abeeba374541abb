#include "storage/csv_import.h"

#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/util/status_macros.h"
#include "storage/csv_reader.h"
#include "storage/csv_rows.h"
#include "storage/validation.h"

namespace shopml::storage {
namespace {

inline constexpr int kMaxBatchRows = 1000000;

// A progress line on stderr, rewritten in place ("\r"), at most ten times a
// second. Prints nothing when disabled.
class Progress {
 public:
  Progress(std::string path, bool enabled)
      : path_(std::move(path)), enabled_(enabled), start_(absl::Now()) {}
  ~Progress() {
    if (shown_) std::fputc('\n', stderr);
  }

  void Update(int64_t rows, uint64_t bytes, uint64_t total_bytes, bool last) {
    if (!enabled_) return;
    const absl::Time now = absl::Now();
    if (!last && now - last_shown_ < absl::Milliseconds(100)) return;
    last_shown_ = now;
    const double seconds = absl::ToDoubleSeconds(now - start_);
    const double rate = seconds > 0 ? rows / seconds : 0;
    const double fraction =
        total_bytes > 0 ? static_cast<double>(bytes) / total_bytes : 1;
    std::string line = absl::StrFormat("\r%s: %d rows, %.0f rows/s, %.0f%%",
                                       path_, rows, rate, 100 * fraction);
    if (!last && fraction > 0 && seconds > 0) {
      absl::StrAppendFormat(&line, ", ETA %.0fs",
                            seconds * (1 - fraction) / fraction);
    }
    // Pad to wipe a longer previous line.
    absl::StrAppend(&line, "        ");
    std::fputs(line.c_str(), stderr);
    std::fflush(stderr);
    shown_ = true;
  }

 private:
  const std::string path_;
  const bool enabled_;
  const absl::Time start_;
  absl::Time last_shown_ = absl::InfinitePast();
  bool shown_ = false;
};

absl::Status WithCommittedNote(const absl::Status& status, int64_t committed) {
  return absl::Status(
      status.code(),
      absl::StrFormat("%s (%d row%s in earlier batches %s committed)",
                      status.message(), committed, committed == 1 ? "" : "s",
                      committed == 1 ? "was" : "were"));
}

}  // namespace

absl::StatusOr<ImportStats> ImportCsv(Store& store, CsvKind kind,
                                      const std::string& path,
                                      const ImportOptions& options) {
  if (options.batch_rows < 1 || options.batch_rows > kMaxBatchRows) {
    return absl::InvalidArgumentError(
        absl::StrFormat("batch_rows: must be in [1, %d], got %d", kMaxBatchRows,
                        options.batch_rows));
  }
  const absl::Time start = absl::Now();
  const int64_t now_micros =
      options.now_micros != 0 ? options.now_micros : absl::ToUnixMicros(start);
  SHOPML_ASSIGN_OR_RETURN(std::unique_ptr<CsvReader> reader,
                          CsvReader::Open(path));
  SHOPML_ASSIGN_OR_RETURN(const CsvRowParser parser,
                          CsvRowParser::Create(kind, *reader, now_micros));
  Progress progress(path, options.progress && isatty(STDERR_FILENO) == 1);

  ImportStats stats;
  WriteBatchInput batch;
  int64_t rows_in_batch = 0;
  std::vector<std::string> fields;
  while (true) {
    absl::StatusOr<bool> found = reader->Next(fields);
    if (!found.ok()) return WithCommittedNote(found.status(), stats.rows);
    if (*found) {
      absl::Status parsed = parser.Parse(fields, batch);
      if (!parsed.ok()) {
        return WithCommittedNote(WithPrefix(parsed, reader->Location()),
                                 stats.rows);
      }
      ++rows_in_batch;
    }
    if (rows_in_batch == options.batch_rows || (!*found && rows_in_batch > 0)) {
      absl::StatusOr<WriteResult> written = store.Write(batch);
      if (!written.ok()) {
        return WithCommittedNote(
            WithPrefix(written.status(),
                       absl::StrCat(path, ": batch ending at line ",
                                    reader->line(), ": ")),
            stats.rows);
      }
      stats.rows += rows_in_batch;
      ++stats.batches;
      rows_in_batch = 0;
      batch = WriteBatchInput();
    }
    progress.Update(stats.rows, reader->bytes_read(), reader->file_size(),
                    /*last=*/!*found);
    if (!*found) break;
  }
  stats.seconds = absl::ToDoubleSeconds(absl::Now() - start);
  return stats;
}

}  // namespace shopml::storage
