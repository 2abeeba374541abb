#include "server/validation.h"

#include <cmath>
#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"

namespace shopml::server {
namespace {

// Decodes one UTF-8 sequence at `text[*pos]`, advancing `*pos`. Returns false
// for malformed input: bad lead or continuation bytes, overlong forms,
// surrogates and code points above U+10FFFF.
bool DecodeUtf8(absl::string_view text, size_t* pos, char32_t* code_point) {
  const auto byte = [&](size_t i) {
    return static_cast<unsigned char>(text[i]);
  };
  const unsigned char lead = byte(*pos);
  int length = 0;
  char32_t min = 0;
  if (lead < 0x80) {
    *code_point = lead;
    ++*pos;
    return true;
  } else if ((lead & 0xE0) == 0xC0) {
    length = 2;
    min = 0x80;
    *code_point = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    min = 0x800;
    *code_point = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    min = 0x10000;
    *code_point = lead & 0x07;
  } else {
    return false;
  }
  if (*pos + length > text.size()) return false;
  for (int i = 1; i < length; ++i) {
    const unsigned char next = byte(*pos + i);
    if ((next & 0xC0) != 0x80) return false;
    *code_point = (*code_point << 6) | (next & 0x3F);
  }
  if (*code_point < min || *code_point > 0x10FFFF ||
      (*code_point >= 0xD800 && *code_point <= 0xDFFF)) {
    return false;
  }
  *pos += length;
  return true;
}

bool IsControl(char32_t c) { return c < 0x20 || (c >= 0x7F && c <= 0x9F); }

// Checks UTF-8 validity and control characters (`allow_whitespace` permits
// tab and newline).
absl::Status CheckCharacters(absl::string_view field, absl::string_view text,
                             bool allow_whitespace) {
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t start = pos;
    char32_t c = 0;
    if (!DecodeUtf8(text, &pos, &c)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: must be valid UTF-8, bad byte at offset %d", field, start));
    }
    if (IsControl(c) && !(allow_whitespace && (c == '\t' || c == '\n'))) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: must not contain control characters, found "
                          "U+%04X at offset %d",
                          field, static_cast<uint32_t>(c), start));
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::string FieldPath(absl::string_view field, int index) {
  return absl::StrCat(field, "[", index, "]");
}

std::string FieldPath(absl::string_view field, int index,
                      absl::string_view subfield) {
  return absl::StrCat(field, "[", index, "].", subfield);
}

absl::Status ValidateId(absl::string_view field, absl::string_view id) {
  if (id.empty() || id.size() > kMaxIdLength) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: must be 1-%d bytes, got %d", field, kMaxIdLength, id.size()));
  }
  return CheckCharacters(field, id, /*allow_whitespace=*/false);
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
  return CheckCharacters(field, text, /*allow_whitespace=*/true);
}

absl::Status ValidateRange(absl::string_view field, int64_t value, int64_t lo,
                           int64_t hi) {
  if (value < lo || value > hi) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: must be in [%d, %d], got %d", field, lo, hi, value));
  }
  return absl::OkStatus();
}

absl::Status ValidateFiniteRange(absl::string_view field, double value,
                                 double lo, double hi) {
  if (!std::isfinite(value) || value < lo || value > hi) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: must be finite and in [%g, %g], got %g", field, lo, hi, value));
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

absl::Status ValidateCount(absl::string_view field, size_t count,
                           size_t min_count, size_t max_count) {
  if (count < min_count || count > max_count) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: must hold %d to %d entries, got %d", field,
                        min_count, max_count, count));
  }
  return absl::OkStatus();
}

absl::Status ValidateIdList(
    absl::string_view field,
    const google::protobuf::RepeatedPtrField<std::string>& ids,
    size_t max_count) {
  if (static_cast<size_t>(ids.size()) > max_count) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: must hold at most %d entries, got %d", field,
                        max_count, ids.size()));
  }
  for (int i = 0; i < ids.size(); ++i) {
    absl::Status status = ValidateId(FieldPath(field, i), ids[i]);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::StatusOr<int32_t> ParseDate(absl::string_view field,
                                  absl::string_view date) {
  const auto invalid = [&] {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: must be a date YYYY-MM-DD, got \"%s\"", field,
                        absl::CHexEscape(date.substr(0, 32))));
  };
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return invalid();
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(date[i]))) {
      return invalid();
    }
  }
  int year = 0, month = 0, day = 0;
  if (!absl::SimpleAtoi(date.substr(0, 4), &year) ||
      !absl::SimpleAtoi(date.substr(5, 2), &month) ||
      !absl::SimpleAtoi(date.substr(8, 2), &day)) {
    return invalid();
  }
  // CivilDay normalises out-of-range fields (Feb 30 -> Mar 2); a round trip
  // that changes any field means the date does not exist.
  const absl::CivilDay civil(year, month, day);
  if (year < 1970 || civil.year() != year || civil.month() != month ||
      civil.day() != day) {
    return invalid();
  }
  return static_cast<int32_t>(civil - absl::CivilDay(1970, 1, 1));
}

absl::StatusOr<int64_t> ValidateEventTime(
    absl::string_view field, const google::protobuf::Timestamp& timestamp,
    absl::Time now) {
  if (timestamp.seconds() == 0 && timestamp.nanos() == 0) {
    return absl::ToUnixMicros(now);
  }
  if (timestamp.nanos() < 0 || timestamp.nanos() >= 1000000000 ||
      timestamp.seconds() < 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: must be a valid time after 1970-01-01, got seconds=%d nanos=%d",
        field, timestamp.seconds(), timestamp.nanos()));
  }
  // FromUnixSeconds saturates, so absurd values compare as the far future.
  const absl::Time time = absl::FromUnixSeconds(timestamp.seconds()) +
                          absl::Nanoseconds(timestamp.nanos());
  if (time > now + kMaxClockSkew) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: must not be more than 1 hour in the future, got %s", field,
        absl::FormatTime(time, absl::UTCTimeZone())));
  }
  return absl::ToUnixMicros(time);
}

}  // namespace shopml::server
