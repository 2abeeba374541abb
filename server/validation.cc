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

std::string FieldPath(absl::string_view field, int index) {
  return absl::StrCat(field, "[", index, "]");
}

std::string FieldPath(absl::string_view field, int index,
                      absl::string_view subfield) {
  return absl::StrCat(field, "[", index, "].", subfield);
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
