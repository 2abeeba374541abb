// The on-disk encoding of a bundle's MANIFEST, self-checking because the
// manifest holds every other file's checksum but none of its own:
//
//   MANIFEST := magic      8 bytes, "SHOPMLMF"
//               length     fixed64, little-endian: size of payload
//               crc        fixed32, little-endian: CRC-32C of payload
//               payload    shopml.model.v1.Manifest, deterministic binary
//
// Thread safety: pure functions; safe from any thread.
#ifndef SHOPML_CORE_BUNDLE_MANIFEST_FILE_H_
#define SHOPML_CORE_BUNDLE_MANIFEST_FILE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "shopml/model/v1/manifest.pb.h"

namespace shopml::core {

std::string EncodeManifest(const model::v1::Manifest& manifest);

// DataLoss "MANIFEST: ..." when `contents` is not a MANIFEST as above (bad
// magic, wrong length, checksum mismatch, unparsable payload).
absl::StatusOr<model::v1::Manifest> DecodeManifest(absl::string_view contents);

// The manifest as indented JSON with proto field names, for MANIFEST.json.
// Internal when protobuf cannot print it.
absl::StatusOr<std::string> ManifestToJson(const model::v1::Manifest& manifest);

}  // namespace shopml::core

#endif  // SHOPML_CORE_BUNDLE_MANIFEST_FILE_H_
