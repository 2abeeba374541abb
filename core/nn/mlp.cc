// MlpModel's prediction and loss.
#include "core/nn/mlp.h"

#include <algorithm>
#include <thread>

#include "absl/functional/function_ref.h"
#include "absl/strings/str_cat.h"
#include "core/nn/mlp_checks.h"
#include "core/util/parallel_for.h"
#include "core/util/status_macros.h"

namespace shopml::core {
namespace {

int ResolveThreads(int threads) {
  if (threads > 0) return threads;
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

// Runs fn(block) for each block of `block_rows` rows of [0, rows) on up to
// `threads` threads; fn gets its thread's scratch space.
struct Scratch {
  FeatureMatrix standardized;
  nn_internal::Workspace<float> ws;
};
void ForEachBlock(Eigen::Index rows, Eigen::Index block_rows, int threads,
                  absl::FunctionRef<void(Eigen::Index, Scratch*)> fn) {
  const size_t blocks =
      static_cast<size_t>((rows + block_rows - 1) / block_rows);
  auto run = [&](size_t begin, size_t end) {
    Scratch scratch;
    for (size_t b = begin; b < end; ++b) {
      fn(static_cast<Eigen::Index>(b), &scratch);
    }
  };
  threads = std::min<int>(ResolveThreads(threads), static_cast<int>(blocks));
  if (threads <= 1) {
    run(0, blocks);
    return;
  }
  const size_t grain = std::max<size_t>(1, blocks / (4 * threads));
  if (!ParallelFor(blocks, grain, threads, run).ok()) {
    // Out of memory on a helper thread: redo the work here, where an
    // allocation failure surfaces as it does for any other allocation.
    run(0, blocks);
  }
}

}  // namespace

void MlpModel::Logits(const FeatureMatrix& x, Eigen::Index begin,
                      Eigen::Index end, FeatureMatrix* standardized,
                      nn_internal::Workspace<float>* ws) const {
  standardizer_.Apply(x, begin, end, standardized);
  network_.Forward(*standardized, nn_internal::Dropout(), ws);
}

FeatureMatrix MlpModel::PredictOutputs(const FeatureMatrix& x,
                                       int threads) const {
  FeatureMatrix out(x.rows(), num_outputs());
  ForEachBlock(
      x.rows(), kBlockRows, threads, [&](Eigen::Index block, Scratch* s) {
        const Eigen::Index begin = block * kBlockRows;
        const Eigen::Index end = std::min(x.rows(), begin + kBlockRows);
        Logits(x, begin, end, &s->standardized, &s->ws);
        network_.OutputsFromLogits(&s->ws.out.back());
        out.middleRows(begin, end - begin) = s->ws.out.back();
      });
  return out;
}

std::vector<float> MlpModel::Predict(const FeatureMatrix& x,
                                     int threads) const {
  const FeatureMatrix outputs = PredictOutputs(x, threads);
  std::vector<float> out(static_cast<size_t>(x.rows()));
  if (loss() != MlpLoss::kSoftmaxCrossEntropy) {
    for (Eigen::Index r = 0; r < x.rows(); ++r) out[r] = outputs(r, 0);
    return out;
  }
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    Eigen::Index best = 0;
    for (Eigen::Index k = 1; k < outputs.cols(); ++k) {
      if (outputs(r, k) > outputs(r, best)) best = k;
    }
    out[r] = static_cast<float>(best);
  }
  return out;
}

double MlpModel::MeanLoss(const FeatureMatrix& x, absl::Span<const float> y,
                          int threads) const {
  std::vector<double> sums(
      static_cast<size_t>((x.rows() + kBlockRows - 1) / kBlockRows), 0.0);
  ForEachBlock(
      x.rows(), kBlockRows, threads, [&](Eigen::Index block, Scratch* s) {
        const Eigen::Index begin = block * kBlockRows;
        const Eigen::Index end = std::min(x.rows(), begin + kBlockRows);
        Logits(x, begin, end, &s->standardized, &s->ws);
        sums[block] = network_.RowLosses(
            s->ws.out.back(), y.subspan(begin, end - begin), nullptr);
      });
  double total = 0;
  for (double sum : sums) total += sum;  // In block order: deterministic.
  return total / static_cast<double>(x.rows());
}

absl::StatusOr<double> MlpModel::Loss(const MlpData& data, int threads) const {
  SHOPML_RETURN_IF_ERROR(
      nn_internal::CheckMlpData("data", data, loss(), num_outputs()));
  if (data.x->cols() != num_features()) {
    return absl::InvalidArgumentError(absl::StrCat("data.x: ", data.x->cols(),
                                                   " features, the model has ",
                                                   num_features()));
  }
  return MeanLoss(*data.x, data.y, threads);
}

}  // namespace shopml::core
