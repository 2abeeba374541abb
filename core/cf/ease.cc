#include "core/cf/ease.h"

#include <algorithm>
#include <cmath>
#include <new>
#include <tuple>

#include "Eigen/Cholesky"
#include "absl/strings/str_cat.h"
#include "core/baseline/data_checks.h"
#include "core/cf/cf_matrix_proto.h"
#include "core/cf/strongest_pairs.h"
#include "core/util/status_macros.h"

namespace shopml::core {
namespace {

// B must fit one protobuf message (2 GB): 4 * n^2 bytes.
constexpr int kMaxItemsLimit = 23170;

absl::Status CheckOptions(const EaseOptions& options) {
  SHOPML_RETURN_IF_ERROR(CheckPositive("lambda", options.lambda));
  SHOPML_RETURN_IF_ERROR(CheckOption("lambda", options.lambda, 0, 1e12));
  SHOPML_RETURN_IF_ERROR(
      CheckOption("max_items", options.max_items, 1, kMaxItemsLimit));
  SHOPML_RETURN_IF_ERROR(
      CheckOption("purchase_weight", options.purchase_weight, 0, 1000));
  SHOPML_RETURN_IF_ERROR(
      CheckOption("cart_weight", options.cart_weight, 0, 1000));
  SHOPML_RETURN_IF_ERROR(
      CheckOption("view_weight", options.view_weight, 0, 1000));
  return CheckOption("rating_weight", options.rating_weight, 0, 1000);
}

using Entry = WeightedPair;

// B for the (user, item, weight) entries, ordered by user then item, one per
// pair. Throws std::bad_alloc when a matrix cannot be allocated.
template <typename Scalar>
absl::Status SolveEase(const std::vector<Entry>& entries, int64_t n,
                       double lambda, RowMatrixXf& weights) {
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  using Array = Eigen::Array<Scalar, Eigen::Dynamic, 1>;
  // The lower triangle of G = X^T X + lambda I, one user at a time: each
  // user adds x_ui x_uj for every pair of their items.
  Matrix gram = Matrix::Zero(n, n);
  for (size_t begin = 0; begin < entries.size();) {
    size_t end = begin;
    while (end < entries.size() && entries[end].user == entries[begin].user) {
      ++end;
    }
    // Items ascend within the user, so (a, b) with a >= b is on or below the
    // diagonal; the inner loop walks down one column (contiguous).
    for (size_t b = begin; b < end; ++b) {
      const Scalar wb = entries[b].weight;
      Scalar* column = gram.col(entries[b].item).data();
      for (size_t a = b; a < end; ++a) {
        column[entries[a].item] += entries[a].weight * wb;
      }
    }
    begin = end;
  }
  gram.diagonal().array() += static_cast<Scalar>(lambda);

  // P = G^-1 from the Cholesky factor, computed in place (it reads only the
  // lower triangle).
  Eigen::LLT<Eigen::Ref<Matrix>, Eigen::Lower> llt(gram);
  if (llt.info() != Eigen::Success) {
    return absl::InternalError(
        "ease: Cholesky factorisation of X^T X + lambda I failed");
  }
  Matrix p = Matrix::Identity(n, n);
  llt.solveInPlace(p);
  gram.resize(0, 0);

  // B_ij = -P_ij / P_jj. P is symmetric, so row i of B is column i of P
  // (contiguous) over the diagonal.
  weights.resize(n, n);
  const Array inverse_diagonal = p.diagonal().array().inverse();
  for (int64_t i = 0; i < n; ++i) {
    weights.row(i) = (-p.col(i).array() * inverse_diagonal)
                         .template cast<float>()
                         .transpose();
    weights(i, i) = 0;
  }
  return absl::OkStatus();
}

absl::Status Corrupt(absl::string_view what) {
  return absl::DataLossError(absl::StrCat("ease: ", what));
}

bool FiniteNonNegative(float v) { return std::isfinite(v) && v >= 0; }

}  // namespace

float EaseModel::EventWeight(EventType type) const {
  switch (type) {
    case EventType::kView:
      return view_weight_;
    case EventType::kAddToCart:
      return cart_weight_;
    case EventType::kPurchase:
      return purchase_weight_;
    case EventType::kRating:
      return rating_weight_;
  }
  return 0;
}

absl::StatusOr<EaseModel> EaseModel::Train(const Interactions& data,
                                           const EaseOptions& options) {
  SHOPML_RETURN_IF_ERROR(CheckOptions(options));
  SHOPML_RETURN_IF_ERROR(CheckInteractions(data));
  const int64_t n = data.num_items;
  if (n > options.max_items) {
    return absl::FailedPreconditionError(
        absl::StrCat("ease: the catalogue has ", n, " items, above max_items ",
                     options.max_items, " (B alone would take ",
                     n * n * 4 / (1 << 20), " MiB)"));
  }
  EaseModel model;
  model.lambda_ = options.lambda;
  model.view_weight_ = static_cast<float>(options.view_weight);
  model.cart_weight_ = static_cast<float>(options.cart_weight);
  model.purchase_weight_ = static_cast<float>(options.purchase_weight);
  model.rating_weight_ = static_cast<float>(options.rating_weight);

  // One entry per (user, item) with a positive weight, the strongest event's,
  // ordered by user then item.
  const std::vector<Entry> entries = StrongestPairs(
      data.events,
      [&model](const Interaction& e) { return model.EventWeight(e.type); });
  if (entries.empty()) {
    return absl::FailedPreconditionError(
        "ease: the training data holds no event with a positive weight");
  }

  try {
    SHOPML_RETURN_IF_ERROR(
        options.double_precision
            ? SolveEase<double>(entries, n, options.lambda, model.weights_)
            : SolveEase<float>(entries, n, options.lambda, model.weights_));
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "ease: cannot allocate the ", n, " x ", n, " matrices of training"));
  }
  if (!model.weights_.allFinite()) {
    return absl::InternalError("ease: B holds a value that is not finite");
  }
  return model;
}

absl::StatusOr<EaseModel> EaseModel::FromProto(
    const model::v1::EaseModel& proto) {
  if (proto.format_version() != kFormatVersion) {
    return Corrupt(
        absl::StrCat("unknown format_version ", proto.format_version()));
  }
  if (!std::isfinite(proto.lambda()) || proto.lambda() <= 0) {
    return Corrupt("lambda not finite and > 0");
  }
  if (!FiniteNonNegative(proto.view_weight()) ||
      !FiniteNonNegative(proto.cart_weight()) ||
      !FiniteNonNegative(proto.purchase_weight()) ||
      !FiniteNonNegative(proto.rating_weight())) {
    return Corrupt("an event weight is not finite and >= 0");
  }
  if (proto.weights().rows() != proto.weights().cols()) {
    return Corrupt(absl::StrCat("weights is ", proto.weights().rows(), " x ",
                                proto.weights().cols(), ", not square"));
  }
  EaseModel model;
  SHOPML_ASSIGN_OR_RETURN(model.weights_,
                          MatrixFromProto(proto.weights(), "ease: weights"));
  if (!(model.weights_.diagonal().array() == 0).all()) {
    return Corrupt("weights has a nonzero diagonal entry");
  }
  model.lambda_ = proto.lambda();
  model.view_weight_ = proto.view_weight();
  model.cart_weight_ = proto.cart_weight();
  model.purchase_weight_ = proto.purchase_weight();
  model.rating_weight_ = proto.rating_weight();
  return model;
}

model::v1::EaseModel EaseModel::ToProto() const {
  model::v1::EaseModel proto;
  proto.set_format_version(kFormatVersion);
  proto.set_lambda(lambda_);
  MatrixToProto(weights_, proto.mutable_weights());
  proto.set_view_weight(view_weight_);
  proto.set_cart_weight(cart_weight_);
  proto.set_purchase_weight(purchase_weight_);
  proto.set_rating_weight(rating_weight_);
  return proto;
}

std::vector<ItemWeight> EaseModel::HistoryFromEvents(
    absl::Span<const Interaction> events) const {
  return StrongestItems(
      events, [this](const Interaction& e) { return EventWeight(e.type); });
}

Eigen::VectorXf EaseModel::ScoreUser(
    absl::Span<const ItemWeight> history) const {
  Eigen::VectorXf scores = Eigen::VectorXf::Zero(num_items());
  for (const ItemWeight& h : history) {
    if (h.item < num_items() && std::isfinite(h.weight)) {
      scores += h.weight * weights_.row(h.item).transpose();
    }
  }
  return scores;
}

absl::StatusOr<std::vector<ScoredItem>> EaseModel::TopK(
    absl::Span<const ItemWeight> history, int k) const {
  return SelectTopK(history, k, nullptr);
}

absl::StatusOr<std::vector<ScoredItem>> EaseModel::TopK(
    absl::Span<const ItemWeight> history, int k, ItemPredicate filter) const {
  return SelectTopK(history, k, &filter);
}

absl::StatusOr<std::vector<ScoredItem>> EaseModel::SelectTopK(
    absl::Span<const ItemWeight> history, int k,
    const ItemPredicate* filter) const {
  if (k < 1) {
    return absl::InvalidArgumentError(absl::StrCat("k: must be >= 1, got ", k));
  }
  const Eigen::VectorXf scores = ScoreUser(history);
  std::vector<bool> excluded(num_items(), false);
  for (const ItemWeight& h : history) {
    if (h.item < num_items()) excluded[h.item] = true;
  }
  std::vector<ScoredItem> candidates;
  for (uint32_t item = 0; item < num_items(); ++item) {
    if (excluded[item] || !(scores(item) > 0)) continue;
    if (filter != nullptr && !(*filter)(item)) continue;
    candidates.push_back({item, scores(item)});
  }
  const auto better = [](const ScoredItem& a, const ScoredItem& b) {
    return a.score != b.score ? a.score > b.score : a.item < b.item;
  };
  const size_t keep = std::min(candidates.size(), static_cast<size_t>(k));
  std::partial_sort(candidates.begin(), candidates.begin() + keep,
                    candidates.end(), better);
  candidates.resize(keep);
  return candidates;
}

}  // namespace shopml::core
