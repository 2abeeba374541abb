// TreeBuilder: grows one regression tree on binned features from per-row
// gradients and Hessians, the shared core of the tree ensembles (gbdt.h,
// random_forest.h); see gbdt.h for the split gain and leaf values. Internal
// to core/trees.
//
// Thread safety: a TreeBuilder is used by one thread; TreeValue is pure.
#ifndef SHOPML_CORE_TREES_TREE_BUILDER_H_
#define SHOPML_CORE_TREES_TREE_BUILDER_H_

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "core/trees/binning.h"
#include "core/trees/gbdt.h"
#include "core/util/parallel_for.h"

namespace shopml::core::trees_internal {

// SplitMix64, for portable, seedable sampling.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1p-53; }

 private:
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  uint64_t state_;
};

struct GradientPair {
  double g = 0;
  double h = 0;
  void Add(const GradientPair& o) {
    g += o.g;
    h += o.h;
  }
};

struct Split {
  double gain = 0;
  int feature = -1;
  int bin = 0;  // Left: bins <= bin.
  bool default_left = true;
};

// How a tree grows: the GbdtOptions fields of the same names, and
// features_per_split (0: every feature at every split).
struct TreeGrowth {
  int max_depth = 6;
  double learning_rate = 0.1;
  double lambda = 1;
  double gamma = 0;
  double min_child_weight = 1;
  int features_per_split = 0;
  // Threads for the histograms of nodes with at least kParallelWork
  // (rows x features); >= 1.
  int threads = 1;
};

inline constexpr size_t kParallelWork = size_t{1} << 17;

// Grows one tree over binned columns.
class TreeBuilder {
 public:
  TreeBuilder(const FeatureBins& bins, const std::vector<uint8_t>& columns,
              size_t num_rows, const std::vector<GradientPair>& gradients,
              const std::vector<int>& features, const TreeGrowth& options,
              std::vector<double>& importance, Random* random = nullptr)
      : bins_(bins),
        columns_(columns),
        num_rows_(num_rows),
        gradients_(gradients),
        features_(features),
        options_(options),
        importance_(importance),
        random_(random) {}

  // Grows the tree over `rows`. With `leaf_sums`, also adds each row's leaf
  // value to leaf_sums[row] (rows listed twice get it twice).
  std::vector<GbdtNode> Build(std::vector<uint32_t> rows,
                              std::vector<float>* leaf_sums = nullptr) {
    leaf_sums_ = leaf_sums;
    nodes_.clear();
    Histograms hist;
    if (options_.max_depth >= 1) hist = BuildHistograms(rows);
    Grow(rows, 1, std::move(hist));
    return std::move(nodes_);
  }

 private:
  // Per sampled feature (in features_ order), the (G, H) sums of each bin.
  using Histograms = std::vector<GradientPair>;
  static constexpr size_t kBins = 256;

  double Score(const GradientPair& s) const {
    return s.g * s.g / (s.h + options_.lambda);
  }

  Histograms BuildHistograms(const std::vector<uint32_t>& rows) const {
    Histograms hist(features_.size() * kBins);
    // Each feature's histogram is summed in row order by one thread, so the
    // result does not depend on the thread count.
    auto build = [&](size_t begin, size_t end) {
      for (size_t i = begin; i < end; ++i) {
        GradientPair* h = hist.data() + i * kBins;
        const uint8_t* column =
            columns_.data() + static_cast<size_t>(features_[i]) * num_rows_;
        for (uint32_t r : rows) h[column[r]].Add(gradients_[r]);
      }
    };
    if (options_.threads > 1 &&
        rows.size() * features_.size() >= kParallelWork &&
        ParallelFor(features_.size(), 1, options_.threads, build).ok()) {
      return hist;
    }
    // Serially, also when threads could not run (the buffer is rewritten).
    std::fill(hist.begin(), hist.end(), GradientPair());
    build(0, features_.size());
    return hist;
  }

  // `hist`: the node's histograms when it may split (depth <= max_depth),
  // else empty.
  int Grow(std::vector<uint32_t>& rows, int depth, Histograms hist) {
    GradientPair total;
    for (uint32_t r : rows) total.Add(gradients_[r]);
    const int index = static_cast<int>(nodes_.size());
    nodes_.emplace_back();
    nodes_[index].cover = static_cast<float>(total.h);
    const Split split = hist.empty() ? Split() : BestSplit(hist, total);
    if (split.feature < 0) {
      const float value = static_cast<float>(-options_.learning_rate * total.g /
                                             (total.h + options_.lambda));
      nodes_[index].value = value;
      if (leaf_sums_ != nullptr) {
        for (uint32_t r : rows) (*leaf_sums_)[r] += value;
      }
      return index;
    }
    importance_[split.feature] += split.gain;
    const uint8_t* column =
        columns_.data() + static_cast<size_t>(split.feature) * num_rows_;
    std::vector<uint32_t> left, right;
    for (uint32_t r : rows) {
      const uint8_t b = column[r];
      const bool go_left =
          b == kMissingBin ? split.default_left : b <= split.bin;
      (go_left ? left : right).push_back(r);
    }
    rows.clear();
    rows.shrink_to_fit();
    GbdtNode& node = nodes_[index];
    node.feature = split.feature;
    node.threshold = bins_.UpperBound(split.feature, split.bin);
    node.default_left = split.default_left;
    // The smaller child's histograms are built, the larger one's are the
    // parent's minus them (the LightGBM subtraction trick).
    Histograms left_hist, right_hist;
    if (depth + 1 <= options_.max_depth) {
      const bool left_smaller = left.size() <= right.size();
      Histograms small = BuildHistograms(left_smaller ? left : right);
      for (size_t b = 0; b < hist.size(); ++b) {
        hist[b].g -= small[b].g;
        hist[b].h -= small[b].h;
      }
      left_hist = left_smaller ? std::move(small) : std::move(hist);
      right_hist = left_smaller ? std::move(hist) : std::move(small);
    }
    const int l = Grow(left, depth + 1, std::move(left_hist));
    const int r = Grow(right, depth + 1, std::move(right_hist));
    nodes_[index].left = l;
    nodes_[index].right = r;
    return index;
  }

  // Indexes into features_ a split may use: all of them, or
  // features_per_split drawn afresh (random forests).
  std::vector<size_t> SplitCandidates() const {
    std::vector<size_t> all(features_.size());
    for (size_t i = 0; i < all.size(); ++i) all[i] = i;
    const size_t want = static_cast<size_t>(options_.features_per_split);
    if (want == 0 || want >= all.size() || random_ == nullptr) return all;
    for (size_t i = 0; i < want; ++i) {  // Partial Fisher-Yates.
      const size_t j =
          i + static_cast<size_t>(random_->Unit() * (all.size() - i));
      std::swap(all[i], all[std::min(j, all.size() - 1)]);
    }
    all.resize(want);
    return all;
  }

  Split BestSplit(const Histograms& hist, const GradientPair& total) const {
    Split best;
    best.gain = 0;
    for (size_t i : SplitCandidates()) {
      const int f = features_[i];
      const int num_thresholds = static_cast<int>(bins_.thresholds[f].size());
      if (num_thresholds == 0) continue;
      const GradientPair* h = hist.data() + i * kBins;
      const GradientPair missing = h[kMissingBin];
      GradientPair left;
      for (int b = 0; b < num_thresholds; ++b) {
        left.Add(h[b]);
        for (bool missing_left : {true, false}) {
          GradientPair l = left;
          if (missing_left) l.Add(missing);
          const GradientPair r{total.g - l.g, total.h - l.h};
          if (l.h < options_.min_child_weight ||
              r.h < options_.min_child_weight) {
            continue;
          }
          const double gain =
              0.5 * (Score(l) + Score(r) - Score(total)) - options_.gamma;
          if (gain > best.gain + 1e-12) best = {gain, f, b, missing_left};
        }
      }
    }
    return best;
  }

  const FeatureBins& bins_;
  const std::vector<uint8_t>& columns_;
  size_t num_rows_;
  const std::vector<GradientPair>& gradients_;
  const std::vector<int>& features_;
  const TreeGrowth& options_;
  std::vector<double>& importance_;
  Random* random_;
  std::vector<float>* leaf_sums_ = nullptr;
  std::vector<GbdtNode> nodes_;
};

// The leaf value `row` reaches in `tree`.
float TreeValue(const std::vector<GbdtNode>& tree, const float* row);

}  // namespace shopml::core::trees_internal

#endif  // SHOPML_CORE_TREES_TREE_BUILDER_H_
