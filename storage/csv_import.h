// ImportCsv: loads one CSV file (RFC 4180, see csv_reader.h) into a Store in
// atomic batches.
//
// File formats. The first row names the columns, in any order; values are
// UTF-8. Empty optional values take the default shown.
//
//   items.csv   item_id       required, 1-128 bytes
//               category      optional text, at most 256 bytes    ("")
//               price         optional number >= 0                 (0)
//               stock_status  optional: in_stock | out_of_stock | empty
//               title         optional text, at most 1024 bytes   ("")
//               any other     an attribute named by the column; empty values
//                             are left out (at most 64 per item)
//   users.csv   user_id       required
//               any other     an attribute, as for items
//   events.csv  user_id       required
//               item_id       required
//               event_type    required: view | add_to_cart | purchase | rating
//               timestamp     required: Unix seconds, integer or
//                             fractional (1769860800.25), or RFC 3339
//                             (2026-01-31T12:00:00Z)
//               rating        number in [0, 10]; required for rating events,
//                             ignored for others
//               quantity      optional integer >= 0                (0)
//               recommendation_id  optional id                    ("")
//   sales.csv   series_id     required
//               date          required, YYYY-MM-DD (a calendar date)
//               quantity      required number >= 0
//
// Users and items seen first in events.csv get dense ids there, as by
// Store::Write. Re-importing a file with the same batch_rows is safe: records
// are overwritten and each event replaces itself. Equal event rows (same
// user, item, type and time, say two purchases in one second) within one
// batch are distinct events, the later stored 1 microsecond after the earlier
// (see Store::Write); equal rows in different batches are one event.
//
// Thread safety: ImportCsv may run beside other users of the same Store.
#ifndef SHOPML_STORAGE_CSV_IMPORT_H_
#define SHOPML_STORAGE_CSV_IMPORT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "storage/store.h"

namespace shopml::storage {

enum class CsvKind { kItems, kUsers, kEvents, kSales };

struct ImportOptions {
  // Rows per atomic Store::Write, in [1, 1000000]. Default: 10000.
  int batch_rows = 10000;
  // Show a progress line (rows, rows/s, percent of bytes, ETA) on stderr,
  // only when stderr is a terminal. Default: true.
  bool progress = true;
  // The updated_at of item and user records, in microseconds since the Unix
  // epoch; 0 means the time the import starts. Default: 0.
  int64_t now_micros = 0;
};

struct ImportStats {
  int64_t rows = 0;     // Rows committed.
  int64_t batches = 0;  // Store writes.
  double seconds = 0;   // Wall time of the import.
};

// Imports `path` as a file of `kind`. Each batch of options.batch_rows rows is
// parsed and validated in full, then written with one Store::Write, so a bad
// row rejects its whole batch and nothing of it is stored; batches before it
// stay committed. Returns:
//   NotFound         when the file cannot be opened;
//   InvalidArgument  "<file>:<line>: <field>: <problem> (N rows in earlier
//                    batches were committed)" for a malformed row, or
//                    "<file>:1: header: missing required column ..." ;
//   the Store's error when a write fails.
absl::StatusOr<ImportStats> ImportCsv(Store& store, CsvKind kind,
                                      const std::string& path,
                                      const ImportOptions& options);

}  // namespace shopml::storage

#endif  // SHOPML_STORAGE_CSV_IMPORT_H_
