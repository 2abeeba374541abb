// CsvWriter: writes one RFC 4180 CSV file (comma separated, "\n" line ends,
// a field quoted when it holds a comma, quote, CR or LF, quotes doubled)
// through a large in-memory buffer, so millions of rows cost few system calls.
//
//   SHOPML_ASSIGN_OR_RETURN(CsvWriter writer, CsvWriter::Open(path));
//   writer.Add("item_id");
//   writer.Add("title");
//   writer.EndRow();
//   SHOPML_RETURN_IF_ERROR(writer.Close());
//
// Thread safety: not thread-safe.
#ifndef SHOPML_CORE_DATA_CSV_WRITER_H_
#define SHOPML_CORE_DATA_CSV_WRITER_H_

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace shopml::core {

class CsvWriter {
 public:
  // Creates or truncates `path`. Returns the system error (NotFound,
  // PermissionDenied, ...) naming the path when it cannot be opened.
  static absl::StatusOr<CsvWriter> Open(const std::string& path);

  CsvWriter(CsvWriter&&) = default;
  CsvWriter& operator=(CsvWriter&&) = default;

  // Appends a field, quoted if needed.
  void Add(absl::string_view text);
  // Appends a field known to need no quoting (numbers, dates, plain ids).
  void AddPlain(absl::string_view text);
  void AddInt(int64_t value);
  // Appends an empty field.
  void AddEmpty() { AddPlain(""); }
  // Ends the current row.
  void EndRow();

  // Writes what is buffered and closes the file. Returns the system error
  // naming the path when any write or the close failed, FailedPrecondition
  // when already closed.
  absl::Status Close();

 private:
  struct FileCloser {
    void operator()(std::FILE* file) const { std::fclose(file); }
  };

  CsvWriter(std::string path, std::FILE* file)
      : path_(std::move(path)), file_(file) {}

  void Separate();
  void FlushIfFull();
  void Flush();

  std::string path_;
  std::unique_ptr<std::FILE, FileCloser> file_;
  std::string buffer_;
  bool row_started_ = false;
  int write_errno_ = 0;  // The first write error.
};

}  // namespace shopml::core

#endif  // SHOPML_CORE_DATA_CSV_WRITER_H_
