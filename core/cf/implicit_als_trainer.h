// ImplicitAlsTrainer: the ALS sweeps of ImplicitAls::Train one half-step at a
// time, for tests (one user solve against a known item matrix), diagnostics
// (the objective after each sweep) and benchmarks (one iteration without the
// set-up). Train is Create, `iterations` x Iterate, one more SolveUsers (when
// iterations > 0), TakeModel.
//
// Create builds the confidence matrix once, user-major and item-major (about
// 16 bytes per observed pair), and initialises both factor matrices with
// values uniform in [-0.5, 0.5) / sqrt(d), each a pure function of (seed, row,
// column). Every row solve reads only the other side's factors and the row's
// own previous vector, so results are bit-identical for any thread count.
//
// Thread safety: not safe to share; one thread drives a trainer (the sweeps
// use options.threads workers internally).
#ifndef SHOPML_CORE_CF_IMPLICIT_ALS_TRAINER_H_
#define SHOPML_CORE_CF_IMPLICIT_ALS_TRAINER_H_

#include <cstdint>
#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/cf/implicit_als.h"
#include "core/cf/implicit_als_csr.h"
#include "core/cf/implicit_als_options.h"
#include "core/data/interactions.h"
#include "core/index/types.h"

namespace shopml::core {

class ImplicitAlsTrainer {
 public:
  // InvalidArgument naming the field for bad options or data (as
  // ImplicitAls::Train); ResourceExhausted if memory runs out.
  static absl::StatusOr<std::unique_ptr<ImplicitAlsTrainer>> Create(
      const Interactions& data, const ImplicitAlsOptions& options);

  // X = argmin_X L(X, Y) row by row with options.solver (exact with
  // kCholesky; otherwise cg_steps CG steps from the current X).
  // ResourceExhausted if memory runs out, Internal if a Cholesky
  // factorisation fails (cannot happen with lambda > 0 short of overflow).
  absl::Status SolveUsers();
  // Y = argmin_Y L(X, Y), likewise.
  absl::Status SolveItems();
  // SolveUsers then SolveItems: one ALS iteration.
  absl::Status Iterate();

  // L(X, Y) of the current factors (ImplicitAls::Objective).
  absl::StatusOr<double> Objective() const;

  const RowMatrixXf& user_factors() const { return user_factors_; }
  const RowMatrixXf& item_factors() const { return item_factors_; }
  RowMatrixXf& mutable_user_factors() { return user_factors_; }
  RowMatrixXf& mutable_item_factors() { return item_factors_; }
  // Observed (user, item) pairs.
  uint64_t num_pairs() const { return by_user_.nnz(); }

  // The model of the current factors; leaves the trainer empty.
  // ResourceExhausted if memory runs out.
  absl::StatusOr<ImplicitAls> TakeModel() &&;

 private:
  ImplicitAlsTrainer(const ImplicitAlsOptions& options, int threads);

  // Solves every row of `csr` (rows of `x`) against `f`.
  absl::Status Solve(const implicit_als_internal::ConfidenceCsr& csr,
                     const RowMatrixXf& f, RowMatrixXf& x);

  ImplicitAlsOptions options_;
  int threads_ = 1;
  implicit_als_internal::ConfidenceCsr by_user_;  // num_users x num_items.
  implicit_als_internal::ConfidenceCsr by_item_;  // Its transpose.
  RowMatrixXf user_factors_;
  RowMatrixXf item_factors_;
};

}  // namespace shopml::core

#endif  // SHOPML_CORE_CF_IMPLICIT_ALS_TRAINER_H_
