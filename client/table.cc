#include "client/table.h"

#include <algorithm>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"

namespace shopml::client {
namespace {

void PrintLine(const std::vector<Table::Column>& columns,
               const std::vector<size_t>& widths,
               const std::vector<std::string>& cells, std::ostream& out) {
  std::string line;
  for (size_t c = 0; c < columns.size(); ++c) {
    const std::string empty;
    const std::string& cell = c < cells.size() ? cells[c] : empty;
    const std::string pad(widths[c] - DisplayWidth(cell), ' ');
    if (c > 0) line += "  ";
    if (columns[c].align == Table::Align::kRight) {
      line += pad;
      line += cell;
    } else {
      line += cell;
      line += pad;
    }
  }
  line.erase(line.find_last_not_of(' ') + 1);
  out << line << '\n';
}

}  // namespace

Table::Table(std::vector<Column> columns) : columns_(std::move(columns)) {}

void Table::AddRow(std::vector<std::string> cells) {
  cells.resize(std::min(cells.size(), columns_.size()));
  rows_.push_back(std::move(cells));
}

void Table::Print(std::ostream& out) const {
  std::vector<size_t> widths(columns_.size());
  std::vector<std::string> headers;
  for (size_t c = 0; c < columns_.size(); ++c) {
    widths[c] = DisplayWidth(columns_[c].header);
    headers.push_back(columns_[c].header);
  }
  for (const std::vector<std::string>& row : rows_) {
    for (size_t c = 0; c < row.size(); ++c) {
      widths[c] = std::max(widths[c], DisplayWidth(row[c]));
    }
  }
  PrintLine(columns_, widths, headers, out);
  for (const std::vector<std::string>& row : rows_) {
    PrintLine(columns_, widths, row, out);
  }
}

std::string Table::ToString() const {
  std::ostringstream out;
  Print(out);
  return out.str();
}

size_t DisplayWidth(absl::string_view text) {
  size_t width = 0;
  for (char c : text) {
    // Continuation bytes (10xxxxxx) belong to the code point before them.
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++width;
  }
  return width;
}

std::string FormatFixed(double value, int decimals) {
  return absl::StrFormat("%.*f", decimals, value);
}

std::string EnumLabel(absl::string_view name, absl::string_view prefix) {
  if (absl::StartsWith(name, prefix)) name.remove_prefix(prefix.size());
  return absl::AsciiStrToLower(name);
}

}  // namespace shopml::client
