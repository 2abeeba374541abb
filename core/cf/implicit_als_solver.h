// Numerical kernels of implicit ALS shared by the trainer
// (implicit_als_trainer.h) and the model's fold-in (implicit_als.h): the Gram
// matrix, the per-row least-squares solves and the objective. Not an API; use
// ImplicitAls and ImplicitAlsTrainer.
//
// Row problem. With the other side's factors F (m x d, one row per column of
// the confidence matrix) fixed, row r's vector x minimises
//   sum_j c_rj (p_rj - x.f_j)^2 + lambda |x|^2,
// whose normal equations are A x = b with
//   A = F^T C_r F + lambda I = G + sum_{j observed} (c_rj - 1) f_j f_j^T,
//   b = F^T C_r p_r = sum_{j observed} c_rj f_j,
// where G = F^T F + lambda I is shared by all rows (the "YtY trick": the m - n
// unobserved entries of the row, with c = 1 and p = 0, cost nothing).
//
// Thread safety: the functions are reentrant; a RowScratch belongs to one
// thread at a time.
#ifndef SHOPML_CORE_CF_IMPLICIT_ALS_SOLVER_H_
#define SHOPML_CORE_CF_IMPLICIT_ALS_SOLVER_H_

#include <cstddef>
#include <cstdint>

#include "Eigen/Cholesky"
#include "Eigen/Core"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/cf/implicit_als_csr.h"
#include "core/index/types.h"

namespace shopml::core::implicit_als_internal {

// F^T F in double (d x d, d = f.cols()), summed over a fixed partition of the
// rows so the result does not depend on `threads`.
absl::StatusOr<Eigen::MatrixXd> Gram(const RowMatrixXf& f, int threads);

// G = gram + lambda I as float, the shared part of every row's A.
Eigen::MatrixXf RegularizedGram(const Eigen::MatrixXd& gram, double lambda);

// Per-thread buffers of the row solves for dimension d; solves allocate
// nothing else.
struct RowScratch {
  explicit RowScratch(int d);

  // Rows of the other side's factors copied at once: 64 KB at d = 64, so a
  // block stays in L2 between the two products that read it.
  static constexpr size_t kGatherRows = 256;

  Eigen::MatrixXf a;                // d x d.
  Eigen::LLT<Eigen::MatrixXf> llt;  // Of a.
  Eigen::VectorXf b, r, p, ap;      // Size d.
  Eigen::VectorXf t;                // Size kGatherRows.
  RowMatrixXf gathered;             // kGatherRows x d.
};

// Solves row r's problem exactly (Cholesky) and writes the solution to x.
// `indices`/`confidence` are the row's observed entries (any order), `f` the
// other side's factors, `g` = RegularizedGram(F^T F). An empty row gets x = 0.
// Leaves x unchanged and returns false if A is not numerically positive
// definite.
// REQUIRES: x.size() == f.cols() == g.rows(); indices < f.rows().
bool SolveRowExact(const RowMatrixXf& f, const Eigen::MatrixXf& g,
                   absl::Span<const uint32_t> indices,
                   absl::Span<const float> confidence, RowScratch& scratch,
                   Eigen::Ref<Eigen::VectorXf> x);

// Improves x by `steps` conjugate-gradient steps on A x = b, starting from x
// (stopping early once the residual vanishes). An empty row gets x = 0.
// REQUIRES: as SolveRowExact.
void SolveRowCg(const RowMatrixXf& f, const Eigen::MatrixXf& g,
                absl::Span<const uint32_t> indices,
                absl::Span<const float> confidence, int steps,
                RowScratch& scratch, Eigen::Ref<Eigen::VectorXf> x);

// The training objective (implicit_als.h, Objective) of factors x (rows of
// `csr`) and y (its columns):
//   sum_{u,i} c_ui (p_ui - x_u.y_i)^2 + lambda (|X|_F^2 + |Y|_F^2)
// in O(nnz * d + (rows + cols) * d^2): the all-pairs part
// sum_{u,i} (x_u.y_i)^2 = <X^T X, Y^T Y>_F, plus per observed pair
// c (1 - s)^2 - s^2 with s = x_u.y_i. In double; independent of `threads`.
// REQUIRES: x.rows() == csr.rows, y.rows() == csr.cols, x.cols() == y.cols().
absl::StatusOr<double> Objective(const RowMatrixXf& x, const RowMatrixXf& y,
                                 const ConfidenceCsr& csr, double lambda,
                                 int threads);

}  // namespace shopml::core::implicit_als_internal

#endif  // SHOPML_CORE_CF_IMPLICIT_ALS_SOLVER_H_
