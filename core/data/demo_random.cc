#include "core/data/demo_random.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace shopml::core {
namespace {

// log(k!): a direct sum for small k, else Stirling's series for log Gamma(k+1)
// (error below 1e-10 from k = 10). Avoids std::lgamma, which writes a global.
double LogFactorial(double k) {
  if (k < 10) {
    double sum = 0;
    for (int i = 2; i <= k; ++i) sum += std::log(i);
    return sum;
  }
  const double x = k + 1;
  const double x2 = x * x;
  return (x - 0.5) * std::log(x) - x + 0.5 * std::log(2 * std::numbers::pi) +
         1 / (12 * x) - 1 / (360 * x * x2) + 1 / (1260 * x * x2 * x2);
}

}  // namespace

uint64_t MixBits(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

double HashNormal(uint64_t key) {
  const double u = 1 - static_cast<double>(MixBits(key) >> 11) * 0x1.0p-53;
  const double v =
      static_cast<double>(MixBits(key ^ 0x5851f42d4c957f2dULL) >> 11) *
      0x1.0p-53;
  return std::sqrt(-2 * std::log(u)) * std::cos(2 * std::numbers::pi * v);
}

DemoRandom::DemoRandom(uint64_t seed, uint64_t stream, uint64_t index)
    : engine_(MixBits(MixBits(MixBits(seed) ^ stream) ^ index)) {}

double DemoRandom::Uniform() {
  return static_cast<double>(engine_() >> 11) * 0x1.0p-53;
}

uint64_t DemoRandom::Below(uint64_t n) {
  // Rejection keeps every value equally likely.
  const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t x = engine_();
  while (x >= limit) x = engine_();
  return x % n;
}

double DemoRandom::Normal() {
  const double u = 1 - Uniform();  // (0, 1]: log stays finite.
  const double v = Uniform();
  return std::sqrt(-2 * std::log(u)) * std::cos(2 * std::numbers::pi * v);
}

int64_t DemoRandom::Poisson(double mean) {
  if (mean <= 0) return 0;
  if (mean < 10) {
    const double limit = std::exp(-mean);
    int64_t k = 0;
    double product = Uniform();
    while (product > limit) {
      ++k;
      product *= Uniform();
    }
    return k;
  }
  // Hormann (1993), "The transformed rejection method for generating Poisson
  // random variables", algorithm PTRS.
  const double log_mean = std::log(mean);
  const double b = 0.931 + 2.53 * std::sqrt(mean);
  const double a = -0.059 + 0.02483 * b;
  const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
  const double v_r = 0.9277 - 3.6224 / (b - 2);
  while (true) {
    const double u = Uniform() - 0.5;
    const double v = Uniform();
    const double us = 0.5 - std::abs(u);
    const double k = std::floor((2 * a / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= v_r) return static_cast<int64_t>(k);
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (std::log(v) + std::log(inv_alpha) - std::log(a / (us * us) + b) <=
        -mean + k * log_mean - LogFactorial(k)) {
      return static_cast<int64_t>(k);
    }
  }
}

size_t DemoRandom::Pick(absl::Span<const double> cumulative) {
  const double target = Uniform() * cumulative.back();
  const auto it =
      std::upper_bound(cumulative.begin(), cumulative.end(), target);
  return std::min(static_cast<size_t>(it - cumulative.begin()),
                  cumulative.size() - 1);
}

}  // namespace shopml::core
