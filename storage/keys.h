// Binary key encoding of the store: order-preserving, so that RocksDB's
// bytewise comparator sorts keys by their fields in order. Unsigned integers
// are big-endian; signed integers are big-endian with the sign bit flipped,
// so negative values sort before positive ones.
//
// Column families and their keys (BE32 / BE64: big-endian; SBE32 / SBE64:
// big-endian with the sign bit flipped):
//
//   meta        '\x00' name                -> store metadata; "schema_version"
//                                              holds a decimal string, e.g. "1"
//               'u' external user id       -> BE32 dense user id
//               'U' BE32 dense user id     -> external user id
//               'i' / 'I'                  -> the same for items
//               's' / 'S'                  -> the same for sales series
//   items       BE32 dense item id         -> store.v1.ItemRecord
//   users       BE32 dense user id         -> store.v1.UserRecord
//   events      BE32 user | SBE64 time_micros | BE32 item | uint8 type
//                                          -> store.v1.EventValue
//   item_events BE32 item | SBE64 time_micros | BE32 user | uint8 type
//                                          -> empty
//   sales       BE32 series | SBE32 day    -> float64, little-endian IEEE 754
//   vectors     (reserved for model vectors: kind | side | dense id)
//
// The first byte of a `meta` key says what it is. External ids are arbitrary
// bytes, so a key that is not an id map entry needs a tag of its own ('\x00',
// used by no IdKind): otherwise the series "chema_version" would be the key
// "schema_version".
//
// Dense ids of each kind are 0..n-1; the next id is n, the number of 'U' (or
// 'I', 'S') entries, so no counter is stored. An event is identified by its
// whole key: recording the same (user, time, item, type) again overwrites it
// (Store::Write moves events that are identical within one batch apart).
//
// Thread safety: stateless functions; safe to call from any thread.
#ifndef SHOPML_STORAGE_KEYS_H_
#define SHOPML_STORAGE_KEYS_H_

#include <array>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace shopml::storage {

// Column family names.
inline constexpr char kMetaFamily[] = "meta";
inline constexpr char kItemsFamily[] = "items";
inline constexpr char kUsersFamily[] = "users";
inline constexpr char kEventsFamily[] = "events";
inline constexpr char kItemEventsFamily[] = "item_events";
inline constexpr char kSalesFamily[] = "sales";
inline constexpr char kVectorsFamily[] = "vectors";
// Every family the store uses, in a fixed order (RocksDB's "default" family
// is opened besides them and left empty).
inline constexpr std::array<const char*, 7> kFamilies = {
    kMetaFamily,       kItemsFamily, kUsersFamily,  kEventsFamily,
    kItemEventsFamily, kSalesFamily, kVectorsFamily};

// The schema version this build writes, and the newest it can read.
inline constexpr int kSchemaVersion = 1;

// The three id spaces of the `meta` family. The value is the tag of the
// forward map ('u'); the reverse map uses the upper-case tag ('U').
enum class IdKind : char { kUser = 'u', kItem = 'i', kSeries = 's' };

// Tag of the `meta` keys that are not id map entries.
inline constexpr char kMetaKeyTag = '\0';

// meta: the key of the store metadata entry `name` (kMetaKeyTag + name).
// Every `meta` key that is not an id map entry must be made here.
std::string MetaKey(absl::string_view name);
// MetaKey("schema_version").
std::string SchemaVersionKey();

// Appends fixed-width encodings to `dst`.
void PutBigEndian32(std::string* dst, uint32_t value);
void PutBigEndian64(std::string* dst, uint64_t value);
void PutOrderedInt32(std::string* dst, int32_t value);
void PutOrderedInt64(std::string* dst, int64_t value);

// Decode a fixed-width value at the front of `*input` and advance past it.
// Return false, leaving `*input` unchanged, when it is too short.
bool GetBigEndian32(absl::string_view* input, uint32_t* value);
bool GetBigEndian64(absl::string_view* input, uint64_t* value);
bool GetOrderedInt32(absl::string_view* input, int32_t* value);
bool GetOrderedInt64(absl::string_view* input, int64_t* value);

// meta: forward ('u' + external id) and reverse ('U' + BE32) id map keys, and
// the prefix of all reverse keys of a kind.
std::string ForwardIdKey(IdKind kind, absl::string_view external_id);
std::string ReverseIdKey(IdKind kind, uint32_t dense_id);
std::string ReverseIdPrefix(IdKind kind);
// Decodes a reverse id key of `kind`; false when `key` is not one.
bool DecodeReverseIdKey(IdKind kind, absl::string_view key, uint32_t* dense_id);

// items, users; also the value of forward id map entries.
std::string DenseIdKey(uint32_t dense_id);
bool DecodeDenseIdKey(absl::string_view key, uint32_t* dense_id);

// The parts of an `events` or `item_events` key. In `events` `owner` is the
// user and `other` the item; in `item_events` the reverse.
struct EventKeyParts {
  uint32_t owner = 0;
  int64_t time_micros = 0;
  uint32_t other = 0;
  uint8_t type = 0;
};

// Length of an event key: 4 + 8 + 4 + 1 bytes.
inline constexpr size_t kEventKeyBytes = 17;

std::string EventKey(const EventKeyParts& parts);
// False when `key` is not kEventKeyBytes long.
bool DecodeEventKey(absl::string_view key, EventKeyParts* parts);
// The first 4 bytes of every event key of `owner`.
std::string EventOwnerPrefix(uint32_t owner);

// sales.
std::string SaleKey(uint32_t series, int32_t day);
bool DecodeSaleKey(absl::string_view key, uint32_t* series, int32_t* day);
std::string SaleSeriesPrefix(uint32_t series);

// A sales quantity: 8 bytes, little-endian IEEE 754 binary64.
std::string EncodeDouble(double value);
// False when `input` is not exactly 8 bytes.
bool DecodeDouble(absl::string_view input, double* value);

}  // namespace shopml::storage

#endif  // SHOPML_STORAGE_KEYS_H_
