#include "core/trees/flat_forest.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/util/parallel_for.h"

namespace shopml::core::trees_internal {
namespace {

int KeyOf(const GbdtNode& node) {
  return 2 * node.feature + (node.default_left ? 0 : 1);
}

// Where node's column starts in a block.
uint32_t ColumnOffset(const std::vector<int>& keys, const GbdtNode& node) {
  const size_t column =
      std::lower_bound(keys.begin(), keys.end(), KeyOf(node)) - keys.begin();
  return static_cast<uint32_t>(column * FlatForest::kBlockRows);
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
  const float inf = std::numeric_limits<float>::infinity();
  // Breadth-first, a split's children take the next two free indexes.
  std::vector<int> order = {0};
  std::vector<int> depth = {0};
  Tree flat;
  for (size_t k = 0; k < order.size(); ++k) {
    const GbdtNode& node = tree[order[k]];
    if (node.feature < 0) {
      flat.nodes.push_back({0, inf});
      flat.left.push_back(static_cast<uint32_t>(k));
    } else {
      flat.nodes.push_back({ColumnOffset(keys, node), node.threshold});
      flat.left.push_back(static_cast<uint32_t>(order.size()));
      order.push_back(node.left);
      order.push_back(node.right);
      depth.push_back(depth[k] + 1);
      depth.push_back(depth[k] + 1);
      flat.depth = std::max(flat.depth, depth[k] + 1);
    }
    flat.values.push_back(node.value);
  }
  // Complete only when that at most about quadruples the nodes (or the
  // tree is small anyway).
  const size_t leaves = size_t{1} << std::min(flat.depth, 30);
  if (flat.depth > kMaxCompleteDepth ||
      (flat.depth > 6 && leaves > 2 * tree.size())) {
    return flat;
  }
  Tree complete;
  complete.depth = flat.depth;
  complete.nodes.assign(leaves - 1, {0, inf});
  complete.values.assign(2 * leaves - 1, 0.0f);
  FillComplete(tree, keys, 0, 0, complete);
  return complete;
}

// Writes the subtree of tree[node] at index `at` of the complete `out`.
void FlatForest::FillComplete(const std::vector<GbdtNode>& tree,
                              const std::vector<int>& keys, int node, size_t at,
                              Tree& out) {
  const GbdtNode& n = tree[node];
  if (at >= out.nodes.size()) {  // Depth D: a leaf.
    out.values[at] = n.value;
    return;
  }
  if (n.feature < 0) {
    // Splits of +inf (as initialised) over copies of the value.
    FillComplete(tree, keys, node, 2 * at + 1, out);
    FillComplete(tree, keys, node, 2 * at + 2, out);
    return;
  }
  out.nodes[at] = {ColumnOffset(keys, n), n.threshold};
  FillComplete(tree, keys, n.left, 2 * at + 1, out);
  FillComplete(tree, keys, n.right, 2 * at + 2, out);
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

inline uint32_t FlatForest::StepComplete(const Node* nodes, const float* lane,
                                         uint32_t at) {
  const Node& n = nodes[at];
  return 2 * at + 1 + (lane[n.column] > n.threshold);
}

inline uint32_t FlatForest::StepSparse(const Node* nodes, const uint32_t* left,
                                       const float* lane, uint32_t at) {
  const Node& n = nodes[at];
  return left[at] + (lane[n.column] > n.threshold);
}

#if defined(__SSE2__)
// The first three levels of a complete tree for the kLanes rows at
// `lanes`, four rows per SSE2 compare: all seven nodes are tested and the
// path picked with masks, so at[i] ends at node 7 + 4 b0 + 2 b1 + b2.
void FlatForest::TopLevels(const Node* nodes, const float* lanes,
                           uint32_t* at) {
  for (int v = 0; v < kLanes; v += 4) {
    auto right = [&](int node) {
      const Node& n = nodes[node];
      return _mm_cmpgt_ps(_mm_loadu_ps(lanes + n.column + v),
                          _mm_set1_ps(n.threshold));
    };
    auto select = [](__m128 mask, __m128 yes, __m128 no) {
      return _mm_or_ps(_mm_and_ps(mask, yes), _mm_andnot_ps(mask, no));
    };
    const __m128 b0 = right(0);
    const __m128 b1 = select(b0, right(2), right(1));
    const __m128 b2 = select(b0, select(b1, right(6), right(5)),
                             select(b1, right(4), right(3)));
    auto bit = [](__m128 mask, int value) {
      return _mm_and_si128(_mm_castps_si128(mask), _mm_set1_epi32(value));
    };
    const __m128i index =
        _mm_add_epi32(_mm_add_epi32(_mm_set1_epi32(7), bit(b0, 4)),
                      _mm_add_epi32(bit(b1, 2), bit(b2, 1)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(at + v), index);
  }
}
#endif

void FlatForest::SumGroups(const Tree& tree, const float* block, int rows,
                           double* sums) {
  const Node* nodes = tree.nodes.data();
  const uint32_t* left = tree.left.data();
  const float* values = tree.values.data();
  for (int r = 0; r + kLanes <= rows; r += kLanes) {
    const float* lanes = block + r;
    uint32_t at[kLanes] = {};
    if (tree.left.empty()) {
      int level = 0;
#if defined(__SSE2__)
      if (tree.depth >= 3) {
        TopLevels(nodes, lanes, at);
        level = 3;
      }
#endif
      for (; level < tree.depth; ++level) {
#pragma GCC unroll 16
        for (int i = 0; i < kLanes; ++i) {
          at[i] = StepComplete(nodes, lanes + i, at[i]);
        }
      }
    } else {
      for (int level = 0; level < tree.depth; ++level) {
#pragma GCC unroll 16
        for (int i = 0; i < kLanes; ++i) {
          at[i] = StepSparse(nodes, left, lanes + i, at[i]);
        }
      }
    }
    for (int i = 0; i < kLanes; ++i) sums[r + i] += values[at[i]];
  }
}

void FlatForest::SumRow(const float* lane, double* sum) const {
  // Too few rows to overlap: walk runs of up to kLanes complete trees of
  // one depth in lockstep instead, adding their values in tree order.
  const size_t num_trees = trees_.size();
  size_t t = 0;
  while (t < num_trees) {
    const Tree& first = trees_[t];
    if (!first.left.empty()) {  // A sparse tree, alone.
      uint32_t at = 0;
      for (int level = 0; level < first.depth; ++level) {
        at = StepSparse(first.nodes.data(), first.left.data(), lane, at);
      }
      *sum += first.values[at];
      ++t;
      continue;
    }
    size_t end = t + 1;
    while (end < num_trees && end - t < kLanes && trees_[end].left.empty() &&
           trees_[end].depth == first.depth) {
      ++end;
    }
    uint32_t at[kLanes] = {};
    for (int level = 0; level < first.depth; ++level) {
      for (size_t i = 0; i < end - t; ++i) {
        at[i] = StepComplete(trees_[t + i].nodes.data(), lane, at[i]);
      }
    }
    for (size_t i = 0; i < end - t; ++i) *sum += trees_[t + i].values[at[i]];
    t = end;
  }
}

void FlatForest::SumBlock(const float* block, int rows, double* sums) const {
  for (const Tree& tree : trees_) SumGroups(tree, block, rows, sums);
  for (int r = rows - rows % kLanes; r < rows; ++r) SumRow(block + r, sums + r);
}

std::vector<double> FlatForest::Sums(const FeatureMatrix& x, double init,
                                     int threads) const {
  const Eigen::Index rows = x.rows();
  std::vector<double> sums(static_cast<size_t>(rows), init);
  auto run = [&](size_t begin_block, size_t end_block) {
    // Left uninitialised: the walks read only the rows Transpose wrote, and
    // a one-row batch would spend longer clearing the block than walking.
    const std::unique_ptr<float[]> block(
        new float[columns_.size() * kBlockRows]);
    for (size_t b = begin_block; b < end_block; ++b) {
      const Eigen::Index begin = static_cast<Eigen::Index>(b) * kBlockRows;
      const Eigen::Index end = std::min(rows, begin + kBlockRows);
      Transpose(x, begin, end, block.get());
      SumBlock(block.get(), static_cast<int>(end - begin), sums.data() + begin);
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
