// SimdLevel: the widest vector instruction set the hot kernels of core/index
// (the exact scan, the dot products of the HNSW graph) may use on this CPU.
//
// The library is compiled for the x86-64 baseline (SSE2), so one binary runs on
// any x86-64 machine. The kernels that pay for it are compiled a second and
// third time with __attribute__((target(...))) for AVX2+FMA and AVX-512F, and
// the caller picks a version with ActiveSimdLevel(). Other architectures get
// the portable kernels only.
//
// ActiveSimdLevel() reads CPUID (via __builtin_cpu_supports, which also checks
// that the OS saves the wide registers) once. The environment variable
// SHOPML_SIMD=baseline|avx2|avx512, read at the same time, lowers the level:
// benchmarks use it to compare kernels, and it is the way out should a wide
// kernel misbehave on some CPU. A value above what the CPU supports is ignored.
//
// Thread safety: safe to call from any thread.
#ifndef SHOPML_CORE_INDEX_SIMD_H_
#define SHOPML_CORE_INDEX_SIMD_H_

#include "absl/strings/string_view.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define SHOPML_INDEX_X86_KERNELS 1
#define SHOPML_TARGET_AVX2 __attribute__((target("avx2,fma")))
#define SHOPML_TARGET_AVX512 __attribute__((target("avx512f")))
#else
#define SHOPML_INDEX_X86_KERNELS 0
#endif

namespace shopml::core {

enum class SimdLevel {
  kBaseline,  // SSE2 on x86-64; plain C++ elsewhere.
  kAvx2,      // AVX2 and FMA (x86-64-v3).
  kAvx512,    // AVX-512F.
};

// The level the index kernels use in this process; constant after first call.
SimdLevel ActiveSimdLevel();

// "baseline", "avx2" or "avx512".
absl::string_view SimdLevelName(SimdLevel level);

}  // namespace shopml::core

#endif  // SHOPML_CORE_INDEX_SIMD_H_
