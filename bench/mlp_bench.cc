// The multilayer perceptron (core/nn/mlp.h) on the synthetic purchase-
// propensity table of bench/gbdt_bench.cc, side by side with scikit-learn
// (bench/mlp_vs_sklearn.py trains Debian's python3-sklearn MLPClassifier
// with the same layers, activation, Adam settings, batch size, L2 and
// early stopping on the same rows):
//
//   ninja -C build mlp_bench gbdt_bench
//   build/bench/gbdt_bench --export=/tmp/gbdt    # writes train.csv, test.csv
//   build/bench/mlp_bench --table=/tmp/gbdt [--threads=N]
//   /usr/bin/python3 bench/mlp_vs_sklearn.py /tmp/gbdt
//
// Without --table the table is generated here exactly as gbdt_bench does
// (200,000 training and 50,000 test rows of 20 features, two with 30 %
// missing values). BM_MlpTrain trains layers {64, 32}, ReLU, Adam at 1e-3,
// batches of 256, l2 1e-4, early stopping with patience 10 on 10 % of the
// training rows; BM_MlpTrainEpochs runs 10 epochs without early stopping
// (the per-epoch cost); both report the test AUC, the epochs run and the
// seconds per epoch as counters. BM_MlpPredict reports batch prediction in
// rows per second. --threads (default 1) sets MlpOptions::threads and the
// prediction threads, --batch (default 256) the batch size.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "bench/synthetic_table.h"
#include "bench/table_csv.h"
#include "benchmark/benchmark.h"
#include "core/eval/classification_metrics.h"
#include "core/nn/mlp.h"

namespace shopml::core {
namespace {

constexpr int kTrainRows = bench::kSyntheticTrainRows;
constexpr int kTestRows = bench::kSyntheticTestRows;

int g_threads = 1;
int g_batch = 256;
std::string g_table;

struct Table {
  FeatureMatrix x;
  std::vector<float> y;
};

Table Load(const char* name, int rows, uint32_t seed) {
  bench::LabelledTable t = bench::LoadBenchTable(g_table, name, rows, seed);
  return Table{std::move(t.x), std::move(t.y)};
}

const Table& Train() {
  static const Table* t = new Table(Load("train", kTrainRows, 1));
  return *t;
}
const Table& Test() {
  static const Table* t = new Table(Load("test", kTestRows, 2));
  return *t;
}

MlpOptions Options() {
  MlpOptions o;
  o.hidden = {64, 32};
  o.activation = MlpActivation::kRelu;
  o.learning_rate = 1e-3;
  o.batch_size = g_batch;
  o.l2 = 1e-4;
  o.max_epochs = 200;
  o.early_stopping_patience = 10;
  o.validation_fraction = 0.1;
  o.threads = g_threads;
  return o;
}

void RunTraining(benchmark::State& state, const MlpOptions& options) {
  const MlpData train{&Train().x, Train().y};
  double auc = 0, seconds = 0;
  int epochs = 0, best = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    absl::StatusOr<MlpModel> model = MlpModel::Train(train, nullptr, options);
    seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    if (!model.ok()) {
      state.SkipWithError(std::string(model.status().message()).c_str());
      return;
    }
    epochs = model->epochs_run();
    best = model->best_epoch();
    auc = Auc(model->Predict(Test().x, g_threads), Test().y).value_or(0);
  }
  state.counters["test_auc"] = auc;
  state.counters["epochs"] = epochs;
  state.counters["best_epoch"] = best;
  state.counters["s_per_epoch"] = seconds / epochs;
}

void BM_MlpTrain(benchmark::State& state) { RunTraining(state, Options()); }
BENCHMARK(BM_MlpTrain)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();

void BM_MlpTrainEpochs(benchmark::State& state) {
  MlpOptions options = Options();
  options.max_epochs = 10;
  options.validation_fraction = 0;
  RunTraining(state, options);
}
BENCHMARK(BM_MlpTrainEpochs)
    ->Unit(benchmark::kSecond)
    ->Iterations(1)
    ->UseRealTime();

void BM_MlpPredict(benchmark::State& state) {
  const MlpData train{&Train().x, Train().y};
  MlpOptions options = Options();
  options.max_epochs = 1;
  options.validation_fraction = 0;
  const MlpModel model = MlpModel::Train(train, nullptr, options).value();
  for (auto _ : state) {
    benchmark::DoNotOptimize(model.Predict(Test().x, g_threads));
  }
  state.SetItemsProcessed(state.iterations() * Test().x.rows());
}
BENCHMARK(BM_MlpPredict)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace shopml::core

int main(int argc, char** argv) {
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--table=", 8) == 0) {
      shopml::core::g_table = argv[i] + 8;
    } else if (std::strncmp(argv[i], "--batch=", 8) == 0) {
      shopml::core::g_batch = std::atoi(argv[i] + 8);
    } else if (std::strncmp(argv[i], "--threads=", 10) == 0) {
      shopml::core::g_threads = std::atoi(argv[i] + 10);
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
