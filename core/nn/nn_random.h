// The random numbers of the neural net's training (initial weights, hold-out,
// batch order, dropout): SplitMix64, so a seed gives the same draws on every
// platform and standard library.
//
// Thread safety: a Random is not safe to share; give each thread its own.
#ifndef SHOPML_CORE_NN_NN_RANDOM_H_
#define SHOPML_CORE_NN_NN_RANDOM_H_

#include <cmath>
#include <cstdint>

namespace shopml::core::nn_internal {

class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  // A stream of its own for each (seed, a, b), e.g. (seed, step, shard).
  Random(uint64_t seed, uint64_t a, uint64_t b)
      : state_(Mix(Mix(seed ^ Mix(a)) ^ Mix(b + 0x632be59bd9b4e019ULL))) {}

  uint64_t Next() { return Mix(state_ += 0x9e3779b97f4a7c15ULL); }
  // Uniform in [0, 1).
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1p-53; }
  float UnitFloat() { return static_cast<float>(Next() >> 40) * 0x1p-24f; }
  // Uniform in [0, n). REQUIRES: n > 0.
  uint64_t Below(uint64_t n) { return Next() % n; }
  // Standard normal (Box-Muller).
  double Normal() {
    const double u = 1 - Unit();  // (0, 1]: log(u) is finite.
    return std::sqrt(-2 * std::log(u)) * std::cos(6.283185307179586 * Unit());
  }

 private:
  static uint64_t Mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  uint64_t state_;
};

}  // namespace shopml::core::nn_internal

#endif  // SHOPML_CORE_NN_NN_RANDOM_H_
