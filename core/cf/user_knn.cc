#include "core/cf/user_knn.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "core/baseline/data_checks.h"
#include "core/cf/strongest_pairs.h"
#include "core/util/status_macros.h"

namespace shopml::core {
namespace {

constexpr double kMaxWeight = 1000;
// Repeated proto fields hold at most 2^31 - 1 entries.
constexpr size_t kMaxPairs = std::numeric_limits<int32_t>::max();

absl::Status CheckOptions(const UserKnnOptions& options) {
  SHOPML_RETURN_IF_ERROR(CheckOption("neighbors", options.neighbors, 1, 1e4));
  SHOPML_RETURN_IF_ERROR(CheckOption("shrinkage", options.shrinkage, 0, 1e12));
  SHOPML_RETURN_IF_ERROR(
      CheckOption("max_users_per_item", options.max_users_per_item, 1, 1e7));
  SHOPML_RETURN_IF_ERROR(
      CheckOption("purchase_weight", options.purchase_weight, 0, kMaxWeight));
  SHOPML_RETURN_IF_ERROR(
      CheckOption("cart_weight", options.cart_weight, 0, kMaxWeight));
  SHOPML_RETURN_IF_ERROR(
      CheckOption("view_weight", options.view_weight, 0, kMaxWeight));
  SHOPML_RETURN_IF_ERROR(
      CheckOption("rating_weight", options.rating_weight, 0, kMaxWeight));
  if (!std::isfinite(options.rating_threshold)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "rating_threshold: must be finite, got ", options.rating_threshold));
  }
  return absl::OkStatus();
}

// The options with the event weights rounded to float, as a model stores
// and applies them.
UserKnnOptions Stored(UserKnnOptions options) {
  for (double* w : {&options.purchase_weight, &options.cart_weight,
                    &options.view_weight, &options.rating_weight}) {
    *w = static_cast<float>(*w);
  }
  return options;
}

struct Triple {
  uint32_t key = 0;
  uint32_t other = 0;
  float weight = 0;
};

// Sorts by key, then by the larger weight, then by `other`.
bool HeavierFirst(const Triple& a, const Triple& b) {
  return std::tie(a.key, b.weight, a.other) <
         std::tie(b.key, a.weight, b.other);
}

// The valid entries of `history` (item below num_items, weight finite and
// > 0), ascending by item, the weights of a repeated item added.
std::vector<ItemWeight> QueryProfile(absl::Span<const ItemWeight> history,
                                     uint32_t num_items) {
  std::vector<ItemWeight> query;
  for (const ItemWeight& h : history) {
    if (h.item < num_items && std::isfinite(h.weight) && h.weight > 0) {
      query.push_back(h);
    }
  }
  std::stable_sort(
      query.begin(), query.end(),
      [](const ItemWeight& a, const ItemWeight& b) { return a.item < b.item; });
  size_t out = 0;
  for (size_t begin = 0; begin < query.size();) {
    double sum = 0;
    size_t end = begin;
    for (; end < query.size() && query[end].item == query[begin].item; ++end) {
      sum += query[end].weight;
    }
    const float w = static_cast<float>(sum);
    if (std::isfinite(w)) query[out++] = {query[begin].item, w};
    begin = end;
  }
  query.resize(out);
  return query;
}

bool Better(const ScoredItem& a, const ScoredItem& b) {
  return a.score != b.score ? a.score > b.score : a.item < b.item;
}

absl::Status Corrupt(absl::string_view what) {
  return absl::DataLossError(absl::StrCat("user_knn: ", what));
}

int ToInt(uint32_t v) {
  return static_cast<int>(
      std::min<uint32_t>(v, std::numeric_limits<int>::max()));
}

}  // namespace

float UserKnnModel::EventWeight(const Interaction& event) const {
  switch (event.type) {
    case EventType::kView:
      return static_cast<float>(options_.view_weight);
    case EventType::kAddToCart:
      return static_cast<float>(options_.cart_weight);
    case EventType::kPurchase:
      return static_cast<float>(options_.purchase_weight);
    case EventType::kRating:
      return event.rating >= options_.rating_threshold
                 ? static_cast<float>(options_.rating_weight)
                 : 0;
  }
  return 0;
}

absl::StatusOr<UserKnnModel> UserKnnModel::Train(
    const Interactions& data, const UserKnnOptions& options) {
  SHOPML_RETURN_IF_ERROR(CheckOptions(options));
  SHOPML_RETURN_IF_ERROR(CheckInteractions(data));
  UserKnnModel model;
  model.options_ = Stored(options);
  model.num_items_ = data.num_items;

  // One entry per (user, item), the strongest event's weight.
  const std::vector<WeightedPair> pairs = StrongestPairs(
      data.events,
      [&model](const Interaction& e) { return model.EventWeight(e); });
  if (pairs.empty()) {
    return absl::FailedPreconditionError(
        "user_knn: the training data holds no event with a positive weight");
  }
  if (pairs.size() > kMaxPairs) {
    return absl::ResourceExhaustedError(
        absl::StrCat("user_knn: ", pairs.size(), " (user, item) pairs, above ",
                     kMaxPairs, " a model file can hold"));
  }

  model.user_offsets_.assign(static_cast<size_t>(data.num_users) + 1, 0);
  model.profiles_.reserve(pairs.size());
  for (const WeightedPair& p : pairs) {
    ++model.user_offsets_[p.user + 1];
    model.profiles_.push_back({p.item, p.weight});
  }
  for (uint32_t u = 0; u < data.num_users; ++u) {
    model.user_offsets_[u + 1] += model.user_offsets_[u];
  }
  model.BuildIndex();
  return model;
}

void UserKnnModel::BuildIndex() {
  const uint32_t n = num_users();
  user_norms_.assign(n, 0.0);
  std::vector<Triple> by_item;  // (item, user, weight).
  by_item.reserve(profiles_.size());
  for (uint32_t u = 0; u < n; ++u) {
    double norm2 = 0;
    for (const ItemWeight& e : Profile(u)) {
      norm2 += static_cast<double>(e.weight) * e.weight;
      by_item.push_back({e.item, u, e.weight});
    }
    user_norms_[u] = std::sqrt(norm2);
  }
  std::sort(by_item.begin(), by_item.end(), HeavierFirst);

  const size_t cap = static_cast<size_t>(options_.max_users_per_item);
  indexed_items_.clear();
  item_offsets_.assign(1, 0);
  postings_.clear();
  for (size_t begin = 0; begin < by_item.size();) {
    size_t end = begin;
    while (end < by_item.size() && by_item[end].key == by_item[begin].key) {
      ++end;
    }
    for (size_t r = begin; r < std::min(end, begin + cap); ++r) {
      postings_.push_back({by_item[r].other, by_item[r].weight});
    }
    indexed_items_.push_back(by_item[begin].key);
    item_offsets_.push_back(static_cast<uint32_t>(postings_.size()));
    begin = end;
  }
}

absl::StatusOr<UserKnnModel> UserKnnModel::FromProto(
    const model::v1::UserKnnModel& proto) {
  if (proto.format_version() != kFormatVersion) {
    return Corrupt(
        absl::StrCat("unknown format_version ", proto.format_version()));
  }
  UserKnnOptions options;
  options.neighbors = ToInt(proto.neighbors());
  options.shrinkage = proto.shrinkage();
  options.max_users_per_item = ToInt(proto.max_users_per_item());
  options.purchase_weight = proto.purchase_weight();
  options.cart_weight = proto.cart_weight();
  options.view_weight = proto.view_weight();
  options.rating_weight = proto.rating_weight();
  options.rating_threshold = proto.rating_threshold();
  if (absl::Status s = CheckOptions(options); !s.ok()) {
    return Corrupt(s.message());
  }

  const auto& offsets = proto.user_offsets();
  const int num_pairs = proto.user_items_size();
  if (offsets.empty() || proto.user_weights_size() != num_pairs ||
      offsets[0] != 0 ||
      offsets[offsets.size() - 1] != static_cast<uint32_t>(num_pairs) ||
      !std::is_sorted(offsets.begin(), offsets.end())) {
    return Corrupt("user_offsets: not a CSR index of user_items and weights");
  }
  UserKnnModel model;
  model.options_ = options;
  model.num_items_ = proto.num_items();
  model.user_offsets_.assign(offsets.begin(), offsets.end());
  model.profiles_.resize(num_pairs);
  for (int u = 0; u + 1 < offsets.size(); ++u) {
    for (uint32_t r = offsets[u]; r < offsets[u + 1]; ++r) {
      const uint32_t item = proto.user_items(r);
      const float w = proto.user_weights(r);
      if (item >= model.num_items_ ||
          (r > offsets[u] && item <= proto.user_items(r - 1)) ||
          !(std::isfinite(w) && w > 0 && w <= kMaxWeight)) {
        return Corrupt(absl::StrCat("profile of user ", u, ": bad item ", item,
                                    " or weight ", w));
      }
      model.profiles_[r] = {item, w};
    }
  }
  model.BuildIndex();
  return model;
}

model::v1::UserKnnModel UserKnnModel::ToProto() const {
  model::v1::UserKnnModel proto;
  proto.set_format_version(kFormatVersion);
  proto.set_num_items(num_items_);
  proto.set_neighbors(static_cast<uint32_t>(options_.neighbors));
  proto.set_shrinkage(options_.shrinkage);
  proto.set_max_users_per_item(
      static_cast<uint32_t>(options_.max_users_per_item));
  proto.set_purchase_weight(static_cast<float>(options_.purchase_weight));
  proto.set_cart_weight(static_cast<float>(options_.cart_weight));
  proto.set_view_weight(static_cast<float>(options_.view_weight));
  proto.set_rating_weight(static_cast<float>(options_.rating_weight));
  proto.set_rating_threshold(options_.rating_threshold);
  proto.mutable_user_offsets()->Add(user_offsets_.begin(), user_offsets_.end());
  proto.mutable_user_items()->Reserve(profiles_.size());
  proto.mutable_user_weights()->Reserve(profiles_.size());
  for (const ItemWeight& e : profiles_) {
    proto.add_user_items(e.item);
    proto.add_user_weights(e.weight);
  }
  return proto;
}

std::vector<ItemWeight> UserKnnModel::HistoryFromEvents(
    absl::Span<const Interaction> events) const {
  return StrongestItems(
      events, [this](const Interaction& e) { return EventWeight(e); });
}

absl::Span<const ItemWeight> UserKnnModel::Profile(uint32_t user) const {
  if (user >= num_users()) return {};
  return absl::MakeConstSpan(profiles_.data() + user_offsets_[user],
                             user_offsets_[user + 1] - user_offsets_[user]);
}

absl::Span<const UserKnnModel::Posting> UserKnnModel::Users(
    uint32_t item) const {
  auto it =
      std::lower_bound(indexed_items_.begin(), indexed_items_.end(), item);
  if (it == indexed_items_.end() || *it != item) return {};
  const size_t r = static_cast<size_t>(it - indexed_items_.begin());
  return absl::MakeConstSpan(postings_.data() + item_offsets_[r],
                             item_offsets_[r + 1] - item_offsets_[r]);
}

std::vector<UserKnnModel::SimilarUser> UserKnnModel::NearestUsers(
    absl::Span<const ItemWeight> query, std::optional<uint32_t> self) const {
  double norm2 = 0;
  absl::flat_hash_map<uint32_t, double> dots;
  for (const ItemWeight& q : query) {
    norm2 += static_cast<double>(q.weight) * q.weight;
    for (const Posting& p : Users(q.item)) {
      if (self.has_value() && p.user == *self) continue;
      dots[p.user] += static_cast<double>(q.weight) * p.weight;
    }
  }
  const double query_norm = std::sqrt(norm2);
  std::vector<SimilarUser> nearest;
  nearest.reserve(dots.size());
  for (const auto& [user, dot] : dots) {
    nearest.push_back(
        {user, dot / (query_norm * user_norms_[user] + options_.shrinkage)});
  }
  const auto more_similar = [](const SimilarUser& a, const SimilarUser& b) {
    return a.similarity != b.similarity ? a.similarity > b.similarity
                                        : a.user < b.user;
  };
  const size_t keep =
      std::min(nearest.size(), static_cast<size_t>(options_.neighbors));
  std::partial_sort(nearest.begin(), nearest.begin() + keep, nearest.end(),
                    more_similar);
  nearest.resize(keep);
  return nearest;
}

std::vector<ScoredItem> UserKnnModel::Score(
    absl::Span<const ItemWeight> history, std::optional<uint32_t> self) const {
  const std::vector<ItemWeight> query = QueryProfile(history, num_items_);
  // Each item's sum adds the neighbours in a fixed order (most similar
  // first), so equal models give bit-identical scores.
  absl::flat_hash_map<uint32_t, double> sums;
  for (const SimilarUser& v : NearestUsers(query, self)) {
    for (const ItemWeight& e : Profile(v.user)) {
      sums[e.item] += v.similarity * e.weight;
    }
  }
  std::vector<ScoredItem> scores;
  scores.reserve(sums.size());
  for (const auto& [item, sum] : sums) {
    const float s = static_cast<float>(sum);
    if (s > 0) scores.push_back({item, s});
  }
  std::sort(
      scores.begin(), scores.end(),
      [](const ScoredItem& a, const ScoredItem& b) { return a.item < b.item; });
  return scores;
}

absl::StatusOr<std::vector<ScoredItem>> UserKnnModel::TopK(
    absl::Span<const ItemWeight> history, int k,
    std::optional<uint32_t> self) const {
  return SelectTopK(history, k, nullptr, self);
}

absl::StatusOr<std::vector<ScoredItem>> UserKnnModel::TopK(
    absl::Span<const ItemWeight> history, int k, ItemPredicate filter,
    std::optional<uint32_t> self) const {
  return SelectTopK(history, k, &filter, self);
}

absl::StatusOr<std::vector<ScoredItem>> UserKnnModel::SelectTopK(
    absl::Span<const ItemWeight> history, int k, const ItemPredicate* filter,
    std::optional<uint32_t> self) const {
  if (k < 1) {
    return absl::InvalidArgumentError(absl::StrCat("k: must be >= 1, got ", k));
  }
  std::vector<ScoredItem> candidates = Score(history, self);
  if (filter != nullptr) {
    candidates.erase(std::remove_if(candidates.begin(), candidates.end(),
                                    [filter](const ScoredItem& s) {
                                      return !(*filter)(s.item);
                                    }),
                     candidates.end());
  }
  const size_t keep = std::min(candidates.size(), static_cast<size_t>(k));
  std::partial_sort(candidates.begin(), candidates.begin() + keep,
                    candidates.end(), Better);
  candidates.resize(keep);
  return candidates;
}

}  // namespace shopml::core
