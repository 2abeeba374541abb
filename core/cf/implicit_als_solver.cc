#include "core/cf/implicit_als_solver.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/util/parallel_for.h"
#include "core/util/status_macros.h"

namespace shopml::core::implicit_als_internal {
namespace {

// Sums over a fixed partition of the rows: the partials are added in block
// order, so no result depends on the thread count or scheduling.
constexpr size_t kGramBlocks = 64;
constexpr size_t kObjectiveRowsPerBlock = 1024;
// CG stops once |r|^2 falls below this: the float solution cannot improve.
constexpr float kCgTolerance = 1e-20f;

using ConstVectorMap = Eigen::Map<const Eigen::VectorXf>;

ConstVectorMap Row(const RowMatrixXf& f, uint32_t j) {
  return ConstVectorMap(f.data() + static_cast<size_t>(j) * f.cols(), f.cols());
}

}  // namespace

RowScratch::RowScratch(int d)
    : a(d, d),
      llt(d),
      b(d),
      r(d),
      p(d),
      ap(d),
      t(kGatherRows),
      gathered(kGatherRows, d) {}

absl::StatusOr<Eigen::MatrixXd> Gram(const RowMatrixXf& f, int threads) {
  const Eigen::Index d = f.cols();
  const size_t m = static_cast<size_t>(f.rows());
  const size_t blocks = std::min(kGramBlocks, std::max<size_t>(m, 1));
  std::vector<Eigen::MatrixXf> partials(blocks);
  SHOPML_RETURN_IF_ERROR(
      ParallelFor(blocks, 1, threads, [&](size_t begin, size_t end) {
        for (size_t k = begin; k < end; ++k) {
          const size_t lo = k * m / blocks;
          const size_t hi = (k + 1) * m / blocks;
          partials[k].setZero(d, d);
          partials[k].selfadjointView<Eigen::Lower>().rankUpdate(
              f.middleRows(lo, hi - lo).transpose());
        }
      }));
  Eigen::MatrixXd gram = Eigen::MatrixXd::Zero(d, d);
  for (const Eigen::MatrixXf& part : partials) gram += part.cast<double>();
  gram.triangularView<Eigen::StrictlyUpper>() = gram.transpose();
  return gram;
}

Eigen::MatrixXf RegularizedGram(const Eigen::MatrixXd& gram, double lambda) {
  Eigen::MatrixXd g = gram;
  g.diagonal().array() += lambda;
  return g.cast<float>();
}

bool SolveRowExact(const RowMatrixXf& f, const Eigen::MatrixXf& g,
                   absl::Span<const uint32_t> indices,
                   absl::Span<const float> confidence, RowScratch& scratch,
                   Eigen::Ref<Eigen::VectorXf> x) {
  if (indices.empty()) {
    x.setZero();
    return true;
  }
  scratch.a = g;
  scratch.b.setZero();
  // A += sum (c - 1) f_j f_j^T as rank updates by blocks of sqrt(c - 1) f_j,
  // which runs at matrix-multiply speed instead of one outer product a row.
  for (size_t start = 0; start < indices.size();
       start += RowScratch::kGatherRows) {
    const size_t len =
        std::min<size_t>(RowScratch::kGatherRows, indices.size() - start);
    for (size_t k = 0; k < len; ++k) {
      const ConstVectorMap fj = Row(f, indices[start + k]);
      const float c = confidence[start + k];
      scratch.gathered.row(k) = std::sqrt(c - 1) * fj.transpose();
      scratch.b += c * fj;
    }
    scratch.a.selfadjointView<Eigen::Lower>().rankUpdate(
        scratch.gathered.topRows(len).transpose());
  }
  scratch.llt.compute(scratch.a);  // Reads the lower triangle only.
  if (scratch.llt.info() != Eigen::Success) return false;
  x = scratch.llt.solve(scratch.b);
  return true;
}

void SolveRowCg(const RowMatrixXf& f, const Eigen::MatrixXf& g,
                absl::Span<const uint32_t> indices,
                absl::Span<const float> confidence, int steps,
                RowScratch& scratch, Eigen::Ref<Eigen::VectorXf> x) {
  const size_t n = indices.size();
  if (n == 0) {
    x.setZero();
    return;
  }
  constexpr size_t kBlock = RowScratch::kGatherRows;
  Eigen::VectorXf& r = scratch.r;
  Eigen::VectorXf& p = scratch.p;
  Eigen::VectorXf& ap = scratch.ap;
  Eigen::VectorXf& t = scratch.t;
  // The row's f_j are copied into `gathered` block by block, so the sums
  // over j below are two matrix-vector products per block instead of n
  // scattered dot/axpy pairs (2x faster at d = 64). A row of at most kBlock
  // entries is gathered once and reused by every CG step.
  const bool resident = n <= kBlock;
  auto gather = [&](size_t start, size_t len) {
    for (size_t k = 0; k < len; ++k) {
      scratch.gathered.row(k) = Row(f, indices[start + k]).transpose();
    }
  };
  auto block_confidence = [&](size_t start, size_t len) {
    return Eigen::Map<const Eigen::ArrayXf>(confidence.data() + start, len);
  };
  if (resident) gather(0, n);

  // r = b - A x = -G x + sum_j (c_j - (c_j - 1) f_j.x) f_j.
  ap.noalias() = g * x;
  r = -ap;
  for (size_t start = 0; start < n; start += kBlock) {
    const size_t len = std::min(kBlock, n - start);
    if (!resident) gather(start, len);
    const auto fb = scratch.gathered.topRows(len);
    const auto c = block_confidence(start, len);
    t.head(len).noalias() = fb * x;
    t.head(len) = (c - (c - 1) * t.head(len).array()).matrix();
    r.noalias() += fb.transpose() * t.head(len);
  }
  p = r;
  float rs_old = r.squaredNorm();
  if (!(rs_old >= kCgTolerance)) return;
  for (int step = 0; step < steps; ++step) {
    // A p = G p + sum_j (c_j - 1) (f_j.p) f_j.
    ap.noalias() = g * p;
    for (size_t start = 0; start < n; start += kBlock) {
      const size_t len = std::min(kBlock, n - start);
      if (!resident) gather(start, len);
      const auto fb = scratch.gathered.topRows(len);
      t.head(len).noalias() = fb * p;
      t.head(len).array() *= block_confidence(start, len) - 1;
      ap.noalias() += fb.transpose() * t.head(len);
    }
    const float alpha = rs_old / p.dot(ap);
    x += alpha * p;
    r -= alpha * ap;
    const float rs_new = r.squaredNorm();
    if (!(rs_new >= kCgTolerance)) break;
    p = r + (rs_new / rs_old) * p;
    rs_old = rs_new;
  }
}

absl::StatusOr<double> Objective(const RowMatrixXf& x, const RowMatrixXf& y,
                                 const ConfidenceCsr& csr, double lambda,
                                 int threads) {
  SHOPML_ASSIGN_OR_RETURN(const Eigen::MatrixXd xtx, Gram(x, threads));
  SHOPML_ASSIGN_OR_RETURN(const Eigen::MatrixXd yty, Gram(y, threads));
  // Every pair as if unobserved (c = 1, p = 0): sum (x_u.y_i)^2.
  const double all_pairs = (xtx.array() * yty.array()).sum();

  const size_t blocks =
      (csr.rows + kObjectiveRowsPerBlock - 1) / kObjectiveRowsPerBlock;
  std::vector<double> corrections(blocks, 0.0);
  SHOPML_RETURN_IF_ERROR(
      ParallelFor(blocks, 1, threads, [&](size_t begin, size_t end) {
        for (size_t block = begin; block < end; ++block) {
          const uint32_t lo = block * kObjectiveRowsPerBlock;
          const uint32_t hi =
              std::min<size_t>(csr.rows, (block + 1) * kObjectiveRowsPerBlock);
          double sum = 0;
          for (uint32_t u = lo; u < hi; ++u) {
            const ConstVectorMap xu = Row(x, u);
            const absl::Span<const uint32_t> items = csr.RowIndices(u);
            const absl::Span<const float> conf = csr.RowConfidence(u);
            for (size_t k = 0; k < items.size(); ++k) {
              const double s =
                  xu.cast<double>().dot(Row(y, items[k]).cast<double>());
              // Replace the unobserved term s^2 by c (1 - s)^2.
              sum += conf[k] * (1 - s) * (1 - s) - s * s;
            }
          }
          corrections[block] = sum;
        }
      }));
  double observed = 0;
  for (double c : corrections) observed += c;
  return all_pairs + observed + lambda * (xtx.trace() + yty.trace());
}

}  // namespace shopml::core::implicit_als_internal
