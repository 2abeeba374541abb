#include "core/index/hnsw_format.h"

#include <bit>

#include "absl/strings/str_cat.h"
#include "core/index/hnsw_index.h"
#include "core/util/crc32c.h"

namespace shopml::core::hnsw_format {
namespace {

static_assert(std::endian::native == std::endian::little,
              "the index format is written in host byte order");

void AppendU64(std::string* out, uint64_t value) {
  out->append(reinterpret_cast<const char*>(&value), sizeof(value));
}

}  // namespace

absl::Status Corrupt(absl::string_view what) {
  return absl::DataLossError(absl::StrCat("HNSW index is corrupt: ", what));
}

std::string EncodeHeader(const Header& h) {
  std::string out;
  out.reserve(kHeaderSize);
  AppendU32(&out, kMagic);
  AppendU32(&out, kVersion);
  AppendU64(&out, h.num_items);
  AppendU32(&out, h.dim);
  AppendU32(&out, h.stored_dim);
  AppendU32(&out, h.transform);
  AppendU32(&out, h.m);
  AppendU32(&out, h.ef_construction);
  AppendU32(&out, h.ef_search);
  AppendU32(&out, h.max_level);
  AppendU32(&out, h.entry_point);
  AppendU64(&out, h.payload_size);
  AppendU32(&out, h.payload_crc);
  AppendU32(&out, Crc32c(out));
  return out;
}

absl::StatusOr<Header> DecodeHeader(absl::string_view bytes) {
  if (bytes.size() < kHeaderSize) {
    return Corrupt(absl::StrCat("truncated header (", bytes.size(), " bytes)"));
  }
  Reader r(bytes.substr(0, kHeaderSize));
  uint32_t magic = 0, version = 0, header_crc = 0;
  Header h;
  // Cannot fail: the reader holds exactly kHeaderSize bytes.
  r.ReadU32(&magic);
  r.ReadU32(&version);
  r.ReadU64(&h.num_items);
  r.ReadU32(&h.dim);
  r.ReadU32(&h.stored_dim);
  r.ReadU32(&h.transform);
  r.ReadU32(&h.m);
  r.ReadU32(&h.ef_construction);
  r.ReadU32(&h.ef_search);
  r.ReadU32(&h.max_level);
  r.ReadU32(&h.entry_point);
  r.ReadU64(&h.payload_size);
  r.ReadU32(&h.payload_crc);
  r.ReadU32(&header_crc);
  if (magic != kMagic) return Corrupt("bad magic (not an HNSW index)");
  if (Crc32c(bytes.substr(0, kHeaderSize - 4)) != header_crc) {
    return Corrupt("header checksum mismatch");
  }
  if (version != kVersion) {
    return absl::InvalidArgumentError(
        absl::StrCat("HNSW index: format version ", version,
                     " is not supported (this build reads ", kVersion, ")"));
  }
  if (h.payload_size != bytes.size() - kHeaderSize) {
    return Corrupt(absl::StrCat("payload is ", bytes.size() - kHeaderSize,
                                " bytes, header says ", h.payload_size));
  }
  // With both checksums right these fail only for a writer bug or crafted
  // bytes, but they are what keeps hnswlib within bounds.
  if (h.transform != static_cast<uint32_t>(MipsTransform::kNone) &&
      h.transform != static_cast<uint32_t>(MipsTransform::kAugment)) {
    return Corrupt("unknown transform");
  }
  const uint32_t extra =
      h.transform == static_cast<uint32_t>(MipsTransform::kAugment) ? 1 : 0;
  if (h.dim < 1 || h.dim > static_cast<uint32_t>(kMaxDim) ||
      h.stored_dim != h.dim + extra) {
    return Corrupt("bad dim");
  }
  if (h.m < 2 || h.m > static_cast<uint32_t>(kMaxM) || h.ef_construction < 1 ||
      h.ef_construction > static_cast<uint32_t>(kMaxEf) || h.ef_search < 1 ||
      h.ef_search > static_cast<uint32_t>(kMaxEf)) {
    return Corrupt("option out of range");
  }
  // Every item takes at least its vector and 12 bytes of node, which bounds
  // num_items, and so every allocation, by the input size.
  const uint64_t min_item_bytes = 4ull * h.stored_dim + 12;
  if (h.num_items > static_cast<uint64_t>(kMaxItems) ||
      h.num_items > h.payload_size / min_item_bytes) {
    return Corrupt("num_items does not fit the payload");
  }
  if (h.max_level > kMaxLevel ||
      (h.num_items > 0 && h.entry_point >= h.num_items)) {
    return Corrupt("bad entry point");
  }
  return h;
}

}  // namespace shopml::core::hnsw_format
