#include "core/trees/tree_shap.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "core/util/parallel_for.h"

namespace shopml::core::trees_internal {
namespace {

// 1 / k for the path lengths k of Extend and UnwoundSum.
const std::array<double, TreeShap::kMaxDepth + 3> reciprocal = [] {
  std::array<double, TreeShap::kMaxDepth + 3> r{};
  for (size_t k = 1; k < r.size(); ++k) r[k] = 1.0 / static_cast<double>(k);
  return r;
}();

bool GoesLeft(const GbdtNode& node, const float* row) {
  const float v = row[node.feature];
  return std::isnan(v) ? node.default_left : v <= node.threshold;
}

}  // namespace

double TreeExpectedValue(const std::vector<GbdtNode>& tree) {
  // Children come after their parents, so a reverse sweep sees them first.
  std::vector<double> mean(tree.size());
  for (size_t i = tree.size(); i-- > 0;) {
    const GbdtNode& node = tree[i];
    if (node.feature < 0) {
      mean[i] = node.value;
      continue;
    }
    const double left = tree[node.left].cover, right = tree[node.right].cover;
    mean[i] =
        (left * mean[node.left] + right * mean[node.right]) / (left + right);
  }
  return mean.empty() ? 0 : mean[0];
}

int TreeDepth(const std::vector<GbdtNode>& tree) {
  std::vector<int> depth(tree.size(), 0);
  int deepest = 0;
  for (size_t i = 0; i < tree.size(); ++i) {
    const GbdtNode& node = tree[i];
    deepest = std::max(deepest, depth[i]);
    if (node.feature < 0) continue;
    depth[node.left] = depth[node.right] = depth[i] + 1;
  }
  return deepest;
}

// Recurse at unique depth d writes path elements [0, d] at an offset of
// d + 1 past its parent's, and d <= depth + 1, so the offsets stay below
// (depth + 2) (depth + 3) / 2.
TreeShap::TreeShap(int max_depth)
    : scratch_(static_cast<size_t>((max_depth + 2) * (max_depth + 3) / 2)) {}

void TreeShap::Add(const std::vector<GbdtNode>& tree, const float* row,
                   double scale, double* phi) {
  nodes_ = tree.data();
  row_ = row;
  scale_ = scale;
  phi_ = phi;
  Recurse(0, 0, scratch_.data(), 1, 1, -1);
}

// Appends a feature with the given fractions and updates the weights of
// the subset sizes (the paper's EXTEND).
void TreeShap::Extend(PathElement* path, int depth, double zero_fraction,
                      double one_fraction, int feature) {
  path[depth] = {feature, zero_fraction, one_fraction, depth == 0 ? 1.0 : 0.0};
  const double one_share = one_fraction * reciprocal[depth + 1];
  const double zero_share = zero_fraction * reciprocal[depth + 1];
  for (int i = depth - 1; i >= 0; --i) {
    path[i + 1].weight += one_share * path[i].weight * (i + 1);
    path[i].weight = zero_share * path[i].weight * (depth - i);
  }
}

// Removes element `index`, the inverse of Extend (UNWIND).
void TreeShap::Unwind(PathElement* path, int depth, int index) {
  const double one = path[index].one_fraction;
  const double zero = path[index].zero_fraction;
  double next = path[depth].weight;
  for (int i = depth - 1; i >= 0; --i) {
    if (one != 0) {
      const double w = path[i].weight;
      path[i].weight = next * (depth + 1) / ((i + 1) * one);
      next = w - path[i].weight * zero * (depth - i) / (depth + 1);
    } else {
      path[i].weight = path[i].weight * (depth + 1) / (zero * (depth - i));
    }
  }
  for (int i = index; i < depth; ++i) {
    path[i].feature = path[i + 1].feature;
    path[i].zero_fraction = path[i + 1].zero_fraction;
    path[i].one_fraction = path[i + 1].one_fraction;
  }
}

// The total weight the path would have without element `index`, without
// changing it. A one_fraction is 1 (x goes that way at every split on the
// feature) or 0, and a zero_fraction is never 0 when it is, so the loop
// needs no divisions but by small integers, taken from a table.
double TreeShap::UnwoundSum(const PathElement* path, int depth, int index) {
  const double zero = path[index].zero_fraction;
  const double scale = depth + 1;
  double total = 0;
  if (path[index].one_fraction != 0) {
    const double zero_share = zero * reciprocal[depth + 1];
    double next = path[depth].weight;
    for (int i = depth - 1; i >= 0; --i) {
      const double w = next * scale * reciprocal[i + 1];
      total += w;
      next = path[i].weight - w * zero_share * (depth - i);
    }
  } else {
    const double share = scale / zero;
    for (int i = depth - 1; i >= 0; --i) {
      total += path[i].weight * share * reciprocal[depth - i];
    }
  }
  return total;
}

void TreeShap::Recurse(int node, int depth, PathElement* parent_path,
                       double zero_fraction, double one_fraction, int feature) {
  PathElement* path = parent_path + depth + 1;
  std::copy(parent_path, parent_path + depth + 1, path);
  Extend(path, depth, zero_fraction, one_fraction, feature);
  const GbdtNode& n = nodes_[node];
  if (n.feature < 0) {
    for (int i = 1; i <= depth; ++i) {
      const PathElement& e = path[i];
      phi_[e.feature] += scale_ * UnwoundSum(path, depth, i) *
                         (e.one_fraction - e.zero_fraction) * n.value;
    }
    return;
  }
  const bool left = GoesLeft(n, row_);
  const int hot = left ? n.left : n.right;
  const int cold = left ? n.right : n.left;
  const double cover =
      static_cast<double>(nodes_[n.left].cover) + nodes_[n.right].cover;
  double incoming_zero = 1, incoming_one = 1;
  // A feature met again higher up is taken out and put back with both
  // splits' fractions combined.
  int index = 0;
  while (index <= depth && path[index].feature != n.feature) ++index;
  if (index <= depth) {
    incoming_zero = path[index].zero_fraction;
    incoming_one = path[index].one_fraction;
    Unwind(path, depth, index);
    --depth;
  }
  // A branch with both fractions 0 adds nothing (and Unwind could not
  // divide by them below it).
  const double hot_zero = nodes_[hot].cover / cover * incoming_zero;
  if (hot_zero != 0 || incoming_one != 0) {
    Recurse(hot, depth + 1, path, hot_zero, incoming_one, n.feature);
  }
  const double cold_zero = nodes_[cold].cover / cover * incoming_zero;
  if (cold_zero != 0) Recurse(cold, depth + 1, path, cold_zero, 0, n.feature);
}

std::vector<float> EnsembleContributions(
    const std::vector<std::vector<GbdtNode>>& trees, int num_features,
    double bias, double scale, const FeatureMatrix& x, int threads) {
  int max_depth = 0;
  for (const std::vector<GbdtNode>& tree : trees) {
    max_depth = std::max(max_depth, TreeDepth(tree));
    bias += scale * TreeExpectedValue(tree);
  }
  const size_t width = static_cast<size_t>(num_features) + 1;
  std::vector<float> out(static_cast<size_t>(x.rows()) * width);
  // Each row's sums are its own, so any split of the rows gives the same
  // result.
  auto explain = [&](size_t begin, size_t end) {
    TreeShap shap(max_depth);
    std::vector<double> phi(width);
    for (size_t r = begin; r < end; ++r) {
      std::fill(phi.begin(), phi.end(), 0.0);
      const float* row = x.row(static_cast<Eigen::Index>(r)).data();
      for (const std::vector<GbdtNode>& tree : trees) {
        shap.Add(tree, row, scale, phi.data());
      }
      phi[width - 1] = bias;
      std::copy(phi.begin(), phi.end(), out.begin() + r * width);
    }
  };
  const size_t rows = static_cast<size_t>(x.rows());
  if (threads > 1 && ParallelFor(rows, 16, threads, explain).ok()) return out;
  explain(0, rows);  // Also when threads could not run: rows are rewritten.
  return out;
}

}  // namespace shopml::core::trees_internal
