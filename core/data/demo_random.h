// DemoRandom: the random source of the demo shop generator. Built on
// std::mt19937_64, whose output the C++ standard fixes, with its own
// distributions (the standard library's distributions differ between
// implementations), so a seed gives the same numbers on every platform with
// IEEE doubles and a correctly rounding math library.
//
// Thread safety: not thread-safe; use one instance per thread.
#ifndef SHOPML_CORE_DATA_DEMO_RANDOM_H_
#define SHOPML_CORE_DATA_DEMO_RANDOM_H_

#include <cstdint>
#include <random>

#include "absl/types/span.h"

namespace shopml::core {

// The independent random streams of the demo shop, one per part.
enum DemoStream : uint64_t {
  kDemoCatalogStream = 1,
  kDemoSegmentStream = 2,
  kDemoUserStream = 3,
  kDemoEventStream = 4,
  kDemoSalesCategoryStream = 5,
  kDemoSalesStream = 6,
  kDemoAffinityStream = 7,
};

class DemoRandom {
 public:
  // A generator for `stream` under `seed`: distinct (seed, stream, index)
  // triples give independent-looking sequences, so each part of the shop
  // draws from its own stream and does not shift when another part changes.
  DemoRandom(uint64_t seed, uint64_t stream, uint64_t index = 0);

  // Uniform in [0, 1), 53 random bits.
  double Uniform();
  // Uniform integer in [0, n). REQUIRES: n >= 1.
  uint64_t Below(uint64_t n);
  bool Bernoulli(double p) { return Uniform() < p; }
  // Standard normal (Box-Muller, one value per call).
  double Normal();
  // Poisson with mean `mean` >= 0: multiplication for small means, Hormann's
  // transformed rejection (PTRS) from 10 up.
  int64_t Poisson(double mean);
  // Index i with probability weights[i] / sum, given `cumulative` sums of the
  // weights (ascending, last > 0).
  size_t Pick(absl::Span<const double> cumulative);

 private:
  std::mt19937_64 engine_;
};

// SplitMix64 finaliser: a well-mixed 64-bit hash of `x`.
uint64_t MixBits(uint64_t x);

// A standard normal value fixed by `key` (Box-Muller on two hashes of it):
// for values looked up again and again rather than drawn in sequence.
double HashNormal(uint64_t key);

}  // namespace shopml::core

#endif  // SHOPML_CORE_DATA_DEMO_RANDOM_H_
