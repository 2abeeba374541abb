#include "core/index/simd.h"

#include <cstdlib>
#include <string_view>

namespace shopml::core {
namespace {

SimdLevel DetectSimdLevel() {
  SimdLevel level = SimdLevel::kBaseline;
#if SHOPML_INDEX_X86_KERNELS
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    level = SimdLevel::kAvx2;
    if (__builtin_cpu_supports("avx512f")) level = SimdLevel::kAvx512;
  }
#endif
  const char* cap = std::getenv("SHOPML_SIMD");
  if (cap == nullptr) return level;
  SimdLevel requested = level;
  const std::string_view name(cap);
  if (name == "baseline") {
    requested = SimdLevel::kBaseline;
  } else if (name == "avx2") {
    requested = SimdLevel::kAvx2;
  } else if (name == "avx512") {
    requested = SimdLevel::kAvx512;
  }
  return requested < level ? requested : level;
}

}  // namespace

SimdLevel ActiveSimdLevel() {
  static const SimdLevel level = DetectSimdLevel();
  return level;
}

absl::string_view SimdLevelName(SimdLevel level) {
  switch (level) {
    case SimdLevel::kBaseline:
      return "baseline";
    case SimdLevel::kAvx2:
      return "avx2";
    case SimdLevel::kAvx512:
      return "avx512";
  }
  return "unknown";
}

}  // namespace shopml::core
