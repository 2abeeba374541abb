// Table: rows of text printed in aligned columns for people to read, e.g.
//
//   rank  item    score   reason             category
//      1  I00042  0.9312  similar_to_recent  shoes
//
// Columns are separated by two spaces; each is as wide as its widest cell
// (counted in UTF-8 code points); numbers are usually right-aligned. No line
// has trailing spaces.
//
// Also the number and enum formatting shared by the CLI's tables.
//
// Thread safety: not thread-safe; build and print from one thread.
#ifndef SHOPML_CLIENT_TABLE_H_
#define SHOPML_CLIENT_TABLE_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace shopml::client {

class Table {
 public:
  enum class Align { kLeft, kRight };
  struct Column {
    std::string header;
    Align align = Align::kLeft;
  };

  explicit Table(std::vector<Column> columns);

  // Appends a row. Missing trailing cells print empty; extra cells are
  // dropped.
  void AddRow(std::vector<std::string> cells);

  size_t num_rows() const { return rows_.size(); }

  // The header line, then one line per row, each ending in '\n'.
  void Print(std::ostream& out) const;
  std::string ToString() const;

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

// Number of UTF-8 code points in `text` (its width in a terminal, for the
// scripts this table meets: Latin, Cyrillic, Greek).
size_t DisplayWidth(absl::string_view text);

// `value` with `decimals` digits after the point, e.g. FormatFixed(0.5, 4) is
// "0.5000".
std::string FormatFixed(double value, int decimals);

// A protobuf enum value name without its type prefix, in lower case:
// EnumLabel("REASON_SIMILAR_TO_RECENT", "REASON_") is "similar_to_recent".
// Names without the prefix are only lower-cased.
std::string EnumLabel(absl::string_view name, absl::string_view prefix);

}  // namespace shopml::client

#endif  // SHOPML_CLIENT_TABLE_H_
