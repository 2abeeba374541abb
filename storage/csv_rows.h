// CsvRowParser: turns the records of one CSV file of a given kind (formats in
// csv_import.h) into WriteBatchInput entries, each parsed and validated as
// Store::Write would. Also the value parsers the formats share.
//
// Errors are InvalidArgument "<field>: <problem>", the field named by its CSV
// column; the caller puts the file and line before them.
//
// Thread safety: a CsvRowParser is immutable after Create; safe to share.
#ifndef SHOPML_STORAGE_CSV_ROWS_H_
#define SHOPML_STORAGE_CSV_ROWS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/csv_import.h"
#include "storage/csv_reader.h"
#include "storage/store.h"

namespace shopml::storage {

class CsvRowParser {
 public:
  // Finds the columns of `kind` in the reader's header. Returns
  // InvalidArgument naming a required column the header lacks.
  static absl::StatusOr<CsvRowParser> Create(CsvKind kind,
                                             const CsvReader& reader,
                                             int64_t now_micros);

  // Parses one record (as many fields as the header) and appends its entry
  // to `batch`; on error `batch` is unchanged.
  absl::Status Parse(const std::vector<std::string>& fields,
                     WriteBatchInput& batch) const;

 private:
  CsvRowParser(CsvKind kind, int64_t now_micros)
      : kind_(kind), now_micros_(now_micros) {}

  absl::Status ParseItem(const std::vector<std::string>& fields,
                         WriteBatchInput& batch) const;
  absl::Status ParseUser(const std::vector<std::string>& fields,
                         WriteBatchInput& batch) const;
  absl::Status ParseEvent(const std::vector<std::string>& fields,
                          WriteBatchInput& batch) const;
  absl::Status ParseSale(const std::vector<std::string>& fields,
                         WriteBatchInput& batch) const;

  CsvKind kind_;
  int64_t now_micros_;
  // Column indexes: `id_` is item_id, user_id or series_id by kind; optional
  // columns the file lacks are nullopt.
  size_t id_ = 0;
  std::optional<size_t> category_, price_, stock_status_, title_;
  std::optional<size_t> item_id_, event_type_, timestamp_, rating_, quantity_,
      recommendation_id_;
  std::optional<size_t> date_;
  // (column, attribute name) of the columns that become attributes.
  std::vector<std::pair<size_t, std::string>> attributes_;
};

// "YYYY-MM-DD", a calendar date in years 1900-9999, as days since 1970-01-01.
absl::StatusOr<int32_t> ParseDate(absl::string_view field,
                                  absl::string_view text);

// Unix seconds ("1769860800", "1769860800.25", "-12.5") or RFC 3339
// ("2026-01-31T12:00:00Z", "2026-01-31T13:00:00.5+01:00"), in years
// 1900-9999, as microseconds since the Unix epoch. Digits beyond microseconds
// are dropped.
absl::StatusOr<int64_t> ParseTimestamp(absl::string_view field,
                                       absl::string_view text);

}  // namespace shopml::storage

#endif  // SHOPML_STORAGE_CSV_ROWS_H_
