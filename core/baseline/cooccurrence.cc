#include "core/baseline/cooccurrence.h"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "core/baseline/data_checks.h"
#include "core/util/status_macros.h"

namespace shopml::core {
namespace {

struct Entry {
  uint32_t key = 0;
  uint32_t other = 0;
  float weight = 0;
};

// A list of (other, weight) per key in CSR form.
struct Csr {
  std::vector<uint32_t> offsets;
  std::vector<Entry> entries;
};

absl::Status CheckOptions(const CooccurrenceOptions& options) {
  SHOPML_RETURN_IF_ERROR(
      CheckOption("max_neighbors", options.max_neighbors, 1, 1000));
  SHOPML_RETURN_IF_ERROR(CheckOption("shrinkage", options.shrinkage, 0, 1e12));
  SHOPML_RETURN_IF_ERROR(CheckOption("view_weight", options.view_weight, 0, 1));
  if (options.similarity != ItemSimilarity::kCosine &&
      options.similarity != ItemSimilarity::kJaccard) {
    return absl::InvalidArgumentError(absl::StrCat(
        "similarity: unknown value ", static_cast<int>(options.similarity)));
  }
  return absl::OkStatus();
}

// The similarity of items i and j from c_ij and n_i, n_j (see the header).
double Similarity(const CooccurrenceOptions& options, double c_ij, double n_i,
                  double n_j) {
  if (options.similarity == ItemSimilarity::kJaccard) {
    return c_ij / (n_i + n_j - c_ij + options.shrinkage);
  }
  return c_ij / (std::sqrt(n_i * n_j) + options.shrinkage);
}

float EventWeight(const CooccurrenceOptions& options, EventType type) {
  switch (type) {
    case EventType::kPurchase:
      return 1;
    case EventType::kAddToCart:
      return options.include_carts ? 1 : 0;
    case EventType::kView:
      return static_cast<float>(options.view_weight);
    case EventType::kRating:
      return 0;
  }
  return 0;
}

// One entry per (user, item) with a positive weight, the strongest event's.
std::vector<Entry> UserItemWeights(const Interactions& data,
                                   const CooccurrenceOptions& options) {
  std::vector<Entry> pairs;
  for (const Interaction& e : data.events) {
    const float w = EventWeight(options, e.type);
    if (w > 0) pairs.push_back({e.user, e.item, w});
  }
  std::sort(pairs.begin(), pairs.end(), [](const Entry& a, const Entry& b) {
    return std::tie(a.key, a.other, b.weight) <
           std::tie(b.key, b.other, a.weight);
  });
  // The first of each (user, item) run carries the largest weight.
  auto last = std::unique(pairs.begin(), pairs.end(),
                          [](const Entry& a, const Entry& b) {
                            return a.key == b.key && a.other == b.other;
                          });
  pairs.erase(last, pairs.end());
  return pairs;
}

// Groups `entries` by key (stable, so each group keeps the input order).
Csr GroupBy(std::vector<Entry> entries, uint32_t num_keys) {
  Csr csr;
  csr.offsets.assign(num_keys + 1, 0);
  for (const Entry& e : entries) ++csr.offsets[e.key + 1];
  for (uint32_t k = 0; k < num_keys; ++k) csr.offsets[k + 1] += csr.offsets[k];
  csr.entries.resize(entries.size());
  std::vector<uint32_t> fill(csr.offsets.begin(), csr.offsets.end() - 1);
  for (const Entry& e : entries) csr.entries[fill[e.key]++] = e;
  return csr;
}

absl::Status Corrupt(absl::string_view what) {
  return absl::DataLossError(absl::StrCat("cooccurrence model: ", what));
}

}  // namespace

absl::StatusOr<CooccurrenceModel> CooccurrenceModel::Train(
    const Interactions& data, const CooccurrenceOptions& options) {
  SHOPML_RETURN_IF_ERROR(CheckOptions(options));
  SHOPML_RETURN_IF_ERROR(CheckInteractions(data));
  std::vector<Entry> user_items = UserItemWeights(data, options);
  std::vector<Entry> item_users(user_items.size());
  std::transform(user_items.begin(), user_items.end(), item_users.begin(),
                 [](const Entry& e) {
                   return Entry{e.other, e.key, e.weight};
                 });
  const Csr by_user = GroupBy(std::move(user_items), data.num_users);
  const Csr by_item = GroupBy(std::move(item_users), data.num_items);

  std::vector<double> norm2(data.num_items, 0.0);  // n_i.
  for (const Entry& e : by_item.entries) {
    norm2[e.key] += static_cast<double>(e.weight) * e.weight;
  }

  CooccurrenceModel model;
  model.offsets_.assign(1, 0);
  model.offsets_.reserve(data.num_items + 1);
  std::vector<double> counts(data.num_items, 0.0);  // c_ij for the current i.
  std::vector<uint32_t> touched;
  std::vector<Neighbor> row;
  const size_t keep = static_cast<size_t>(options.max_neighbors);
  for (uint32_t i = 0; i < data.num_items; ++i) {
    for (uint32_t a = by_item.offsets[i]; a < by_item.offsets[i + 1]; ++a) {
      const Entry& iu = by_item.entries[a];
      for (uint32_t b = by_user.offsets[iu.other];
           b < by_user.offsets[iu.other + 1]; ++b) {
        const Entry& uj = by_user.entries[b];
        if (uj.other == i) continue;
        if (counts[uj.other] == 0) touched.push_back(uj.other);
        counts[uj.other] += static_cast<double>(iu.weight) * uj.weight;
      }
    }
    row.clear();
    for (uint32_t j : touched) {
      const double score = Similarity(options, counts[j], norm2[i], norm2[j]);
      const float s = std::min(1.0f, static_cast<float>(score));
      if (s > 0) row.push_back({j, s});
      counts[j] = 0;
    }
    touched.clear();
    auto better = [](const Neighbor& a, const Neighbor& b) {
      return a.score != b.score ? a.score > b.score : a.item < b.item;
    };
    if (row.size() > keep) {
      std::partial_sort(row.begin(), row.begin() + keep, row.end(), better);
      row.resize(keep);
    } else {
      std::sort(row.begin(), row.end(), better);
    }
    model.neighbors_.insert(model.neighbors_.end(), row.begin(), row.end());
    model.offsets_.push_back(static_cast<uint32_t>(model.neighbors_.size()));
  }
  return model;
}

absl::StatusOr<CooccurrenceModel> CooccurrenceModel::FromProto(
    const model::v1::CooccurrenceModel& proto) {
  if (proto.format_version() != kFormatVersion) {
    return Corrupt(
        absl::StrCat("unknown format_version ", proto.format_version()));
  }
  const uint32_t num_items = proto.num_items();
  const auto& offsets = proto.offsets();
  if (static_cast<uint64_t>(offsets.size()) !=
      static_cast<uint64_t>(num_items) + 1) {
    return Corrupt(absl::StrCat("offsets: size ", offsets.size(),
                                ", expected num_items + 1"));
  }
  const int num_neighbors = proto.neighbor_items_size();
  if (proto.neighbor_scores_size() != num_neighbors || offsets[0] != 0 ||
      offsets[offsets.size() - 1] != static_cast<uint32_t>(num_neighbors) ||
      !std::is_sorted(offsets.begin(), offsets.end())) {
    return Corrupt("offsets: not a CSR index of neighbor_items and scores");
  }
  CooccurrenceModel model;
  model.offsets_.assign(offsets.begin(), offsets.end());
  model.neighbors_.resize(num_neighbors);
  for (uint32_t i = 0; i < num_items; ++i) {
    for (uint32_t k = offsets[i]; k < offsets[i + 1]; ++k) {
      const uint32_t j = proto.neighbor_items(k);
      const float s = proto.neighbor_scores(k);
      if (j >= num_items || j == i || !(s > 0 && s <= 1)) {
        return Corrupt(absl::StrCat("neighbours of item ", i,
                                    ": bad neighbour ", j, " or score ", s));
      }
      model.neighbors_[k] = {j, s};
    }
  }
  return model;
}

model::v1::CooccurrenceModel CooccurrenceModel::ToProto() const {
  model::v1::CooccurrenceModel proto;
  proto.set_format_version(kFormatVersion);
  proto.set_num_items(num_items());
  proto.mutable_offsets()->Add(offsets_.begin(), offsets_.end());
  proto.mutable_neighbor_items()->Reserve(neighbors_.size());
  proto.mutable_neighbor_scores()->Reserve(neighbors_.size());
  for (const Neighbor& n : neighbors_) {
    proto.add_neighbor_items(n.item);
    proto.add_neighbor_scores(n.score);
  }
  return proto;
}

uint32_t CooccurrenceModel::num_items() const {
  return offsets_.empty() ? 0 : static_cast<uint32_t>(offsets_.size() - 1);
}

absl::Span<const Neighbor> CooccurrenceModel::Neighbors(uint32_t item) const {
  if (item >= num_items()) return {};
  return absl::MakeConstSpan(neighbors_.data() + offsets_[item],
                             offsets_[item + 1] - offsets_[item]);
}

}  // namespace shopml::core
