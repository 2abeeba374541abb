// The RPC a request_fuzz input is for: its first byte, modulo kNumRpcs. Shared
// by the fuzz target and the seed generator.
#ifndef SHOPML_TESTS_FUZZ_REQUEST_KINDS_H_
#define SHOPML_TESTS_FUZZ_REQUEST_KINDS_H_

#include <cstdint>

namespace shopml::fuzz {

enum class Rpc : uint8_t {
  kRecommend = 0,
  kSimilarItems,
  kScore,
  kForecast,
  kUpsertItems,
  kUpsertUsers,
  kRecordEvents,
  kRecordSales,
  kReloadModels,
  kListModels,
  kCreateCheckpoint,
};
inline constexpr int kNumRpcs = 11;

}  // namespace shopml::fuzz

#endif  // SHOPML_TESTS_FUZZ_REQUEST_KINDS_H_
