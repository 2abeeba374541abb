#include "core/index/dot_product.h"

#include <cstring>

#include "core/index/simd.h"

namespace shopml::core {
namespace {

// See exact_index.cc: vector-extension types one register wide, lowered to
// the instruction set of the function the kernel is inlined into.
typedef float Vec4 __attribute__((vector_size(16)));
typedef float Vec8 __attribute__((vector_size(32)));
typedef float Vec16 __attribute__((vector_size(64)));

#define SHOPML_ALWAYS_INLINE inline __attribute__((always_inline))

// a[i] * b[i] for one vector's worth of lanes, by unaligned loads. (Takes
// the result by reference: returning a wide vector from a function compiled
// for the baseline would change the ABI, which GCC warns about.)
template <typename Vec>
SHOPML_ALWAYS_INLINE void MulInto(Vec& out, const float* a, const float* b) {
  Vec x, y;
  std::memcpy(&x, a, sizeof(Vec));
  std::memcpy(&y, b, sizeof(Vec));
  out += x * y;
}

// Four independent accumulators hide the add (or FMA) latency; a float sum
// may not be reordered by the compiler, so the reassociation is written out.
template <typename Vec>
SHOPML_ALWAYS_INLINE float DotImpl(const float* a, const float* b, size_t n) {
  constexpr size_t kLanes = sizeof(Vec) / sizeof(float);
  Vec acc0 = {}, acc1 = {}, acc2 = {}, acc3 = {};
  size_t i = 0;
  for (; i + 4 * kLanes <= n; i += 4 * kLanes) {
    MulInto(acc0, a + i, b + i);
    MulInto(acc1, a + i + kLanes, b + i + kLanes);
    MulInto(acc2, a + i + 2 * kLanes, b + i + 2 * kLanes);
    MulInto(acc3, a + i + 3 * kLanes, b + i + 3 * kLanes);
  }
  for (; i + kLanes <= n; i += kLanes) {
    MulInto(acc0, a + i, b + i);
  }
  const Vec acc = (acc0 + acc1) + (acc2 + acc3);
  float lanes[kLanes];
  std::memcpy(lanes, &acc, sizeof(Vec));
#pragma GCC unroll 8
  for (size_t width = kLanes / 2; width > 0; width /= 2) {
#pragma GCC unroll 8
    for (size_t l = 0; l < width; ++l) lanes[l] += lanes[l + width];
  }
  float sum = lanes[0];
  for (; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

float DotBaseline(const float* a, const float* b, size_t n) {
  return DotImpl<Vec4>(a, b, n);
}
float NegativeDotBaseline(const void* a, const void* b, const void* n) {
  return -DotImpl<Vec4>(static_cast<const float*>(a),
                        static_cast<const float*>(b),
                        *static_cast<const size_t*>(n));
}

#if SHOPML_INDEX_X86_KERNELS
SHOPML_TARGET_AVX2 float DotAvx2(const float* a, const float* b, size_t n) {
  return DotImpl<Vec8>(a, b, n);
}
SHOPML_TARGET_AVX2 float NegativeDotAvx2(const void* a, const void* b,
                                         const void* n) {
  return -DotImpl<Vec8>(static_cast<const float*>(a),
                        static_cast<const float*>(b),
                        *static_cast<const size_t*>(n));
}
SHOPML_TARGET_AVX512 float DotAvx512(const float* a, const float* b, size_t n) {
  return DotImpl<Vec16>(a, b, n);
}
SHOPML_TARGET_AVX512 float NegativeDotAvx512(const void* a, const void* b,
                                             const void* n) {
  return -DotImpl<Vec16>(static_cast<const float*>(a),
                         static_cast<const float*>(b),
                         *static_cast<const size_t*>(n));
}
#endif

}  // namespace

DotProductFn ActiveDotProduct() {
#if SHOPML_INDEX_X86_KERNELS
  switch (ActiveSimdLevel()) {
    case SimdLevel::kAvx512:
      return &DotAvx512;
    case SimdLevel::kAvx2:
      return &DotAvx2;
    case SimdLevel::kBaseline:
      break;
  }
#endif
  return &DotBaseline;
}

NegativeDotDistanceFn ActiveNegativeDotDistance() {
#if SHOPML_INDEX_X86_KERNELS
  switch (ActiveSimdLevel()) {
    case SimdLevel::kAvx512:
      return &NegativeDotAvx512;
    case SimdLevel::kAvx2:
      return &NegativeDotAvx2;
    case SimdLevel::kBaseline:
      break;
  }
#endif
  return &NegativeDotBaseline;
}

}  // namespace shopml::core
