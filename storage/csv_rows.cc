#include "storage/csv_rows.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "core/util/status_macros.h"
#include "storage/validation.h"

namespace shopml::storage {
namespace {

// The value quoted for an error message: escaped, at most 32 bytes.
std::string Quote(absl::string_view text) {
  return absl::StrCat("\"", absl::CHexEscape(text.substr(0, 32)),
                      text.size() > 32 ? "...\"" : "\"");
}

absl::Status Invalid(absl::string_view field, absl::string_view expected,
                     absl::string_view text) {
  return absl::InvalidArgumentError(
      absl::StrFormat("%s: must be %s, got %s", field, expected, Quote(text)));
}

// The value of an optional column; empty when the file lacks it.
absl::string_view Value(const std::vector<std::string>& fields,
                        const std::optional<size_t>& column) {
  return column.has_value() ? absl::string_view(fields[*column])
                            : absl::string_view();
}

absl::StatusOr<double> ParseNumber(absl::string_view field,
                                   absl::string_view text) {
  double value = 0;
  if (!absl::SimpleAtod(text, &value)) return Invalid(field, "a number", text);
  return value;
}

absl::StatusOr<EventKind> ParseEventType(absl::string_view text) {
  if (text == "view") return EventKind::kView;
  if (text == "add_to_cart") return EventKind::kAddToCart;
  if (text == "purchase") return EventKind::kPurchase;
  if (text == "rating") return EventKind::kRating;
  return Invalid("event_type", "view, add_to_cart, purchase or rating", text);
}

absl::StatusOr<int32_t> ParseStockStatus(absl::string_view text) {
  if (text.empty()) return 0;
  if (text == "in_stock") return 1;
  if (text == "out_of_stock") return 2;
  return Invalid("stock_status", "in_stock, out_of_stock or empty", text);
}

}  // namespace

absl::StatusOr<CsvRowParser> CsvRowParser::Create(CsvKind kind,
                                                  const CsvReader& reader,
                                                  int64_t now_micros) {
  CsvRowParser parser(kind, now_micros);
  std::vector<std::string> known;
  switch (kind) {
    case CsvKind::kItems: {
      SHOPML_ASSIGN_OR_RETURN(parser.id_, reader.RequireColumn("item_id"));
      parser.category_ = reader.FindColumn("category");
      parser.price_ = reader.FindColumn("price");
      parser.stock_status_ = reader.FindColumn("stock_status");
      parser.title_ = reader.FindColumn("title");
      known = {"item_id", "category", "price", "stock_status", "title"};
      break;
    }
    case CsvKind::kUsers: {
      SHOPML_ASSIGN_OR_RETURN(parser.id_, reader.RequireColumn("user_id"));
      known = {"user_id"};
      break;
    }
    case CsvKind::kEvents: {
      SHOPML_ASSIGN_OR_RETURN(parser.id_, reader.RequireColumn("user_id"));
      SHOPML_ASSIGN_OR_RETURN(parser.item_id_, reader.RequireColumn("item_id"));
      SHOPML_ASSIGN_OR_RETURN(parser.event_type_,
                              reader.RequireColumn("event_type"));
      SHOPML_ASSIGN_OR_RETURN(parser.timestamp_,
                              reader.RequireColumn("timestamp"));
      parser.rating_ = reader.FindColumn("rating");
      parser.quantity_ = reader.FindColumn("quantity");
      parser.recommendation_id_ = reader.FindColumn("recommendation_id");
      return parser;
    }
    case CsvKind::kSales: {
      SHOPML_ASSIGN_OR_RETURN(parser.id_, reader.RequireColumn("series_id"));
      SHOPML_ASSIGN_OR_RETURN(parser.date_, reader.RequireColumn("date"));
      SHOPML_ASSIGN_OR_RETURN(parser.quantity_,
                              reader.RequireColumn("quantity"));
      return parser;
    }
  }
  // Items and users: every column not named above is an attribute.
  for (size_t i = 0; i < reader.header().size(); ++i) {
    const std::string& name = reader.header()[i];
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      parser.attributes_.emplace_back(i, name);
    }
  }
  return parser;
}

absl::Status CsvRowParser::Parse(const std::vector<std::string>& fields,
                                 WriteBatchInput& batch) const {
  switch (kind_) {
    case CsvKind::kItems:
      return ParseItem(fields, batch);
    case CsvKind::kUsers:
      return ParseUser(fields, batch);
    case CsvKind::kEvents:
      return ParseEvent(fields, batch);
    case CsvKind::kSales:
      return ParseSale(fields, batch);
  }
  return absl::InternalError("unknown CSV kind");
}

absl::Status CsvRowParser::ParseItem(const std::vector<std::string>& fields,
                                     WriteBatchInput& batch) const {
  store::v1::ItemRecord item;
  item.set_item_id(fields[id_]);
  item.set_category(std::string(Value(fields, category_)));
  if (absl::string_view price = Value(fields, price_); !price.empty()) {
    SHOPML_ASSIGN_OR_RETURN(const double value, ParseNumber("price", price));
    item.set_price(value);
  }
  SHOPML_ASSIGN_OR_RETURN(const int32_t stock,
                          ParseStockStatus(Value(fields, stock_status_)));
  item.set_stock_status(stock);
  item.set_title(std::string(Value(fields, title_)));
  for (const auto& [column, name] : attributes_) {
    if (!fields[column].empty()) {
      (*item.mutable_attributes())[name] = fields[column];
    }
  }
  item.set_updated_at_micros(now_micros_);
  SHOPML_RETURN_IF_ERROR(ValidateItemRecord(item));
  batch.items.push_back(std::move(item));
  return absl::OkStatus();
}

absl::Status CsvRowParser::ParseUser(const std::vector<std::string>& fields,
                                     WriteBatchInput& batch) const {
  store::v1::UserRecord user;
  user.set_user_id(fields[id_]);
  for (const auto& [column, name] : attributes_) {
    if (!fields[column].empty()) {
      (*user.mutable_attributes())[name] = fields[column];
    }
  }
  user.set_updated_at_micros(now_micros_);
  SHOPML_RETURN_IF_ERROR(ValidateUserRecord(user));
  batch.users.push_back(std::move(user));
  return absl::OkStatus();
}

absl::Status CsvRowParser::ParseEvent(const std::vector<std::string>& fields,
                                      WriteBatchInput& batch) const {
  EventInput event;
  event.user_id = fields[id_];
  event.item_id = fields[*item_id_];
  SHOPML_ASSIGN_OR_RETURN(event.kind, ParseEventType(fields[*event_type_]));
  // No default: the import time would give every blank row of a batch the
  // same time, and a re-import new times, so the events would not replace
  // themselves.
  const std::string& time = fields[*timestamp_];
  if (time.empty()) {
    return absl::InvalidArgumentError(
        "timestamp: required, got an empty value");
  }
  SHOPML_ASSIGN_OR_RETURN(event.time_micros, ParseTimestamp("timestamp", time));
  if (event.kind == EventKind::kRating) {
    const absl::string_view rating = Value(fields, rating_);
    if (rating.empty()) {
      return absl::InvalidArgumentError(
          "rating: required for rating events, got an empty value");
    }
    SHOPML_ASSIGN_OR_RETURN(event.rating, ParseNumber("rating", rating));
  }
  if (absl::string_view quantity = Value(fields, quantity_);
      !quantity.empty() && !absl::SimpleAtoi(quantity, &event.quantity)) {
    return Invalid("quantity", "an integer", quantity);
  }
  event.recommendation_id = std::string(Value(fields, recommendation_id_));
  SHOPML_RETURN_IF_ERROR(ValidateEvent(event));
  batch.events.push_back(std::move(event));
  return absl::OkStatus();
}

absl::Status CsvRowParser::ParseSale(const std::vector<std::string>& fields,
                                     WriteBatchInput& batch) const {
  SaleInput sale;
  sale.series_id = fields[id_];
  SHOPML_ASSIGN_OR_RETURN(sale.day, ParseDate("date", fields[*date_]));
  SHOPML_ASSIGN_OR_RETURN(sale.quantity,
                          ParseNumber("quantity", fields[*quantity_]));
  SHOPML_RETURN_IF_ERROR(ValidateSale(sale));
  batch.sales.push_back(std::move(sale));
  return absl::OkStatus();
}

absl::StatusOr<int32_t> ParseDate(absl::string_view field,
                                  absl::string_view text) {
  const auto invalid = [&] {
    return Invalid(field, "a date YYYY-MM-DD in years 1900-9999", text);
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return invalid();
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) {
      return invalid();
    }
  }
  int year = 0, month = 0, day = 0;
  if (!absl::SimpleAtoi(text.substr(0, 4), &year) ||
      !absl::SimpleAtoi(text.substr(5, 2), &month) ||
      !absl::SimpleAtoi(text.substr(8, 2), &day)) {
    return invalid();
  }
  // CivilDay normalises out-of-range fields (Feb 30 becomes Mar 2), so a
  // changed field means the date does not exist.
  const absl::CivilDay civil(year, month, day);
  if (year < 1900 || civil.year() != year || civil.month() != month ||
      civil.day() != day) {
    return invalid();
  }
  return static_cast<int32_t>(civil - absl::CivilDay(1970, 1, 1));
}

absl::StatusOr<int64_t> ParseTimestamp(absl::string_view field,
                                       absl::string_view text) {
  const auto invalid = [&] {
    return Invalid(field,
                   "Unix seconds or RFC 3339 like 2026-01-31T12:00:00Z in "
                   "years 1900-9999",
                   text);
  };
  if (absl::StrContains(text, 'T') || absl::StrContains(text, 't')) {
    absl::Time time;
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, text, &time, &error) ||
        time < absl::FromUnixMicros(kMinTimeMicros) ||
        time > absl::FromUnixMicros(kMaxTimeMicros)) {
      return invalid();
    }
    return absl::ToUnixMicros(time);
  }
  // [-]digits[.digits], parsed exactly rather than through a double.
  absl::string_view rest = text;
  const bool negative = absl::ConsumePrefix(&rest, "-");
  const size_t dot = rest.find('.');
  const absl::string_view whole = rest.substr(0, dot);
  const absl::string_view fraction = dot == absl::string_view::npos
                                         ? absl::string_view()
                                         : rest.substr(dot + 1);
  const auto all_digits = [](absl::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) {
      return absl::ascii_isdigit(static_cast<unsigned char>(c));
    });
  };
  int64_t seconds = 0;
  if (whole.empty() || whole.size() > 12 || !all_digits(whole) ||
      !all_digits(fraction) ||
      (dot != absl::string_view::npos && fraction.empty()) ||
      !absl::SimpleAtoi(whole, &seconds)) {
    return invalid();
  }
  int64_t micros = 0;
  for (size_t i = 0; i < 6; ++i) {
    micros = micros * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
  }
  const int64_t magnitude = seconds * 1000000 + micros;
  const int64_t value = negative ? -magnitude : magnitude;
  if (value < kMinTimeMicros || value > kMaxTimeMicros) return invalid();
  return value;
}

}  // namespace shopml::storage
