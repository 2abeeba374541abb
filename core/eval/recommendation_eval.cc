#include "core/eval/recommendation_eval.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"

namespace shopml::core {
namespace {

using Pair = std::pair<uint32_t, uint32_t>;  // (user, item)

// Distinct (user, item) pairs with a purchase, sorted.
std::vector<Pair> PurchasePairs(const Interactions& data) {
  std::vector<Pair> pairs;
  for (const Interaction& e : data.events) {
    if (e.type == EventType::kPurchase) pairs.emplace_back(e.user, e.item);
  }
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  return pairs;
}

// The items of `user` in sorted `pairs`.
std::vector<uint32_t> ItemsOf(const std::vector<Pair>& pairs, uint32_t user) {
  auto begin = std::lower_bound(pairs.begin(), pairs.end(), Pair(user, 0));
  std::vector<uint32_t> items;
  for (auto it = begin; it != pairs.end() && it->first == user; ++it) {
    items.push_back(it->second);
  }
  return items;
}

bool Contains(const std::vector<uint32_t>& sorted, uint32_t item) {
  return std::binary_search(sorted.begin(), sorted.end(), item);
}

struct HistoryEntry {
  uint32_t user = 0;
  uint32_t item = 0;
  double weight = 0;
};

// Each (user, item) of `data` with a view, cart or purchase, weighted 1 for a
// purchase or cart and view_weight for views only; sorted by user, item.
std::vector<HistoryEntry> Histories(const Interactions& data,
                                    double view_weight) {
  std::vector<HistoryEntry> entries;
  for (const Interaction& e : data.events) {
    if (e.type == EventType::kRating) continue;
    entries.push_back(
        {e.user, e.item, e.type == EventType::kView ? view_weight : 1.0});
  }
  std::sort(entries.begin(), entries.end(),
            [](const HistoryEntry& a, const HistoryEntry& b) {
              return std::tie(a.user, a.item, b.weight) <
                     std::tie(b.user, b.item, a.weight);
            });
  auto last = std::unique(entries.begin(), entries.end(),
                          [](const HistoryEntry& a, const HistoryEntry& b) {
                            return a.user == b.user && a.item == b.item;
                          });
  entries.erase(last, entries.end());
  return entries;
}

std::vector<uint32_t> RecommendFromHistory(
    const CooccurrenceModel& model, absl::Span<const HistoryEntry> history,
    const std::vector<uint32_t>& exclude, int k) {
  absl::flat_hash_map<uint32_t, double> scores;
  for (const HistoryEntry& h : history) {
    for (const Neighbor& n : model.Neighbors(h.item)) {
      if (!Contains(exclude, n.item)) scores[n.item] += h.weight * n.score;
    }
  }
  std::vector<std::pair<double, uint32_t>> ranked;
  ranked.reserve(scores.size());
  for (const auto& [item, score] : scores) ranked.emplace_back(score, item);
  auto better = [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  };
  const size_t n = std::min(ranked.size(), static_cast<size_t>(k));
  std::partial_sort(ranked.begin(), ranked.begin() + n, ranked.end(), better);
  std::vector<uint32_t> items;
  for (size_t r = 0; r < n; ++r) items.push_back(ranked[r].second);
  return items;
}

}  // namespace

std::vector<HeldOutUser> HeldOutPurchases(const Interactions& train,
                                          const Interactions& test) {
  const std::vector<Pair> before = PurchasePairs(train);
  std::vector<HeldOutUser> users;
  for (const Pair& p : PurchasePairs(test)) {
    if (std::binary_search(before.begin(), before.end(), p)) continue;
    if (users.empty() || users.back().user != p.first) {
      users.push_back({p.first, {}, ItemsOf(before, p.first)});
    }
    users.back().relevant.push_back(p.second);
  }
  return users;
}

RankingMetrics EvaluatePopularity(const PopularityModel& model,
                                  const Interactions& train,
                                  const Interactions& test, int k) {
  RankingAccumulator accumulator(k);
  std::vector<uint32_t> list;
  for (const HeldOutUser& user : HeldOutPurchases(train, test)) {
    list.clear();
    for (uint32_t item : model.Ranked()) {
      if (list.size() == static_cast<size_t>(k)) break;
      if (!Contains(user.purchased_before, item)) list.push_back(item);
    }
    accumulator.Add(list, user.relevant);
  }
  return accumulator.Result();
}

RankingMetrics EvaluateCooccurrence(const CooccurrenceModel& model,
                                    const Interactions& train,
                                    const Interactions& test, int k,
                                    double view_weight, double* coverage) {
  const std::vector<HistoryEntry> histories = Histories(train, view_weight);
  RankingAccumulator accumulator(k);
  int64_t served = 0;
  int64_t evaluated = 0;
  for (const HeldOutUser& user : HeldOutPurchases(train, test)) {
    auto begin = std::lower_bound(
        histories.begin(), histories.end(), user.user,
        [](const HistoryEntry& h, uint32_t u) { return h.user < u; });
    auto end = begin;
    while (end != histories.end() && end->user == user.user) ++end;
    const std::vector<uint32_t> list = RecommendFromHistory(
        model,
        absl::MakeConstSpan(histories.data() + (begin - histories.begin()),
                            static_cast<size_t>(end - begin)),
        user.purchased_before, k);
    accumulator.Add(list, user.relevant);
    ++evaluated;
    if (!list.empty()) ++served;
  }
  if (coverage != nullptr) {
    *coverage = evaluated > 0 ? static_cast<double>(served) /
                                    static_cast<double>(evaluated)
                              : 0.0;
  }
  return accumulator.Result();
}

}  // namespace shopml::core
