#include "core/trees/gbdt.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/util/status_macros.h"

namespace shopml::core {
namespace {

absl::Status CheckRange(const char* name, double value, double lo, double hi) {
  if (value >= lo && value <= hi) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(name, ": must be in [", lo, ", ", hi, "], got ", value));
}

absl::Status CheckOptions(const GbdtOptions& o) {
  SHOPML_RETURN_IF_ERROR(CheckRange("num_trees", o.num_trees, 1, 100000));
  SHOPML_RETURN_IF_ERROR(CheckRange("max_depth", o.max_depth, 1, 16));
  SHOPML_RETURN_IF_ERROR(CheckRange("learning_rate", o.learning_rate, 1e-9, 1));
  SHOPML_RETURN_IF_ERROR(
      CheckRange("min_child_weight", o.min_child_weight, 0, 1e12));
  SHOPML_RETURN_IF_ERROR(CheckRange("lambda", o.lambda, 0, 1e12));
  SHOPML_RETURN_IF_ERROR(CheckRange("gamma", o.gamma, 0, 1e12));
  SHOPML_RETURN_IF_ERROR(CheckRange("subsample", o.subsample, 1e-9, 1));
  SHOPML_RETURN_IF_ERROR(CheckRange("colsample", o.colsample, 1e-9, 1));
  SHOPML_RETURN_IF_ERROR(CheckRange("max_bins", o.max_bins, 2, 255));
  return CheckRange("early_stopping_rounds", o.early_stopping_rounds, 0,
                    100000);
}

absl::Status CheckData(const char* name, const GbdtData& data, GbdtLoss loss) {
  if (data.x == nullptr || data.x->rows() == 0) {
    return absl::InvalidArgumentError(absl::StrCat(name, ".x: has no rows"));
  }
  if (data.y.size() != static_cast<size_t>(data.x->rows())) {
    return absl::InvalidArgumentError(absl::StrCat(
        name, ".y: ", data.y.size(), " labels for ", data.x->rows(), " rows"));
  }
  for (size_t i = 0; i < data.y.size(); ++i) {
    const float y = data.y[i];
    if (!std::isfinite(y) ||
        (loss == GbdtLoss::kLogistic && y != 0 && y != 1)) {
      return absl::InvalidArgumentError(absl::StrCat(
          name, ".y[", i, "]: must be ",
          loss == GbdtLoss::kLogistic ? "0 or 1" : "finite", ", got ", y));
    }
  }
  return absl::OkStatus();
}

double Sigmoid(double z) { return 1 / (1 + std::exp(-z)); }

// Mean loss of raw scores against labels.
double Loss(GbdtLoss loss, absl::Span<const float> y,
            const std::vector<float>& raw) {
  double sum = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    if (loss == GbdtLoss::kSquared) {
      const double d = raw[i] - y[i];
      sum += d * d;
    } else {
      const double p = std::clamp(Sigmoid(raw[i]), 1e-15, 1 - 1e-15);
      sum -= y[i] * std::log(p) + (1 - y[i]) * std::log(1 - p);
    }
  }
  return sum / static_cast<double>(y.size());
}

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

// Grows one tree over binned columns.
class TreeBuilder {
 public:
  TreeBuilder(const FeatureBins& bins, const std::vector<uint8_t>& columns,
              size_t num_rows, const std::vector<GradientPair>& gradients,
              const std::vector<int>& features, const GbdtOptions& options,
              std::vector<double>& importance)
      : bins_(bins),
        columns_(columns),
        num_rows_(num_rows),
        gradients_(gradients),
        features_(features),
        options_(options),
        importance_(importance) {}

  std::vector<GbdtNode> Build(std::vector<uint32_t> rows) {
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
    for (size_t i = 0; i < features_.size(); ++i) {
      GradientPair* h = hist.data() + i * kBins;
      const uint8_t* column =
          columns_.data() + static_cast<size_t>(features_[i]) * num_rows_;
      for (uint32_t r : rows) h[column[r]].Add(gradients_[r]);
    }
    return hist;
  }

  // `hist`: the node's histograms when it may split (depth <= max_depth),
  // else empty.
  int Grow(std::vector<uint32_t>& rows, int depth, Histograms hist) {
    GradientPair total;
    for (uint32_t r : rows) total.Add(gradients_[r]);
    const int index = static_cast<int>(nodes_.size());
    nodes_.emplace_back();
    const Split split = hist.empty() ? Split() : BestSplit(hist, total);
    if (split.feature < 0) {
      nodes_[index].value = static_cast<float>(
          -options_.learning_rate * total.g / (total.h + options_.lambda));
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

  Split BestSplit(const Histograms& hist, const GradientPair& total) const {
    Split best;
    best.gain = 0;
    for (size_t i = 0; i < features_.size(); ++i) {
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
  const GbdtOptions& options_;
  std::vector<double>& importance_;
  std::vector<GbdtNode> nodes_;
};

float TreeValue(const std::vector<GbdtNode>& tree, const float* row) {
  const GbdtNode* nodes = tree.data();
  int n = 0;
  while (nodes[n].feature >= 0) {
    const GbdtNode& node = nodes[n];
    const float v = row[node.feature];
    // Branch-free: a NaN compares false, so it goes left only by default.
    const bool left = (v <= node.threshold) | (node.default_left & (v != v));
    n = left ? node.left : node.right;
  }
  return nodes[n].value;
}

void AddTree(const std::vector<GbdtNode>& tree, const FeatureMatrix& x,
             std::vector<float>& raw) {
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    raw[r] += TreeValue(tree, x.row(r).data());
  }
}

std::vector<GradientPair> Gradients(GbdtLoss loss, absl::Span<const float> y,
                                    const std::vector<float>& raw) {
  std::vector<GradientPair> out(y.size());
  for (size_t i = 0; i < y.size(); ++i) {
    if (loss == GbdtLoss::kSquared) {
      out[i] = {raw[i] - y[i], 1.0};
    } else {
      const double p = Sigmoid(raw[i]);
      out[i] = {p - y[i], std::max(p * (1 - p), 1e-16)};
    }
  }
  return out;
}

double BaseScore(GbdtLoss loss, absl::Span<const float> y) {
  const double mean =
      std::accumulate(y.begin(), y.end(), 0.0) / static_cast<double>(y.size());
  if (loss == GbdtLoss::kSquared) return mean;
  const double p = std::clamp(mean, 1e-6, 1 - 1e-6);
  return std::log(p / (1 - p));
}

}  // namespace

absl::StatusOr<GbdtModel> GbdtModel::Train(const GbdtData& train,
                                           const GbdtData* validation,
                                           const GbdtOptions& options) {
  SHOPML_RETURN_IF_ERROR(CheckOptions(options));
  SHOPML_RETURN_IF_ERROR(CheckData("train", train, options.loss));
  if (validation != nullptr) {
    SHOPML_RETURN_IF_ERROR(CheckData("validation", *validation, options.loss));
    if (validation->x->cols() != train.x->cols()) {
      return absl::InvalidArgumentError(
          absl::StrCat("validation.x: ", validation->x->cols(),
                       " features, train has ", train.x->cols()));
    }
  }
  const FeatureMatrix& x = *train.x;
  SHOPML_ASSIGN_OR_RETURN(const FeatureBins bins,
                          BuildFeatureBins(x, options.max_bins));
  const std::vector<uint8_t> columns = BinColumns(x, bins);
  const size_t n = static_cast<size_t>(x.rows());
  const int num_features = static_cast<int>(x.cols());

  GbdtModel model;
  model.loss_ = options.loss;
  model.num_features_ = num_features;
  model.base_score_ = BaseScore(options.loss, train.y);
  model.importance_.assign(num_features, 0.0);
  std::vector<float> raw(n, static_cast<float>(model.base_score_));
  std::vector<float> valid_raw;
  if (validation != nullptr) {
    valid_raw.assign(validation->y.size(),
                     static_cast<float>(model.base_score_));
  }
  double best_loss = std::numeric_limits<double>::infinity();
  int best_trees = 0;
  Random random(options.seed);
  for (int round = 0; round < options.num_trees; ++round) {
    const std::vector<GradientPair> gradients =
        Gradients(options.loss, train.y, raw);
    std::vector<uint32_t> rows;
    rows.reserve(n);
    for (size_t r = 0; r < n; ++r) {
      if (options.subsample >= 1 || random.Unit() < options.subsample) {
        rows.push_back(static_cast<uint32_t>(r));
      }
    }
    std::vector<int> features;
    for (int f = 0; f < num_features; ++f) {
      if (options.colsample >= 1 || random.Unit() < options.colsample) {
        features.push_back(f);
      }
    }
    if (features.empty()) features.push_back(round % num_features);
    TreeBuilder builder(bins, columns, n, gradients, features, options,
                        model.importance_);
    model.trees_.push_back(builder.Build(std::move(rows)));
    AddTree(model.trees_.back(), x, raw);
    model.rounds_run_ = round + 1;
    if (validation == nullptr) continue;
    AddTree(model.trees_.back(), *validation->x, valid_raw);
    const double loss = Loss(options.loss, validation->y, valid_raw);
    if (loss < best_loss) {
      best_loss = loss;
      best_trees = round + 1;
    } else if (options.early_stopping_rounds > 0 &&
               round + 1 - best_trees >= options.early_stopping_rounds) {
      break;
    }
  }
  if (validation != nullptr && best_trees > 0) model.trees_.resize(best_trees);
  return model;
}

std::vector<float> GbdtModel::PredictRaw(const FeatureMatrix& x) const {
  // Tree-major over blocks of rows: one tree's nodes stay in L1 while a
  // block's rows pass through it.
  constexpr Eigen::Index kBlock = 256;
  std::vector<double> raw(static_cast<size_t>(x.rows()), base_score_);
  for (Eigen::Index begin = 0; begin < x.rows(); begin += kBlock) {
    const Eigen::Index end = std::min(x.rows(), begin + kBlock);
    for (const std::vector<GbdtNode>& tree : trees_) {
      for (Eigen::Index r = begin; r < end; ++r) {
        raw[r] += TreeValue(tree, x.row(r).data());
      }
    }
  }
  return std::vector<float>(raw.begin(), raw.end());
}

std::vector<float> GbdtModel::Predict(const FeatureMatrix& x) const {
  std::vector<float> out = PredictRaw(x);
  if (loss_ == GbdtLoss::kLogistic) {
    for (float& v : out) v = static_cast<float>(Sigmoid(v));
  }
  return out;
}

}  // namespace shopml::core
