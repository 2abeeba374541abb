#include "core/eval/recommendation_eval.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>
#include <utility>

#include "Eigen/Core"
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

// Counts the distinct items of the lists it is shown.
class CatalogCoverage {
 public:
  explicit CatalogCoverage(uint32_t num_items) : listed_(num_items, false) {}

  void Add(const std::vector<uint32_t>& list) {
    for (uint32_t item : list) {
      if (item < listed_.size() && !listed_[item]) {
        listed_[item] = true;
        ++distinct_;
      }
    }
  }
  double Fraction() const {
    return listed_.empty() ? 0.0
                           : static_cast<double>(distinct_) /
                                 static_cast<double>(listed_.size());
  }

 private:
  std::vector<bool> listed_;
  int64_t distinct_ = 0;
};

double Share(int64_t part, int64_t whole) {
  return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole)
                   : 0.0;
}

// The events of `data` grouped by user, in their original order within a
// user: the events of user u are events[offsets[u], offsets[u + 1]).
struct EventsByUser {
  std::vector<Interaction> events;
  std::vector<size_t> offsets;

  absl::Span<const Interaction> Of(uint32_t user) const {
    if (user + 1 >= offsets.size()) return {};
    return absl::MakeConstSpan(events.data() + offsets[user],
                               offsets[user + 1] - offsets[user]);
  }
};

EventsByUser GroupByUser(const Interactions& data) {
  EventsByUser grouped;
  grouped.offsets.assign(data.num_users + 1, 0);
  for (const Interaction& e : data.events) {
    if (e.user < data.num_users) ++grouped.offsets[e.user + 1];
  }
  for (uint32_t u = 0; u < data.num_users; ++u) {
    grouped.offsets[u + 1] += grouped.offsets[u];
  }
  grouped.events.resize(grouped.offsets.back());
  std::vector<size_t> next(grouped.offsets.begin(), grouped.offsets.end() - 1);
  for (const Interaction& e : data.events) {
    if (e.user < data.num_users) grouped.events[next[e.user]++] = e;
  }
  return grouped;
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
                                    double view_weight, double* coverage,
                                    double* catalog_coverage) {
  const std::vector<HistoryEntry> histories = Histories(train, view_weight);
  RankingAccumulator accumulator(k);
  CatalogCoverage catalog(train.num_items);
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
    catalog.Add(list);
    ++evaluated;
    if (!list.empty()) ++served;
  }
  if (coverage != nullptr) *coverage = Share(served, evaluated);
  if (catalog_coverage != nullptr) *catalog_coverage = catalog.Fraction();
  return accumulator.Result();
}

TopNResult EvaluateScorer(const Interactions& train, const Interactions& test,
                          int k, UserScorer scorer) {
  constexpr float kNever = -std::numeric_limits<float>::infinity();
  RankingAccumulator accumulator(k);
  CatalogCoverage catalog(train.num_items);
  std::vector<float> scores(train.num_items);
  std::vector<std::pair<float, uint32_t>> ranked;
  std::vector<uint32_t> list;
  int64_t served = 0;
  int64_t evaluated = 0;
  auto better = [](const std::pair<float, uint32_t>& a,
                   const std::pair<float, uint32_t>& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  };
  for (const HeldOutUser& user : HeldOutPurchases(train, test)) {
    ++evaluated;
    list.clear();
    std::fill(scores.begin(), scores.end(), kNever);
    if (scorer(user.user, absl::MakeSpan(scores))) {
      for (uint32_t item : user.purchased_before) {
        if (item < scores.size()) scores[item] = kNever;
      }
      ranked.clear();
      for (uint32_t item = 0; item < scores.size(); ++item) {
        if (std::isfinite(scores[item]))
          ranked.emplace_back(scores[item], item);
      }
      const size_t n = std::min(ranked.size(), static_cast<size_t>(k));
      std::partial_sort(ranked.begin(), ranked.begin() + n, ranked.end(),
                        better);
      for (size_t r = 0; r < n; ++r) list.push_back(ranked[r].second);
    }
    accumulator.Add(list, user.relevant);
    catalog.Add(list);
    if (!list.empty()) ++served;
  }
  TopNResult result;
  result.ranking = accumulator.Result();
  result.user_coverage = Share(served, evaluated);
  result.catalog_coverage = catalog.Fraction();
  return result;
}

TopNResult EvaluateImplicitAls(const ImplicitAls& model,
                               const Interactions& train,
                               const Interactions& test, int k) {
  return EvaluateScorer(
      train, test, k, [&model](uint32_t user, absl::Span<float> scores) {
        if (user >= model.num_users()) return false;
        const auto x = model.user_factors().row(user);
        if ((x.array() == 0).all()) return false;
        const Eigen::Index n =
            std::min<Eigen::Index>(model.item_factors().rows(),
                                   static_cast<Eigen::Index>(scores.size()));
        Eigen::Map<Eigen::VectorXf>(scores.data(), n).noalias() =
            model.item_factors().topRows(n) * x.transpose();
        return true;
      });
}

TopNResult EvaluateEase(const EaseModel& model, const Interactions& train,
                        const Interactions& test, int k) {
  const EventsByUser events = GroupByUser(train);
  return EvaluateScorer(
      train, test, k,
      [&model, &events](uint32_t user, absl::Span<float> scores) {
        const std::vector<ItemWeight> history =
            model.HistoryFromEvents(events.Of(user));
        if (history.empty()) return false;
        const Eigen::VectorXf s = model.ScoreUser(history);
        const size_t n = std::min(scores.size(), static_cast<size_t>(s.size()));
        for (size_t i = 0; i < n; ++i) {
          // As EaseModel::TopK: a score <= 0 is no evidence for the item.
          if (s[i] > 0) scores[i] = s[i];
        }
        return true;
      });
}

TopNResult EvaluateUserKnn(const UserKnnModel& model, const Interactions& train,
                           const Interactions& test, int k) {
  const EventsByUser events = GroupByUser(train);
  return EvaluateScorer(
      train, test, k,
      [&model, &events](uint32_t user, absl::Span<float> scores) {
        const std::vector<ItemWeight> history =
            model.HistoryFromEvents(events.Of(user));
        if (history.empty()) return false;
        for (const ScoredItem& s : model.Score(history, user)) {
          if (s.item < scores.size()) scores[s.item] = s.score;
        }
        return true;
      });
}

}  // namespace shopml::core
