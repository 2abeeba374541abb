// MlpModel::Train: the hold-out, the mini-batch loop and early stopping.
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <new>
#include <numeric>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/nn/mlp.h"
#include "core/nn/mlp_checks.h"
#include "core/nn/nn_random.h"
#include "core/nn/optimizer.h"
#include "core/util/parallel_for.h"
#include "core/util/status_macros.h"

namespace shopml::core {

using nn_internal::Network;
using nn_internal::Random;

namespace {

// Rows per shard of a mini-batch: the unit of parallel work, fixed so that
// the sum of the shards' gradients is the same on any number of threads.
constexpr int kShardRows = 128;
// Smaller batches run on one thread: on bench/mlp_bench.cc's table a second
// thread slows batches of 256 and 512 rows (starting threads costs more than
// half of a batch's few hundred microseconds) and speeds up batches of 1024
// rows 1.5 times, of 4096 rows 1.7 times.
constexpr size_t kMinParallelBatchRows = 1024;

// Independent random streams drawn from the seed.
enum Stream : uint64_t { kInit = 1, kHoldout, kShuffle, kDropout };

}  // namespace

class MlpTrainer {
 public:
  explicit MlpTrainer(const MlpOptions& options) : options_(options) {}

  absl::StatusOr<MlpModel> Run(const MlpData& train, const MlpData* validation);

 private:
  // One shard's scratch space, reused across batches.
  struct Shard {
    FeatureMatrix x;
    std::vector<float> y;
    nn_internal::Workspace<float> ws;
    std::vector<float> grad;
  };

  absl::Status SplitRows(const MlpData& train, const MlpData* validation);
  // One pass over the training rows in a fresh random order.
  absl::Status RunEpoch(int epoch);
  void ShardGradient(size_t shard, size_t begin, size_t end, float scale);
  // Records the validation loss of the current weights; returns whether
  // patience has run out.
  bool EndEpoch(int epoch);

  const MlpOptions options_;
  int threads_ = 1;
  MlpModel model_;
  std::vector<uint32_t> train_rows_;
  FeatureMatrix x_;  // The training rows, standardised.
  std::vector<float> y_;
  // The validation rows (raw; MeanLoss standardises them): `validation`, or
  // held-out training rows.
  const FeatureMatrix* valid_x_ = nullptr;
  absl::Span<const float> valid_y_;
  FeatureMatrix holdout_x_;
  std::vector<float> holdout_y_;

  std::vector<uint32_t> order_;
  std::vector<Shard> shards_;
  std::vector<float> grad_;
  std::vector<float> best_params_;
  int64_t step_ = 0;
  std::unique_ptr<nn_internal::Optimizer> optimizer_;
};

absl::Status MlpTrainer::SplitRows(const MlpData& train,
                                   const MlpData* validation) {
  const size_t n = train.y.size();
  std::vector<uint32_t> rows(n);
  std::iota(rows.begin(), rows.end(), 0u);
  if (validation != nullptr) {
    valid_x_ = validation->x;
    valid_y_ = validation->y;
    train_rows_ = std::move(rows);
    return absl::OkStatus();
  }
  if (options_.early_stopping_patience == 0 ||
      options_.validation_fraction == 0) {
    train_rows_ = std::move(rows);
    return absl::OkStatus();
  }
  const size_t held = std::max<size_t>(
      1, static_cast<size_t>(std::llround(options_.validation_fraction *
                                          static_cast<double>(n))));
  if (held >= n) {
    return absl::InvalidArgumentError(
        absl::StrCat("validation_fraction: holds out all ", n,
                     " training rows; pass a validation set or 0"));
  }
  Random random(options_.seed, kHoldout, 0);
  for (size_t i = n - 1; i > 0; --i) {
    std::swap(rows[i], rows[random.Below(i + 1)]);
  }
  std::vector<uint32_t> held_rows(rows.begin(), rows.begin() + held);
  train_rows_.assign(rows.begin() + held, rows.end());
  std::sort(held_rows.begin(), held_rows.end());
  std::sort(train_rows_.begin(), train_rows_.end());
  holdout_x_.resize(static_cast<Eigen::Index>(held), train.x->cols());
  holdout_y_.resize(held);
  for (size_t i = 0; i < held; ++i) {
    holdout_x_.row(static_cast<Eigen::Index>(i)) = train.x->row(held_rows[i]);
    holdout_y_[i] = train.y[held_rows[i]];
  }
  valid_x_ = &holdout_x_;
  valid_y_ = holdout_y_;
  return absl::OkStatus();
}

void MlpTrainer::ShardGradient(size_t shard, size_t begin, size_t end,
                               float scale) {
  Shard& s = shards_[shard];
  const Eigen::Index rows = static_cast<Eigen::Index>(end - begin);
  s.x.resize(rows, x_.cols());
  s.y.resize(static_cast<size_t>(rows));
  for (Eigen::Index i = 0; i < rows; ++i) {
    const uint32_t r = order_[begin + static_cast<size_t>(i)];
    s.x.row(i) = x_.row(r);
    s.y[i] = y_[r];
  }
  nn_internal::Dropout dropout;
  dropout.rate = options_.dropout;
  dropout.seed = Random(options_.seed, kDropout, 0).Next();
  dropout.stream = static_cast<uint64_t>(step_) * shards_.size() + shard;
  const Network<float>& net = model_.network_;
  net.Forward(s.x, dropout, &s.ws);
  std::fill(s.grad.begin(), s.grad.end(), 0.0f);
  net.AddGradient(s.x, s.y, scale, &s.ws, s.grad.data());
}

absl::Status MlpTrainer::RunEpoch(int epoch) {
  const size_t n = order_.size();
  std::iota(order_.begin(), order_.end(), 0u);
  Random random(options_.seed, kShuffle, static_cast<uint64_t>(epoch));
  for (size_t i = n - 1; i > 0; --i) {
    std::swap(order_[i], order_[random.Below(i + 1)]);
  }
  Network<float>& net = model_.network_;
  const size_t batch = static_cast<size_t>(options_.batch_size);
  for (size_t start = 0; start < n; start += batch) {
    const size_t end = std::min(n, start + batch);
    const size_t num_shards = (end - start + kShardRows - 1) / kShardRows;
    const float scale = 1.0f / static_cast<float>(end - start);
    const int threads = end - start < kMinParallelBatchRows ? 1 : threads_;
    SHOPML_RETURN_IF_ERROR(
        ParallelFor(num_shards, 1, threads, [&](size_t first, size_t last) {
          for (size_t s = first; s < last; ++s) {
            ShardGradient(s, start + s * kShardRows,
                          std::min(end, start + (s + 1) * kShardRows), scale);
          }
        }));
    // Summed in shard order: the same on any number of threads.
    Eigen::Map<Eigen::ArrayXf> grad(grad_.data(),
                                    static_cast<Eigen::Index>(grad_.size()));
    grad =
        Eigen::Map<const Eigen::ArrayXf>(shards_[0].grad.data(), grad.size());
    for (size_t s = 1; s < num_shards; ++s) {
      grad +=
          Eigen::Map<const Eigen::ArrayXf>(shards_[s].grad.data(), grad.size());
    }
    net.AddL2Gradient(options_.l2, grad_.data());
    optimizer_->Step(grad_, net.params());
    ++step_;
  }
  return absl::OkStatus();
}

bool MlpTrainer::EndEpoch(int epoch) {
  model_.epochs_run_ = epoch + 1;
  if (valid_x_ == nullptr) return false;
  const double loss = model_.MeanLoss(*valid_x_, valid_y_, threads_);
  if (loss < model_.best_validation_loss_) {
    model_.best_validation_loss_ = loss;
    model_.best_epoch_ = epoch + 1;
    const absl::Span<const float> params = model_.network_.params();
    best_params_.assign(params.begin(), params.end());
    return false;
  }
  return options_.early_stopping_patience > 0 &&
         epoch + 1 - model_.best_epoch_ >= options_.early_stopping_patience;
}

absl::StatusOr<MlpModel> MlpTrainer::Run(const MlpData& train,
                                         const MlpData* validation) {
  SHOPML_RETURN_IF_ERROR(SplitRows(train, validation));
  threads_ =
      options_.threads > 0
          ? options_.threads
          : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  model_.standardizer_ = Standardizer::Fit(*train.x, train_rows_);
  model_.standardizer_.ApplyRows(*train.x, train_rows_, &x_);
  y_.resize(train_rows_.size());
  for (size_t i = 0; i < train_rows_.size(); ++i) {
    y_[i] = train.y[train_rows_[i]];
  }
  std::vector<int> sizes = {static_cast<int>(train.x->cols())};
  sizes.insert(sizes.end(), options_.hidden.begin(), options_.hidden.end());
  sizes.push_back(options_.loss == MlpLoss::kSoftmaxCrossEntropy
                      ? options_.num_classes
                      : 1);
  model_.network_ =
      Network<float>(std::move(sizes), options_.activation, options_.loss);
  model_.network_.Initialize(Random(options_.seed, kInit, 0).Next());
  model_.best_validation_loss_ = valid_x_ == nullptr
                                     ? std::numeric_limits<double>::quiet_NaN()
                                     : std::numeric_limits<double>::infinity();

  nn_internal::OptimizerSettings settings;
  settings.kind = options_.optimizer;
  settings.learning_rate = options_.learning_rate;
  settings.beta1 = options_.beta1;
  settings.beta2 = options_.beta2;
  settings.epsilon = options_.epsilon;
  settings.momentum = options_.momentum;
  settings.nesterov = options_.nesterov;
  const size_t num_params = model_.network_.num_params();
  optimizer_ = std::make_unique<nn_internal::Optimizer>(settings, num_params);
  order_.resize(train_rows_.size());
  shards_.resize((static_cast<size_t>(options_.batch_size) + kShardRows - 1) /
                 kShardRows);
  for (Shard& s : shards_) s.grad.resize(num_params);
  grad_.resize(num_params);

  for (int epoch = 0; epoch < options_.max_epochs; ++epoch) {
    SHOPML_RETURN_IF_ERROR(RunEpoch(epoch));
    if (EndEpoch(epoch)) break;
  }
  if (!best_params_.empty()) {
    std::copy(best_params_.begin(), best_params_.end(),
              model_.network_.params().begin());
  } else if (valid_x_ != nullptr) {
    // No epoch had a finite validation loss.
    model_.best_validation_loss_ = std::numeric_limits<double>::quiet_NaN();
  }
  for (float p : model_.network_.params()) {
    if (!std::isfinite(p)) {
      return absl::InvalidArgumentError(
          "learning_rate: training diverged to non-finite weights; lower it");
    }
  }
  return std::move(model_);
}

absl::StatusOr<MlpModel> MlpModel::Train(const MlpData& train,
                                         const MlpData* validation,
                                         const MlpOptions& options) {
  SHOPML_RETURN_IF_ERROR(nn_internal::CheckMlpOptions(options));
  SHOPML_RETURN_IF_ERROR(nn_internal::CheckMlpData("train", train, options.loss,
                                                   options.num_classes));
  if (validation != nullptr) {
    SHOPML_RETURN_IF_ERROR(nn_internal::CheckMlpData(
        "validation", *validation, options.loss, options.num_classes));
    if (validation->x->cols() != train.x->cols()) {
      return absl::InvalidArgumentError(
          absl::StrCat("validation.x: ", validation->x->cols(),
                       " features, train has ", train.x->cols()));
    }
  }
  // Eigen and the standard containers report a failed allocation by
  // throwing; it stops here.
  try {
    MlpTrainer trainer(options);
    return trainer.Run(train, validation);
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError("mlp: out of memory while training");
  }
}

}  // namespace shopml::core
