// The model time of a purchase Score: building the feature rows of N items
// for one user (core/features/feature_rows.h) and predicting them with each
// scorer of a trained bundle, the work Score does after reading the user's
// history and resolving the item ids.
//
//   build/server/shopml train --store=demo/store --models=/tmp/models
//   build/bench/purchase_scoring_bench --models=/tmp/models
//
// The user: 50 events over the catalogue's first items in the day before
// the snapshot's cutoff.
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "core/bundle/bundle.h"
#include "core/features/feature_rows.h"
#include "core/features/user_state.h"

namespace shopml::core {
namespace {

std::string models_dir;

const ModelBundle& Bundle() {
  static const std::shared_ptr<const ModelBundle> bundle = [] {
    absl::StatusOr<std::shared_ptr<const ModelBundle>> b =
        ModelBundle::LoadNewest(models_dir);
    if (!b.ok() || !(*b)->item_snapshot.has_value()) {
      std::fprintf(stderr, "no bundle with purchase scorers in %s\n",
                   models_dir.c_str());
      std::exit(2);
    }
    return *b;
  }();
  return *bundle;
}

const UserState& User() {
  static const UserState* user = [] {
    const ItemSnapshot& items = *Bundle().item_snapshot;
    std::mt19937 rng(1);
    std::vector<Interaction> history;
    const int64_t now = items.cutoff_micros();
    for (int i = 0; i < 50; ++i) {
      Interaction e;
      e.item = rng() % items.num_items();
      e.time_micros = now - 86400LL * 1000000 + i * 60LL * 1000000;
      e.type = i % 10 == 9 ? EventType::kPurchase : EventType::kView;
      history.push_back(e);
    }
    return new UserState(UserStateFromHistory(history, now, items));
  }();
  return *user;
}

std::vector<uint32_t> Items(int n) {
  std::vector<uint32_t> items;
  for (int i = 0; i < n; ++i) {
    items.push_back(static_cast<uint32_t>(i) %
                    Bundle().item_snapshot->num_items());
  }
  return items;
}

FeatureSources Sources() {
  return {&*Bundle().item_snapshot, &Bundle().cooccurrence};
}

void BM_BuildRows(benchmark::State& state) {
  const std::vector<uint32_t> items = Items(static_cast<int>(state.range(0)));
  const int64_t now = Bundle().item_snapshot->cutoff_micros();
  for (auto _ : state) {
    benchmark::DoNotOptimize(BuildRows(User(), items, now, Sources()));
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_BuildRows)->Arg(100)->Arg(1000);

FeatureMatrix Rows(int n) {
  return BuildRows(User(), Items(n), Bundle().item_snapshot->cutoff_micros(),
                   Sources());
}

void BM_Gbdt(benchmark::State& state) {
  const FeatureMatrix rows = Rows(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(Bundle().gbdt->Predict(rows));
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["trees"] = Bundle().gbdt->num_trees();
}
BENCHMARK(BM_Gbdt)->Arg(100)->Arg(1000);

void BM_Forest(benchmark::State& state) {
  const FeatureMatrix rows = Rows(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    benchmark::DoNotOptimize(Bundle().forest->Predict(rows));
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Forest)->Arg(100)->Arg(1000);

void BM_Mlp(benchmark::State& state) {
  const FeatureMatrix rows = Rows(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(Bundle().mlp->Predict(rows));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Mlp)->Arg(100)->Arg(1000);

void BM_GbdtContributions(benchmark::State& state) {
  const FeatureMatrix rows = Rows(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    benchmark::DoNotOptimize(Bundle().gbdt->Contributions(rows));
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_GbdtContributions)->Arg(100);

}  // namespace
}  // namespace shopml::core

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--models=", 9) == 0) {
      shopml::core::models_dir = argv[i] + 9;
    }
  }
  if (shopml::core::models_dir.empty()) {
    std::fprintf(stderr, "usage: purchase_scoring_bench --models=DIR\n");
    return 2;
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
