#include "core/trees/flat_forest.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/util/parallel_for.h"

namespace shopml::core::trees_internal {
namespace {

int KeyOf(const GbdtNode& node) {
  return 2 * node.feature + (node.default_left ? 0 : 1);
}

}  // namespace

FlatForest::FlatForest(const std::vector<std::vector<GbdtNode>>& trees) {
  std::vector<int> keys;
  for (const std::vector<GbdtNode>& tree : trees) {
    for (const GbdtNode& node : tree) {
      if (node.feature >= 0) keys.push_back(KeyOf(node));
    }
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  const float inf = std::numeric_limits<float>::infinity();
  for (int key : keys) columns_.push_back({key / 2, key % 2 == 0 ? -inf : inf});
  if (columns_.empty()) columns_.push_back({0, 0});  // Leaves read column 0.
  trees_.reserve(trees.size());
  for (const std::vector<GbdtNode>& tree : trees) {
    trees_.push_back(Flatten(tree, keys));
  }
}

FlatForest::Tree FlatForest::Flatten(const std::vector<GbdtNode>& tree,
                                     const std::vector<int>& keys) {
  // Breadth-first, a split's children take the next two free indexes.
  std::vector<int> order = {0};
  std::vector<int> depth = {0};
  Tree flat;
  flat.nodes.reserve(tree.size());
  for (size_t k = 0; k < order.size(); ++k) {
    const GbdtNode& node = tree[order[k]];
    Node n;
    flat.values.push_back(node.value);
    if (node.feature < 0) {
      n.threshold = std::numeric_limits<float>::infinity();
      n.left = static_cast<int32_t>(k);
    } else {
      const size_t column =
          std::lower_bound(keys.begin(), keys.end(), KeyOf(node)) -
          keys.begin();
      n.column = static_cast<uint32_t>(column * kBlockRows);
      n.threshold = node.threshold;
      n.left = static_cast<int32_t>(order.size());
      order.push_back(node.left);
      order.push_back(node.right);
      depth.push_back(depth[k] + 1);
      depth.push_back(depth[k] + 1);
      flat.depth = std::max(flat.depth, depth[k] + 1);
    }
    flat.nodes.push_back(n);
  }
  return flat;
}

void FlatForest::Transpose(const FeatureMatrix& x, Eigen::Index begin,
                           Eigen::Index end, float* block) const {
  for (size_t c = 0; c < columns_.size(); ++c) {
    const Column& column = columns_[c];
    float* out = block + c * kBlockRows;
    for (Eigen::Index r = begin; r < end; ++r) {
      const float v = x(r, column.feature);
      out[r - begin] = std::isnan(v) ? column.missing : v;
    }
  }
}

void FlatForest::SumBlock(const float* block, int rows, double* sums) const {
  for (const Tree& tree : trees_) {
    const Node* nodes = tree.nodes.data();
    const float* values = tree.values.data();
    int r = 0;
    for (; r + kLanes <= rows; r += kLanes) {
      const float* lanes = block + r;
      int32_t at[kLanes] = {};
      for (int level = 0; level < tree.depth; ++level) {
#pragma GCC unroll 16
        for (int i = 0; i < kLanes; ++i) {
          const Node& n = nodes[at[i]];
          at[i] = n.left + (lanes[n.column + i] > n.threshold);
        }
      }
      for (int i = 0; i < kLanes; ++i) sums[r + i] += values[at[i]];
    }
    for (; r < rows; ++r) {  // The last rows one at a time.
      int32_t at = 0;
      for (int level = 0; level < tree.depth; ++level) {
        const Node& n = nodes[at];
        at = n.left + (block[n.column + r] > n.threshold);
      }
      sums[r] += values[at];
    }
  }
}

std::vector<double> FlatForest::Sums(const FeatureMatrix& x, double init,
                                     int threads) const {
  const Eigen::Index rows = x.rows();
  std::vector<double> sums(static_cast<size_t>(rows), init);
  auto run = [&](size_t begin_block, size_t end_block) {
    std::vector<float> block(columns_.size() * kBlockRows);
    for (size_t b = begin_block; b < end_block; ++b) {
      const Eigen::Index begin = static_cast<Eigen::Index>(b) * kBlockRows;
      const Eigen::Index end = std::min(rows, begin + kBlockRows);
      Transpose(x, begin, end, block.data());
      SumBlock(block.data(), static_cast<int>(end - begin),
               sums.data() + begin);
    }
  };
  // Eight blocks per task: starting a thread costs about as much as
  // predicting a few hundred rows.
  constexpr size_t kGrain = 8;
  const size_t blocks =
      (static_cast<size_t>(rows) + kBlockRows - 1) / kBlockRows;
  if (threads > 1 && blocks > kGrain) {
    if (ParallelFor(blocks, kGrain, threads, run).ok()) return sums;
    std::fill(sums.begin(), sums.end(), init);  // Redo serially.
  }
  run(0, blocks);
  return sums;
}

}  // namespace shopml::core::trees_internal
