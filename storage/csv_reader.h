// CsvReader: reads an RFC 4180 CSV file record by record. Fields are
// separated by commas; records end with LF or CRLF; a field in double quotes
// may hold commas, line breaks and doubled quotes ("" for one "). The first
// record is the header, naming the columns; every later record must have as
// many fields. Blank lines are skipped and a leading UTF-8 byte order mark is
// ignored.
//
// Errors are InvalidArgument "<file>:<line>: <problem>", with the 1-based line
// on which the offending record starts.
//
// Thread safety: not thread-safe; use one reader per thread.
#ifndef SHOPML_STORAGE_CSV_READER_H_
#define SHOPML_STORAGE_CSV_READER_H_

#include <cstdint>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace shopml::storage {

// Longest record accepted, in bytes of the file (separators and quotes
// included): bounds the memory a malformed file (say, an unterminated quote)
// can take.
inline constexpr size_t kMaxCsvRecordBytes = 1 << 20;

class CsvReader {
 public:
  // Opens `path` and reads its header. Returns NotFound when the file cannot
  // be opened and InvalidArgument when the header is missing or has an empty
  // or repeated column name.
  static absl::StatusOr<std::unique_ptr<CsvReader>> Open(
      const std::string& path);

  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // Reads the next record into `fields`. Returns false at the end of the file.
  // A record with a field count other than the header's is InvalidArgument;
  // reading stops at the first field beyond the header's.
  absl::StatusOr<bool> Next(std::vector<std::string>& fields);

  // The column names, in file order.
  const std::vector<std::string>& header() const { return header_; }
  // Index of the column called `name`, or nullopt.
  std::optional<size_t> FindColumn(absl::string_view name) const;
  // Like FindColumn, but a missing column is InvalidArgument
  // "<file>:1: header: missing required column \"<name>\"".
  absl::StatusOr<size_t> RequireColumn(absl::string_view name) const;

  // The line on which the record last returned by Next() starts (1-based).
  int64_t line() const { return record_line_; }
  // "<file>:<line>: " for the last record, to put before error messages.
  std::string Location() const;
  const std::string& path() const { return path_; }
  // Bytes consumed so far and the size of the file, for progress reports.
  uint64_t bytes_read() const { return bytes_read_; }
  uint64_t file_size() const { return file_size_; }

 private:
  CsvReader(std::string path, uint64_t file_size);

  // Reads one record of at most `max_fields` fields (0: any number); false
  // at the end of the file.
  absl::StatusOr<bool> ReadRecord(std::vector<std::string>& fields,
                                  size_t max_fields);
  absl::Status Error(absl::string_view problem) const;
  int Get();   // The next byte, or -1 at the end.
  int Peek();  // The next byte without consuming it, or -1.

  std::string path_;
  std::ifstream in_;
  uint64_t file_size_ = 0;
  uint64_t bytes_read_ = 0;
  int64_t line_ = 1;  // Line of the next byte.
  int64_t record_line_ = 0;
  std::vector<std::string> header_;
};

}  // namespace shopml::storage

#endif  // SHOPML_STORAGE_CSV_READER_H_
