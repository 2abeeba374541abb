// Dot products of float vectors with the widest kernel ActiveSimdLevel()
// allows (core/index/simd.h): the distance of the HNSW graph and the per-item
// scoring of its exact fallback. (ExactIndex has its own blocked kernel, which
// scores 16 items at once without horizontal sums.)
//
// The result depends on the kernel: each sums in its own order (and the wide
// ones use FMA), so kernels agree to float rounding, not bit for bit. Within a
// process the kernel is fixed, so results are reproducible.
//
// Thread safety: pure functions; safe from any thread.
#ifndef SHOPML_CORE_INDEX_DOT_PRODUCT_H_
#define SHOPML_CORE_INDEX_DOT_PRODUCT_H_

#include <cstddef>

namespace shopml::core {

// <a, b> over n floats. Any alignment.
using DotProductFn = float (*)(const float* a, const float* b, size_t n);

// -<a, b>, where a and b point to floats and n to a size_t count: the
// signature of hnswlib::DISTFUNC<float>, so it can be handed to hnswlib.
using NegativeDotDistanceFn = float (*)(const void* a, const void* b,
                                        const void* n);

// The kernels for ActiveSimdLevel(). Look them up once and keep the pointer:
// each call below is then a single indirect call.
DotProductFn ActiveDotProduct();
NegativeDotDistanceFn ActiveNegativeDotDistance();

}  // namespace shopml::core

#endif  // SHOPML_CORE_INDEX_DOT_PRODUCT_H_
