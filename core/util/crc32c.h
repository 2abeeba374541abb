// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) in software, the
// checksum of model bundle files. Crc32c("123456789") == 0xE3069283.
//
// Thread safety: pure functions; safe from any thread.
#ifndef SHOPML_CORE_UTIL_CRC32C_H_
#define SHOPML_CORE_UTIL_CRC32C_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace shopml::core {

// The CRC-32C of `data`.
uint32_t Crc32c(absl::string_view data);

// The CRC-32C of A + `data`, where `crc` is the CRC-32C of A. Extending
// Crc32c("") == 0 gives Crc32c(data).
uint32_t ExtendCrc32c(uint32_t crc, absl::string_view data);

}  // namespace shopml::core

#endif  // SHOPML_CORE_UTIL_CRC32C_H_
