// The serialized form of an HnswIndex (core/index/hnsw_index.h): its
// grammar, limits, the header codec and a bounds-checked reader. Kept apart
// from hnsw_index.cc, which holds everything that touches hnswlib.
//
// All integers little-endian, floats IEEE-754 binary32 little-endian:
//
//   index   := header payload
//   header  := magic:u32 version:u32 num_items:u64 dim:u32 stored_dim:u32
//              transform:u32 m:u32 ef_construction:u32 ef_search:u32
//              max_level:u32 entry_point:u32 payload_size:u64
//              payload_crc:u32 header_crc:u32                   (64 bytes)
//   payload := vector[num_items] node[num_items]
//   vector  := f32[stored_dim]                   (the item as stored)
//   node    := label:u32 level:u32 links[level + 1]
//   links   := count:u32 neighbour:u32[count]    (layer 0 first)
//
// magic is "SHNW". Vectors and nodes are in hnswlib's internal id order; a
// neighbour is an internal id, a label the item id, and labels are a
// permutation of [0, num_items). stored_dim is dim, plus 1 for kAugment.
// payload_crc is the CRC-32C of the payload, header_crc that of the 60
// header bytes before it. Layer-0 lists hold at most 2 * m ids, upper ones
// at most m; a node at level L has lists for layers 0..L, and a layer-L
// neighbour is itself at level >= L.
//
// Thread safety: functions are pure; a Reader is not shared.
#ifndef SHOPML_CORE_INDEX_HNSW_FORMAT_H_
#define SHOPML_CORE_INDEX_HNSW_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace shopml::core::hnsw_format {

inline constexpr uint32_t kMagic = 0x574e4853;  // "SHNW" read little-endian.
inline constexpr uint32_t kVersion = 1;
inline constexpr size_t kHeaderSize = 64;

// Limits shared by HnswIndex::Build() and the reader. hnswlib keeps internal
// ids in 32-bit (in places signed) fields.
inline constexpr int64_t kMaxItems = std::numeric_limits<int32_t>::max() - 1;
inline constexpr int kMaxDim = 1 << 20;
inline constexpr int kMaxM = 256;
inline constexpr int kMaxEf = 1 << 16;
// Far above any real level (about ln(n) / ln(m)); bounds a corrupt header.
inline constexpr uint32_t kMaxLevel = 64;

struct Header {
  uint64_t num_items = 0;
  uint32_t dim = 0;
  uint32_t stored_dim = 0;
  uint32_t transform = 0;  // A MipsTransform.
  uint32_t m = 0;
  uint32_t ef_construction = 0;
  uint32_t ef_search = 0;
  uint32_t max_level = 0;
  uint32_t entry_point = 0;
  uint64_t payload_size = 0;
  uint32_t payload_crc = 0;
};

// The kHeaderSize bytes of `header`, header_crc included.
std::string EncodeHeader(const Header& header);

// Reads and checks the header of `bytes` (a whole serialized index): magic,
// header checksum, version, that the payload is exactly payload_size bytes,
// and that every field is in range and consistent, so that num_items is
// bounded by the input size. Does not check payload_crc. Returns DataLoss
// for corrupt bytes, InvalidArgument for another format version.
absl::StatusOr<Header> DecodeHeader(absl::string_view bytes);

// DataLoss("HNSW index is corrupt: <what>").
absl::Status Corrupt(absl::string_view what);

inline void AppendU32(std::string* out, uint32_t value) {
  out->append(reinterpret_cast<const char*>(&value), sizeof(value));
}

// Bounds-checked reads from a byte range; each returns false, consuming
// nothing, if too few bytes remain.
class Reader {
 public:
  explicit Reader(absl::string_view data) : data_(data) {}

  bool ReadU32(uint32_t* value) { return ReadBytes(value, sizeof(*value)); }
  bool ReadU64(uint64_t* value) { return ReadBytes(value, sizeof(*value)); }
  bool ReadBytes(void* out, size_t n) {
    if (data_.size() < n) return false;
    std::memcpy(out, data_.data(), n);
    data_.remove_prefix(n);
    return true;
  }
  bool Skip(uint64_t n) {
    if (data_.size() < n) return false;
    data_.remove_prefix(n);
    return true;
  }
  size_t remaining() const { return data_.size(); }

 private:
  absl::string_view data_;
};

}  // namespace shopml::core::hnsw_format

#endif  // SHOPML_CORE_INDEX_HNSW_FORMAT_H_
