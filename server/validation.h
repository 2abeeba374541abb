// Request validation shared by the gRPC services. Every check returns OK or
// InvalidArgument whose message starts with the field path it was given, e.g.
//
//   "item_ids[3]: must be 1-128 bytes, got 0"
//   "k: must be in [1, 1000], got 0"
//   "events[2].quantity: must be >= 0, got -1"
//
// Callers build the path (FieldPath helps) and chain the checks with
// SHOPML_RETURN_IF_ERROR, so the first invalid field names the request.
//
// Thread safety: stateless free functions; safe to call from any thread.
#ifndef SHOPML_SERVER_VALIDATION_H_
#define SHOPML_SERVER_VALIDATION_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/repeated_field.h"
#include "google/protobuf/timestamp.pb.h"
#include "storage/validation.h"

namespace shopml::server {

// Longest external id (user, item, series), in bytes.
inline constexpr size_t kMaxIdLength = storage::kMaxIdBytes;
// How far into the future an event timestamp may lie.
inline constexpr absl::Duration kMaxClockSkew = absl::Hours(1);

// "events[2]" from ("events", 2); "events[2].quantity" from ("events", 2,
// "quantity").
std::string FieldPath(absl::string_view field, int index);
std::string FieldPath(absl::string_view field, int index,
                      absl::string_view subfield);

// Ids and free text follow the store's rules (storage/validation.h): an id
// is 1..kMaxIdLength bytes of valid UTF-8 without control characters; text
// is valid UTF-8 of at most `max_bytes` bytes, tab and newline allowed.
using storage::ValidateId;
using storage::ValidateOptionalId;
using storage::ValidateText;
// Longest category, in bytes: Item.category and ItemFilter.categories.
using storage::kMaxCategoryBytes;

// `value` in [lo, hi]: "k: must be in [1, 1000], got 0".
absl::Status ValidateRange(absl::string_view field, int64_t value, int64_t lo,
                           int64_t hi);
// Finite `value` in [lo, hi]; NaN and infinities are rejected.
absl::Status ValidateFiniteRange(absl::string_view field, double value,
                                 double lo, double hi);
// Finite and >= 0.
absl::Status ValidateNonNegative(absl::string_view field, double value);

// A repeated field's size in [min_count, max_count]:
// "items: must hold 1 to 10000 entries, got 0".
absl::Status ValidateCount(absl::string_view field, size_t count,
                           size_t min_count, size_t max_count);

// Every element of a repeated id field passes ValidateId and the field holds
// at most `max_count` entries; errors name "field[i]".
absl::Status ValidateIdList(
    absl::string_view field,
    const google::protobuf::RepeatedPtrField<std::string>& ids,
    size_t max_count);

// A calendar date "YYYY-MM-DD" (proleptic Gregorian, years 1970-9999).
// Returns days since 1970-01-01.
absl::StatusOr<int32_t> ParseDate(absl::string_view field,
                                  absl::string_view date);

// An event time: unset (seconds == 0 and nanos == 0) means `now`; otherwise
// it must be a valid Timestamp (nanos in [0, 1e9), not before 1970) and not
// later than now + kMaxClockSkew. Returns microseconds since the Unix epoch.
absl::StatusOr<int64_t> ValidateEventTime(
    absl::string_view field, const google::protobuf::Timestamp& timestamp,
    absl::Time now);

}  // namespace shopml::server

#endif  // SHOPML_SERVER_VALIDATION_H_
