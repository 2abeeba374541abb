#include "core/bundle/manifest_file.h"

#include <climits>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "core/util/crc32c.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/util/json_util.h"

namespace shopml::core {
namespace {

constexpr absl::string_view kMagic = "SHOPMLMF";
constexpr size_t kHeaderSize = 8 + 8 + 4;

void AppendLittleEndian(uint64_t value, int bytes, std::string& out) {
  for (int b = 0; b < bytes; ++b) {
    out.push_back(static_cast<char>((value >> (8 * b)) & 0xFF));
  }
}

uint64_t ReadLittleEndian(absl::string_view in, int bytes) {
  uint64_t value = 0;
  for (int b = 0; b < bytes; ++b) {
    value |= static_cast<uint64_t>(static_cast<uint8_t>(in[b])) << (8 * b);
  }
  return value;
}

absl::Status Corrupt(absl::string_view what) {
  return absl::DataLossError(absl::StrCat("MANIFEST: ", what));
}

}  // namespace

std::string EncodeManifest(const model::v1::Manifest& manifest) {
  std::string payload;
  {
    google::protobuf::io::StringOutputStream stream(&payload);
    google::protobuf::io::CodedOutputStream coded(&stream);
    // Map fields (metrics, parameters) otherwise serialise in hash order.
    coded.SetSerializationDeterministic(true);
    manifest.SerializeToCodedStream(&coded);
  }
  std::string out(kMagic);
  AppendLittleEndian(payload.size(), 8, out);
  AppendLittleEndian(Crc32c(payload), 4, out);
  out += payload;
  return out;
}

absl::StatusOr<model::v1::Manifest> DecodeManifest(absl::string_view contents) {
  if (contents.size() < kHeaderSize || contents.substr(0, 8) != kMagic) {
    return Corrupt("not a manifest (bad magic or too short)");
  }
  const uint64_t length = ReadLittleEndian(contents.substr(8), 8);
  const uint32_t crc =
      static_cast<uint32_t>(ReadLittleEndian(contents.substr(16), 4));
  const absl::string_view payload = contents.substr(kHeaderSize);
  if (length != payload.size()) {
    return Corrupt(absl::StrCat("payload is ", payload.size(),
                                " bytes, header says ", length));
  }
  if (Crc32c(payload) != crc) return Corrupt("checksum mismatch");
  if (payload.size() > static_cast<size_t>(INT32_MAX)) {
    return Corrupt("payload larger than 2 GiB");
  }
  model::v1::Manifest manifest;
  if (!manifest.ParseFromArray(payload.data(),
                               static_cast<int>(payload.size()))) {
    return Corrupt("payload does not parse");
  }
  return manifest;
}

absl::StatusOr<std::string> ManifestToJson(
    const model::v1::Manifest& manifest) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string json;
  const auto status =
      google::protobuf::util::MessageToJsonString(manifest, &json, options);
  if (!status.ok()) {
    return absl::InternalError(
        absl::StrCat("MANIFEST.json: ", status.ToString()));
  }
  return json;
}

}  // namespace shopml::core
