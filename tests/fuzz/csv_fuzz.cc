// Fuzz target: the CSV files of `shopml import`. The first byte picks the file
// kind (items, users, events, sales); the rest is the file. Reading and parsing
// must end in OK or InvalidArgument, never a crash, and every row the parser
// accepts must pass the store's own validation.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/csv_import.h"
#include "storage/csv_reader.h"
#include "storage/csv_rows.h"
#include "tests/fuzz/batch_checks.h"
#include "tests/fuzz/fuzz_util.h"

namespace shopml::fuzz {
namespace {

constexpr storage::CsvKind kKinds[] = {
    storage::CsvKind::kItems, storage::CsvKind::kUsers,
    storage::CsvKind::kEvents, storage::CsvKind::kSales};
// 2026-01-31T12:00:00Z: a fixed import time keeps runs reproducible.
constexpr int64_t kNowMicros = 1769860800000000;

void CheckRejection(const absl::Status& status) {
  Check(status.code() == absl::StatusCode::kInvalidArgument,
        "a malformed file must be InvalidArgument: " + status.ToString());
}

void ParseFile(storage::CsvKind kind, absl::string_view contents) {
  absl::StatusOr<std::unique_ptr<storage::CsvReader>> reader =
      storage::CsvReader::Open(WriteScratchFile(contents));
  if (!reader.ok()) return CheckRejection(reader.status());
  absl::StatusOr<storage::CsvRowParser> parser =
      storage::CsvRowParser::Create(kind, **reader, kNowMicros);
  if (!parser.ok()) return CheckRejection(parser.status());
  std::vector<std::string> fields;
  storage::WriteBatchInput batch;
  while (true) {
    absl::StatusOr<bool> found = (*reader)->Next(fields);
    if (!found.ok()) return CheckRejection(found.status());
    if (!*found) break;
    Check(fields.size() == (*reader)->header().size(),
          "a record must have as many fields as the header");
    absl::Status parsed = parser->Parse(fields, batch);
    if (!parsed.ok()) CheckRejection(parsed);
  }
  CheckBatchIsStorable(batch);
}

}  // namespace
}  // namespace shopml::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const shopml::fuzz::SelectedInput input = shopml::fuzz::Select(data, size);
  shopml::fuzz::ParseFile(
      shopml::fuzz::kKinds[input.selector % std::size(shopml::fuzz::kKinds)],
      input.payload);
  return 0;
}
