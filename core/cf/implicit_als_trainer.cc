#include "core/cf/implicit_als_trainer.h"

#include <atomic>
#include <cmath>
#include <limits>
#include <new>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/baseline/data_checks.h"
#include "core/cf/implicit_als_solver.h"
#include "core/util/parallel_for.h"
#include "core/util/status_macros.h"

namespace shopml::core {
namespace {

using implicit_als_internal::ConfidenceCsr;
using implicit_als_internal::RowScratch;

// Rows per block handed to a worker: small enough to balance skewed rows,
// large enough that the per-block scratch allocation is noise.
constexpr size_t kRowsPerBlock = 64;

uint64_t Mix(uint64_t x) {  // SplitMix64's finaliser.
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// Fills f with uniform [-0.5, 0.5) / sqrt(d), element (r, c) a function of
// (seed, stream, r, c) alone.
absl::Status Initialize(uint64_t seed, uint64_t stream, int threads,
                        RowMatrixXf& f) {
  const uint64_t key = Mix(seed ^ Mix(stream));
  const float scale = 1.0f / std::sqrt(static_cast<float>(f.cols()));
  const size_t d = static_cast<size_t>(f.cols());
  float* data = f.data();
  return ParallelFor(static_cast<size_t>(f.rows()), 4096, threads,
                     [&](size_t begin, size_t end) {
                       for (size_t k = begin * d; k < end * d; ++k) {
                         // The top 24 bits give a float in [0, 1) exactly.
                         const float u =
                             static_cast<float>(Mix(key + k) >> 40) * 0x1p-24f;
                         data[k] = (u - 0.5f) * scale;
                       }
                     });
}

}  // namespace

ImplicitAlsTrainer::ImplicitAlsTrainer(const ImplicitAlsOptions& options,
                                       int threads)
    : options_(options), threads_(threads) {}

absl::StatusOr<std::unique_ptr<ImplicitAlsTrainer>> ImplicitAlsTrainer::Create(
    const Interactions& data, const ImplicitAlsOptions& options) {
  SHOPML_RETURN_IF_ERROR(CheckImplicitAlsOptions(options));
  SHOPML_RETURN_IF_ERROR(CheckInteractions(data));
  // The CSR build indexes events with 32 bits.
  if (data.events.size() > std::numeric_limits<uint32_t>::max()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "events: at most 2^32 - 1 supported, got ", data.events.size()));
  }
  std::unique_ptr<ImplicitAlsTrainer> trainer(
      new ImplicitAlsTrainer(options, AlsThreads(options)));
  try {
    trainer->by_user_ = implicit_als_internal::BuildUserItemCsr(data, options);
    trainer->by_item_ = implicit_als_internal::Transpose(trainer->by_user_);
    trainer->user_factors_.resize(data.num_users, options.factors);
    trainer->item_factors_.resize(data.num_items, options.factors);
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError(
        absl::StrCat("ALS: out of memory for ", data.events.size(),
                     " events at factors ", options.factors));
  }
  SHOPML_RETURN_IF_ERROR(
      Initialize(options.seed, 1, trainer->threads_, trainer->user_factors_));
  SHOPML_RETURN_IF_ERROR(
      Initialize(options.seed, 2, trainer->threads_, trainer->item_factors_));
  return trainer;
}

absl::Status ImplicitAlsTrainer::Solve(const ConfidenceCsr& csr,
                                       const RowMatrixXf& f, RowMatrixXf& x) {
  SHOPML_ASSIGN_OR_RETURN(const Eigen::MatrixXd gram,
                          implicit_als_internal::Gram(f, threads_));
  const Eigen::MatrixXf g =
      implicit_als_internal::RegularizedGram(gram, options_.regularization);
  const int d = options_.factors;
  std::atomic<bool> cholesky_failed{false};
  SHOPML_RETURN_IF_ERROR(ParallelFor(
      csr.rows, kRowsPerBlock, threads_, [&](size_t begin, size_t end) {
        RowScratch scratch(d);
        for (size_t r = begin; r < end; ++r) {
          Eigen::Map<Eigen::VectorXf> xr(x.data() + r * d, d);
          const uint32_t row = static_cast<uint32_t>(r);
          if (options_.solver == AlsSolver::kCholesky) {
            if (!implicit_als_internal::SolveRowExact(f, g, csr.RowIndices(row),
                                                      csr.RowConfidence(row),
                                                      scratch, xr)) {
              cholesky_failed = true;
            }
          } else {
            implicit_als_internal::SolveRowCg(f, g, csr.RowIndices(row),
                                              csr.RowConfidence(row),
                                              options_.cg_steps, scratch, xr);
          }
        }
      }));
  if (cholesky_failed) {
    return absl::InternalError(
        "ALS: a row's normal equations are not positive definite");
  }
  return absl::OkStatus();
}

absl::Status ImplicitAlsTrainer::SolveUsers() {
  return Solve(by_user_, item_factors_, user_factors_);
}

absl::Status ImplicitAlsTrainer::SolveItems() {
  return Solve(by_item_, user_factors_, item_factors_);
}

absl::Status ImplicitAlsTrainer::Iterate() {
  SHOPML_RETURN_IF_ERROR(SolveUsers());
  return SolveItems();
}

absl::StatusOr<double> ImplicitAlsTrainer::Objective() const {
  return implicit_als_internal::Objective(user_factors_, item_factors_,
                                          by_user_, options_.regularization,
                                          threads_);
}

absl::StatusOr<ImplicitAls> ImplicitAlsTrainer::TakeModel() && {
  by_user_ = ConfidenceCsr();
  by_item_ = ConfidenceCsr();
  return ImplicitAls::FromFactors(options_, std::move(user_factors_),
                                  std::move(item_factors_));
}

}  // namespace shopml::core
