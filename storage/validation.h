// Validation of everything the store accepts, shared by Store::Write and the
// CSV import. Every check returns OK or InvalidArgument whose message starts
// with the field name it checks, e.g.
//
//   "quantity: must be >= 0, got -2"
//   "item_id: must be 1-128 bytes, got 0"
//
// Callers add where the entry came from with WithPrefix:
// "events[3]." + ... gives "events[3].quantity: must be >= 0, got -2";
// "events.csv:12: " + ... gives "events.csv:12: quantity: must be >= 0, ...".
//
// Thread safety: stateless functions; safe to call from any thread.
#ifndef SHOPML_STORAGE_VALIDATION_H_
#define SHOPML_STORAGE_VALIDATION_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "shopml/store/v1/records.pb.h"
#include "storage/store.h"

namespace shopml::storage {

// Longest item category and title, in bytes.
inline constexpr size_t kMaxCategoryBytes = 256;
inline constexpr size_t kMaxTitleBytes = 1024;
// Most attributes of one item or user, and longest attribute value in bytes.
// Attribute names follow the rules of external ids.
inline constexpr size_t kMaxAttributes = 64;
inline constexpr size_t kMaxAttributeValueBytes = 1024;
// Ratings lie in [0, kMaxRating].
inline constexpr double kMaxRating = 10;
// Sale days and event times lie in [1900-01-01, 9999-12-31], inclusive.
inline constexpr int32_t kMinDay = -25567;   // 1900-01-01
inline constexpr int32_t kMaxDay = 2932896;  // 9999-12-31
inline constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000000;
inline constexpr int64_t kMinTimeMicros = kMinDay * kMicrosPerDay;
inline constexpr int64_t kMaxTimeMicros = (kMaxDay + 1) * kMicrosPerDay - 1;

// An external id: 1..kMaxIdBytes bytes of valid UTF-8 with no control
// characters (U+0000-U+001F, U+007F-U+009F).
absl::Status ValidateId(absl::string_view field, absl::string_view id);
// Like ValidateId, but the empty string is accepted.
absl::Status ValidateOptionalId(absl::string_view field, absl::string_view id);
// Free text: valid UTF-8 of at most `max_bytes` bytes, with no control
// characters other than tab and newline.
absl::Status ValidateText(absl::string_view field, absl::string_view text,
                          size_t max_bytes);

// Whole entries of a WriteBatchInput. Field names are those of the record or
// struct ("item_id", "price", "attributes[color]", "time_micros", "day").
absl::Status ValidateItemRecord(const store::v1::ItemRecord& item);
absl::Status ValidateUserRecord(const store::v1::UserRecord& user);
absl::Status ValidateEvent(const EventInput& event);
absl::Status ValidateSale(const SaleInput& sale);

// `status` with `prefix` put before its message; OK stays OK.
absl::Status WithPrefix(const absl::Status& status, absl::string_view prefix);

}  // namespace shopml::storage

#endif  // SHOPML_STORAGE_VALIDATION_H_
