// Implicit ALS (core/cf/implicit_als.h): seconds per training iteration (a
// user sweep and an item sweep; the confidence matrix is built once, outside
// the timing) and the latency of folding in one user.
//
//   ninja -C build als_bench && build/bench/als_bench
//   build/bench/als_bench --benchmark_filter=Demo   # the 500k-event case only
//
// BM_AlsIterationDemo trains on the default demo shop (5k users, 2k items,
// 500k events). BM_AlsIterationSynthetic/<events>/<users>/<items> draws
// events with a skewed item popularity (item = items * u^2 for uniform u),
// 80 % views, 12 % carts, 8 % purchases; the 20M-event case needs about
// 1.5 GB and runs one iteration.
#include <time.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <random>
#include <vector>

#include "benchmark/benchmark.h"
#include "core/cf/implicit_als.h"
#include "core/cf/implicit_als_trainer.h"
#include "core/data/demo_generator.h"

namespace shopml::core {
namespace {

Interactions SyntheticData(int64_t num_events, uint32_t num_users,
                           uint32_t num_items) {
  std::mt19937_64 rng(1);
  Interactions data;
  data.num_users = num_users;
  data.num_items = num_items;
  data.events.resize(num_events);
  for (Interaction& e : data.events) {
    const uint64_t bits = rng();
    e.user = static_cast<uint32_t>((bits >> 32) % num_users);
    const double u = static_cast<double>(bits & 0xFFFFFF) * 0x1p-24;
    e.item = static_cast<uint32_t>(num_items * u * u);
    const uint32_t t = static_cast<uint32_t>((bits >> 24) & 0xFF) % 100;
    e.type = t < 80   ? EventType::kView
             : t < 92 ? EventType::kAddToCart
                      : EventType::kPurchase;
  }
  return data;
}

double ProcessCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) +
         1e-9 * static_cast<double>(ts.tv_nsec);
}

const Interactions& DemoData() {
  static const Interactions* data = [] {
    DemoOptions options;
    options.sales_days = 1;  // Sales are not used here.
    absl::StatusOr<DemoShop> shop = GenerateDemoShop(options);
    if (!shop.ok()) std::abort();
    return new Interactions(DemoInteractions(*shop));
  }();
  return *data;
}

void RunIterations(benchmark::State& state, const Interactions& data,
                   const ImplicitAlsOptions& options) {
  absl::StatusOr<std::unique_ptr<ImplicitAlsTrainer>> trainer =
      ImplicitAlsTrainer::Create(data, options);
  if (!trainer.ok()) {
    state.SkipWithError(trainer.status().ToString().c_str());
    return;
  }
  // Wall seconds of each half-step and CPU seconds of all threads, per
  // iteration: on a shared machine the CPU time is the steadier figure.
  double users_s = 0, items_s = 0;
  const double cpu_start = ProcessCpuSeconds();
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    absl::Status s = (*trainer)->SolveUsers();
    const auto t1 = std::chrono::steady_clock::now();
    if (s.ok()) s = (*trainer)->SolveItems();
    const auto t2 = std::chrono::steady_clock::now();
    if (!s.ok()) state.SkipWithError(s.ToString().c_str());
    users_s += std::chrono::duration<double>(t1 - t0).count();
    items_s += std::chrono::duration<double>(t2 - t1).count();
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["cpu_s"] = (ProcessCpuSeconds() - cpu_start) / n;
  state.counters["users_s"] = users_s / n;
  state.counters["items_s"] = items_s / n;
  state.counters["events"] = static_cast<double>(data.events.size());
  state.counters["pairs"] = static_cast<double>((*trainer)->num_pairs());
  state.counters["threads"] = AlsThreads(options);
}

ImplicitAlsOptions BenchOptions(int solver) {
  ImplicitAlsOptions options;  // factors 64, cg_steps 3.
  options.solver =
      solver == 0 ? AlsSolver::kConjugateGradient : AlsSolver::kCholesky;
  return options;
}

// Args: solver (0 CG, 1 Cholesky), threads.
void BM_AlsIterationDemo(benchmark::State& state) {
  ImplicitAlsOptions options = BenchOptions(static_cast<int>(state.range(0)));
  options.threads = static_cast<int>(state.range(1));
  RunIterations(state, DemoData(), options);
}
BENCHMARK(BM_AlsIterationDemo)
    ->ArgNames({"cholesky", "threads"})
    ->Args({0, 1})
    ->Args({0, 2})
    ->Args({1, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Args: events, users, items.
void BM_AlsIterationSynthetic(benchmark::State& state) {
  const Interactions data =
      SyntheticData(state.range(0), static_cast<uint32_t>(state.range(1)),
                    static_cast<uint32_t>(state.range(2)));
  RunIterations(state, data, BenchOptions(0));
}
BENCHMARK(BM_AlsIterationSynthetic)
    ->ArgNames({"events", "users", "items"})
    ->Args({500'000, 5'000, 2'000})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_AlsIterationSynthetic)
    ->ArgNames({"events", "users", "items"})
    ->Args({20'000'000, 500'000, 100'000})
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

// FoldInUser with 50 distinct items at d = 64 on the demo model.
void BM_FoldInUser(benchmark::State& state) {
  static const ImplicitAls* model = [] {
    ImplicitAlsOptions options;
    options.iterations = 2;  // Latency does not depend on convergence.
    absl::StatusOr<ImplicitAls> m = ImplicitAls::Train(DemoData(), options);
    if (!m.ok()) std::abort();
    return new ImplicitAls(*std::move(m));
  }();
  std::mt19937_64 rng(3);
  std::vector<ItemWeight> items;
  for (int k = 0; k < state.range(0); ++k) {
    items.push_back({static_cast<uint32_t>((k * 37) % model->num_items()),
                     static_cast<float>(1 + rng() % 8)});
  }
  for (auto _ : state) {
    absl::StatusOr<Eigen::VectorXf> x = model->FoldInUser(items);
    benchmark::DoNotOptimize(x);
  }
}
BENCHMARK(BM_FoldInUser)->Arg(50)->Arg(500)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace shopml::core

BENCHMARK_MAIN();
