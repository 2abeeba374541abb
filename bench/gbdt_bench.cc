// Gradient-boosted trees (core/trees/gbdt.h) on a synthetic purchase-
// propensity table, side by side with xgboost (bench/gbdt_vs_xgboost.py
// trains Debian's python3-xgboost, tree_method "hist", on the same rows
// with the same depth, trees and learning rate):
//
//   bash scripts/install-deps.sh --bench        # python3-xgboost
//   ninja -C build gbdt_bench
//   build/bench/gbdt_bench --export=/tmp/gbdt   # writes train.csv, test.csv
//   build/bench/gbdt_bench                      # our training and prediction
//   python3 bench/gbdt_vs_xgboost.py /tmp/gbdt 1  # xgboost's, on 1 thread
//
// --table=DIR reads DIR/train.csv and DIR/test.csv (bench/table_csv.h; the
// label must be 0 or 1) instead of the synthetic table.
//
// The table: 200,000 training and 50,000 test rows of 20 features shaped
// like shop data (counts drawn log-normal, recencies, prices, shares, two
// features with 30 % missing values) and a label drawn from a logistic model
// with interactions and thresholds, so trees have structure to find and a
// linear model does not suffice. BM_GbdtTrain and BM_ForestTrain (100 trees,
// depth 12, sqrt(features) per split) report the test AUC as a counter;
// BM_GbdtPredict the rows per second of batch prediction of the test rows
// on 1 and 2 threads, BM_GbdtPredictSmall of batches of 1 and 1,000 rows
// (with ns_per_row), BM_GbdtContributions of TreeSHAP on 2,000 test rows;
// these three share one model, trained once.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "bench/synthetic_table.h"
#include "bench/table_csv.h"
#include "benchmark/benchmark.h"
#include "core/eval/classification_metrics.h"
#include "core/trees/gbdt.h"
#include "core/trees/random_forest.h"

namespace shopml::core {
namespace {

constexpr int kTrainRows = bench::kSyntheticTrainRows;
constexpr int kTestRows = bench::kSyntheticTestRows;

using Table = bench::LabelledTable;

// Set by --table=DIR: the tables to read instead of the synthetic ones.
std::string table_dir;

Table LoadTable(const char* name, int rows, uint32_t seed) {
  return bench::LoadBenchTable(table_dir, name, rows, seed);
}

const Table& Train() {
  static const Table* t = new Table(LoadTable("train", kTrainRows, 1));
  return *t;
}
const Table& Test() {
  static const Table* t = new Table(LoadTable("test", kTestRows, 2));
  return *t;
}

GbdtOptions Options() {
  GbdtOptions o;
  o.num_trees = 200;
  o.max_depth = 6;
  o.learning_rate = 0.1;
  o.early_stopping_rounds = 0;
  return o;
}

void BM_GbdtTrain(benchmark::State& state) {
  const GbdtData train{&Train().x, Train().y};
  double auc = 0;
  for (auto _ : state) {
    absl::StatusOr<GbdtModel> model =
        GbdtModel::Train(train, nullptr, Options());
    if (!model.ok()) {
      state.SkipWithError(std::string(model.status().message()).c_str());
      return;
    }
    auc = Auc(model->Predict(Test().x), Test().y).value_or(0);
  }
  state.counters["test_auc"] = auc;
}
BENCHMARK(BM_GbdtTrain)->Unit(benchmark::kSecond)->Iterations(1);

void BM_ForestTrain(benchmark::State& state) {
  const GbdtData train{&Train().x, Train().y};
  RandomForestOptions options;
  options.num_trees = 100;
  double auc = 0;
  for (auto _ : state) {
    absl::StatusOr<RandomForest> forest = RandomForest::Train(train, options);
    if (!forest.ok()) {
      state.SkipWithError(std::string(forest.status().message()).c_str());
      return;
    }
    auc = Auc(forest->Predict(Test().x), Test().y).value_or(0);
  }
  state.counters["test_auc"] = auc;
}
BENCHMARK(BM_ForestTrain)->Unit(benchmark::kSecond)->Iterations(1);

// The model the prediction benchmarks share, trained on first use.
const GbdtModel& Model() {
  static const GbdtModel* model = [] {
    const GbdtData train{&Train().x, Train().y};
    absl::StatusOr<GbdtModel> m = GbdtModel::Train(train, nullptr, Options());
    if (!m.ok()) {
      std::fprintf(stderr, "%s\n", std::string(m.status().message()).c_str());
      std::exit(1);
    }
    return new GbdtModel(*std::move(m));
  }();
  return *model;
}

// Arg: threads.
void BM_GbdtPredict(benchmark::State& state) {
  const GbdtModel& model = Model();
  const int threads = static_cast<int>(state.range(0));
  for (auto _ : state) {
    benchmark::DoNotOptimize(model.PredictRaw(Test().x, threads));
  }
  state.SetItemsProcessed(state.iterations() * Test().x.rows());
}
BENCHMARK(BM_GbdtPredict)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Arg: rows per batch, the serving case; one thread.
void BM_GbdtPredictSmall(benchmark::State& state) {
  const GbdtModel& model = Model();
  const Eigen::Index rows =
      std::min<Eigen::Index>(state.range(0), Test().x.rows());
  const FeatureMatrix batch = Test().x.topRows(rows);
  for (auto _ : state) benchmark::DoNotOptimize(model.PredictRaw(batch));
  state.SetItemsProcessed(state.iterations() * rows);
  state.counters["ns_per_row"] = benchmark::Counter(
      static_cast<double>(state.iterations() * rows) * 1e-9,
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_GbdtPredictSmall)
    ->Arg(1)
    ->Arg(1000)
    ->Unit(benchmark::kMicrosecond);

// TreeSHAP contributions of 2,000 test rows; arg: threads.
void BM_GbdtContributions(benchmark::State& state) {
  const GbdtModel& model = Model();
  const int threads = static_cast<int>(state.range(0));
  const FeatureMatrix rows =
      Test().x.topRows(std::min<Eigen::Index>(2000, Test().x.rows()));
  for (auto _ : state) {
    benchmark::DoNotOptimize(model.Contributions(rows, threads));
  }
  state.SetItemsProcessed(state.iterations() * rows.rows());
}
BENCHMARK(BM_GbdtContributions)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace shopml::core

int main(int argc, char** argv) {
  using shopml::core::Test;
  using shopml::core::Train;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--table=", 8) == 0) {
      shopml::core::table_dir = argv[i] + 8;
    }
  }
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--export=", 9) == 0) {
      const std::string dir = argv[i] + 9;
      shopml::bench::WriteTableCsv(Train().x, Train().y, Train().names,
                                   dir + "/train.csv");
      shopml::bench::WriteTableCsv(Test().x, Test().y, Test().names,
                                   dir + "/test.csv");
      std::printf("wrote %s/train.csv and %s/test.csv\n", dir.c_str(),
                  dir.c_str());
      return 0;
    }
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
