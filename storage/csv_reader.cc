#include "storage/csv_reader.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/util/status_macros.h"

namespace shopml::storage {

absl::StatusOr<std::unique_ptr<CsvReader>> CsvReader::Open(
    const std::string& path) {
  std::error_code error;
  const uint64_t size = std::filesystem::file_size(path, error);
  std::unique_ptr<CsvReader> reader(new CsvReader(path, error ? 0 : size));
  reader->in_.open(path, std::ios::binary);
  if (!reader->in_.is_open()) {
    return absl::NotFoundError(
        absl::StrCat(path, ": cannot open: ", std::strerror(errno)));
  }
  char bom[3] = {};
  reader->in_.read(bom, sizeof(bom));
  if (reader->in_.gcount() == 3 && std::memcmp(bom, "\xEF\xBB\xBF", 3) == 0) {
    reader->bytes_read_ = 3;
  } else {
    reader->in_.clear();
    reader->in_.seekg(0);
  }

  std::vector<std::string> header;
  SHOPML_ASSIGN_OR_RETURN(const bool found,
                          reader->ReadRecord(header, /*max_fields=*/0));
  if (!found) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ":1: header: the file is empty; a header row is required"));
  }
  absl::flat_hash_set<std::string> seen;
  for (size_t i = 0; i < header.size(); ++i) {
    std::string name(absl::StripAsciiWhitespace(header[i]));
    if (name.empty()) {
      return reader->Error(
          absl::StrFormat("header: column %d has no name", i + 1));
    }
    if (!seen.insert(name).second) {
      return reader->Error(
          absl::StrFormat("header: column \"%s\" appears twice", name));
    }
    reader->header_.push_back(std::move(name));
  }
  return reader;
}

CsvReader::CsvReader(std::string path, uint64_t file_size)
    : path_(std::move(path)), file_size_(file_size) {}

absl::StatusOr<bool> CsvReader::Next(std::vector<std::string>& fields) {
  SHOPML_ASSIGN_OR_RETURN(const bool found, ReadRecord(fields, header_.size()));
  if (found && fields.size() != header_.size()) {
    return Error(absl::StrFormat("expected %d fields as in the header, got %d",
                                 header_.size(), fields.size()));
  }
  return found;
}

std::optional<size_t> CsvReader::FindColumn(absl::string_view name) const {
  auto it = std::find(header_.begin(), header_.end(), name);
  if (it == header_.end()) return std::nullopt;
  return static_cast<size_t>(it - header_.begin());
}

absl::StatusOr<size_t> CsvReader::RequireColumn(absl::string_view name) const {
  if (std::optional<size_t> column = FindColumn(name)) return *column;
  return absl::InvalidArgumentError(absl::StrFormat(
      "%s:1: header: missing required column \"%s\"", path_, name));
}

std::string CsvReader::Location() const {
  return absl::StrCat(path_, ":", record_line_, ": ");
}

absl::Status CsvReader::Error(absl::string_view problem) const {
  return absl::InvalidArgumentError(absl::StrCat(Location(), problem));
}

int CsvReader::Get() {
  const int c = in_.rdbuf()->sbumpc();
  if (c == std::char_traits<char>::eof()) return -1;
  ++bytes_read_;
  // A line break is LF, CRLF (counted at its LF) or a lone CR.
  if (c == '\n' || (c == '\r' && Peek() != '\n')) ++line_;
  return c;
}

int CsvReader::Peek() {
  const int c = in_.rdbuf()->sgetc();
  return c == std::char_traits<char>::eof() ? -1 : c;
}

absl::StatusOr<bool> CsvReader::ReadRecord(std::vector<std::string>& fields,
                                           size_t max_fields) {
  fields.clear();
  // Skip blank lines.
  for (int c = Peek(); c == '\n' || c == '\r'; c = Peek()) Get();
  if (Peek() == -1) return false;

  record_line_ = line_;
  // Every byte consumed counts, not only field content: a line of commas
  // holds no content but costs a std::string per field.
  const uint64_t record_start = bytes_read_;
  const auto check_size = [&]() -> absl::Status {
    if (bytes_read_ - record_start > kMaxCsvRecordBytes) {
      return Error(
          absl::StrFormat("record longer than %d bytes", kMaxCsvRecordBytes));
    }
    return absl::OkStatus();
  };
  std::string field;
  const auto append = [&](int c) -> absl::Status {
    SHOPML_RETURN_IF_ERROR(check_size());
    field.push_back(static_cast<char>(c));
    return absl::OkStatus();
  };
  // Consumes the end of a line after the last field: LF, CRLF, CR or EOF.
  const auto end_line = [&] {
    if (Get() == '\r' && Peek() == '\n') Get();
  };

  while (true) {
    field.clear();
    if (Peek() == '"') {
      Get();
      while (true) {
        const int c = Get();
        if (c == -1) return Error("quoted field is not closed before the end");
        if (c == '"') {
          if (Peek() != '"') break;
          Get();
        }
        SHOPML_RETURN_IF_ERROR(append(c));
      }
      const int next = Peek();
      if (next != ',' && next != '\n' && next != '\r' && next != -1) {
        return Error(
            "a closing quote must be followed by a comma or the end of the "
            "line");
      }
    } else {
      for (int c = Peek(); c != ',' && c != '\n' && c != '\r' && c != -1;
           c = Peek()) {
        if (c == '"') {
          return Error(
              "quote inside an unquoted field; quote the whole field and "
              "double the quote");
        }
        SHOPML_RETURN_IF_ERROR(append(Get()));
      }
    }
    fields.push_back(field);
    if (Peek() == ',') {
      Get();
      if (fields.size() == max_fields) {
        return Error(absl::StrFormat(
            "expected %d fields as in the header, got %d or more", max_fields,
            max_fields + 1));
      }
      SHOPML_RETURN_IF_ERROR(check_size());
      continue;
    }
    end_line();
    return true;
  }
}

}  // namespace shopml::storage
