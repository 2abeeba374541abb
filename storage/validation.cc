#include "storage/validation.h"

#include <cmath>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/util/status_macros.h"

namespace shopml::storage {
namespace {

// Decodes one UTF-8 sequence at `text[*pos]` and advances `*pos`. Returns
// false for malformed input: bad lead or continuation bytes, truncation,
// overlong forms, surrogates, and code points above U+10FFFF.
bool DecodeUtf8(absl::string_view text, size_t* pos, char32_t* code_point) {
  const unsigned char lead = static_cast<unsigned char>(text[*pos]);
  if (lead < 0x80) {
    *code_point = lead;
    ++*pos;
    return true;
  }
  size_t length = 0;
  char32_t min = 0;
  char32_t value = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2, min = 0x80, value = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, min = 0x800, value = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, min = 0x10000, value = lead & 0x07;
  } else {
    return false;
  }
  if (*pos + length > text.size()) return false;
  for (size_t i = 1; i < length; ++i) {
    const unsigned char next = static_cast<unsigned char>(text[*pos + i]);
    if ((next & 0xC0) != 0x80) return false;
    value = (value << 6) | (next & 0x3F);
  }
  if (value < min || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
    return false;
  }
  *code_point = value;
  *pos += length;
  return true;
}

bool IsControl(char32_t c) { return c < 0x20 || (c >= 0x7F && c <= 0x9F); }

absl::Status CheckCharacters(absl::string_view field, absl::string_view text,
                             bool allow_tab_newline) {
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t start = pos;
    char32_t c = 0;
    if (!DecodeUtf8(text, &pos, &c)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: must be valid UTF-8, bad byte at offset %d", field, start));
    }
    if (IsControl(c) && !(allow_tab_newline && (c == '\t' || c == '\n'))) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: must not contain control characters, found U+%04X at offset %d",
          field, static_cast<uint32_t>(c), start));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateNonNegative(absl::string_view field, double value) {
  if (!std::isfinite(value)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: must be finite, got %g", field, value));
  }
  if (value < 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: must be >= 0, got %g", field, value));
  }
  return absl::OkStatus();
}

absl::Status ValidateAttributes(
    const google::protobuf::Map<std::string, std::string>& attributes) {
  if (attributes.size() > kMaxAttributes) {
    return absl::InvalidArgumentError(
        absl::StrFormat("attributes: must hold at most %d entries, got %d",
                        kMaxAttributes, attributes.size()));
  }
  for (const auto& [name, value] : attributes) {
    SHOPML_RETURN_IF_ERROR(ValidateId("attribute name", name));
    SHOPML_RETURN_IF_ERROR(ValidateText(absl::StrCat("attributes[", name, "]"),
                                        value, kMaxAttributeValueBytes));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateId(absl::string_view field, absl::string_view id) {
  if (id.empty() || id.size() > kMaxIdBytes) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: must be 1-%d bytes, got %d", field, kMaxIdBytes, id.size()));
  }
  return CheckCharacters(field, id, /*allow_tab_newline=*/false);
}

absl::Status ValidateOptionalId(absl::string_view field, absl::string_view id) {
  if (id.empty()) return absl::OkStatus();
  return ValidateId(field, id);
}

absl::Status ValidateText(absl::string_view field, absl::string_view text,
                          size_t max_bytes) {
  if (text.size() > max_bytes) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: must be at most %d bytes, got %d", field, max_bytes, text.size()));
  }
  return CheckCharacters(field, text, /*allow_tab_newline=*/true);
}

absl::Status ValidateItemRecord(const store::v1::ItemRecord& item) {
  SHOPML_RETURN_IF_ERROR(ValidateId("item_id", item.item_id()));
  SHOPML_RETURN_IF_ERROR(
      ValidateText("category", item.category(), kMaxCategoryBytes));
  SHOPML_RETURN_IF_ERROR(ValidateNonNegative("price", item.price()));
  if (item.stock_status() < 0 || item.stock_status() > 2) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "stock_status: must be 0 (unknown), 1 (in stock) or 2 (out of "
        "stock), got %d",
        item.stock_status()));
  }
  SHOPML_RETURN_IF_ERROR(ValidateText("title", item.title(), kMaxTitleBytes));
  return ValidateAttributes(item.attributes());
}

absl::Status ValidateUserRecord(const store::v1::UserRecord& user) {
  SHOPML_RETURN_IF_ERROR(ValidateId("user_id", user.user_id()));
  return ValidateAttributes(user.attributes());
}

absl::Status ValidateEvent(const EventInput& event) {
  SHOPML_RETURN_IF_ERROR(ValidateId("user_id", event.user_id));
  SHOPML_RETURN_IF_ERROR(ValidateId("item_id", event.item_id));
  const int kind = static_cast<int>(event.kind);
  if (kind < static_cast<int>(EventKind::kView) ||
      kind > static_cast<int>(EventKind::kRating)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "kind: must be 1 (view), 2 (add to cart), 3 (purchase) or 4 "
        "(rating), got %d",
        kind));
  }
  if (event.time_micros < kMinTimeMicros ||
      event.time_micros > kMaxTimeMicros) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "time_micros: must lie in years 1900-9999, got %d", event.time_micros));
  }
  if (!std::isfinite(event.rating) || event.rating < 0 ||
      event.rating > kMaxRating) {
    return absl::InvalidArgumentError(
        absl::StrFormat("rating: must be finite and in [0, %g], got %g",
                        kMaxRating, event.rating));
  }
  if (event.quantity < 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("quantity: must be >= 0, got %d", event.quantity));
  }
  return ValidateOptionalId("recommendation_id", event.recommendation_id);
}

absl::Status ValidateSale(const SaleInput& sale) {
  SHOPML_RETURN_IF_ERROR(ValidateId("series_id", sale.series_id));
  if (sale.day < kMinDay || sale.day > kMaxDay) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "day: must be in [%d, %d] (1900-01-01 to 9999-12-31), got %d", kMinDay,
        kMaxDay, sale.day));
  }
  return ValidateNonNegative("quantity", sale.quantity);
}

absl::Status WithPrefix(const absl::Status& status, absl::string_view prefix) {
  if (status.ok()) return status;
  return absl::Status(status.code(), absl::StrCat(prefix, status.message()));
}

}  // namespace shopml::storage
