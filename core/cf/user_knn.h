// UserKnnModel: user-based nearest-neighbour collaborative filtering. A
// query's profile q (item -> weight) is compared with the profile v of every
// training user who shares an item with it,
//   sim(q, v) = dot(q, v) / (|q| |v| + shrinkage),
// the `neighbors` most similar users are kept (ties by ascending user id),
// and each item j scores
//   score(j) = sum over the kept users v of sim(q, v) * w_vj.
// A training profile holds, per item, the weight of the user's strongest
// event on it (UserKnnOptions' weights by event type). Scores come from the
// query's current history, so new events count at once without retraining;
// training only indexes the profiles.
//
// Each item's inverted list (its users) is cut to the max_users_per_item
// users with the largest weight on it, ties by ascending user id. A user cut
// from item i's list gets no credit for i in dot(q, v), though |v| counts
// their whole profile; below the cap the similarity is exact.
//
// Cost per query: the walked inverted lists (at most max_users_per_item
// entries per history item) plus the profiles of the kept neighbours,
// accumulated in hash maps; nothing is proportional to num_users or
// num_items. Memory: about 16 bytes per (user, item) pair (its profile entry
// and inverted-list entry), 12 per user and 8 per item that some user has.
//
// Thread safety: immutable after Train/FromProto; safe to share.
#ifndef SHOPML_CORE_CF_USER_KNN_H_
#define SHOPML_CORE_CF_USER_KNN_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/cf/item_weight.h"
#include "core/data/interactions.h"
#include "core/index/types.h"
#include "shopml/model/v1/cf_models.pb.h"

namespace shopml::core {

struct UserKnnOptions {
  // Most similar users kept per query, in [1, 10000]. Default: 50.
  int neighbors = 50;
  // Added to the denominator of the similarity, in [0, 1e12]: damps users
  // who share little with the query, so a user who shares several items
  // beats one who shares a single item with a short profile. Scale
  // dependent (|q| |v| is sqrt(items of q * items of v) with 0/1 weights).
  // Default: 10.
  double shrinkage = 10;
  // Users kept in each item's inverted list, in [1, 1e7]: the heaviest on
  // the item, ties by ascending user id (see the top of this file). Bounds
  // the cost of a history item that very many users share. Default: 2000.
  int max_users_per_item = 2000;
  // Weights of the event types in a profile, each in [0, 1000]; a (user,
  // item) pair takes the largest among its events. A rating counts, with
  // rating_weight, only when its rating is >= rating_threshold (finite).
  // Defaults as EaseOptions: purchase 1, add-to-cart 1, view 0.1, rating 0;
  // threshold 4.
  double purchase_weight = 1;
  double cart_weight = 1;
  double view_weight = 0.1;
  double rating_weight = 0;
  double rating_threshold = 4;
};

class UserKnnModel {
 public:
  // InvalidArgument naming the field when an option is out of range or the
  // data is inconsistent (see CheckInteractions); FailedPrecondition when no
  // event has a positive weight; ResourceExhausted above 2^31 - 1 (user,
  // item) pairs (more than a model file can hold).
  static absl::StatusOr<UserKnnModel> Train(const Interactions& data,
                                            const UserKnnOptions& options);
  // DataLoss on an unknown format_version, an option out of its range, an
  // offsets array that is not a CSR index of the profiles, an item id at or
  // beyond num_items, items not strictly ascending within a profile, or a
  // weight not finite and in (0, 1000]. Memory is bounded by the size of
  // `proto`, whatever num_items says.
  static absl::StatusOr<UserKnnModel> FromProto(
      const model::v1::UserKnnModel& proto);
  model::v1::UserKnnModel ToProto() const;

  // The history of a user from their events, weighted as in training: one
  // entry per item with a positive weight (the strongest event's), ascending
  // by item. The events' user ids are not read.
  std::vector<ItemWeight> HistoryFromEvents(
      absl::Span<const Interaction> events) const;

  // The scores of the items some kept neighbour has, for the query profile
  // `history`: (item, score) for each item with a positive score, ascending
  // by item; empty when no training user shares an item with the history.
  // Entries with an item beyond num_items() or a weight that is not finite
  // and > 0 are ignored; an item listed twice adds its weights. `self`, when
  // given, is left out of the neighbours: pass the user's id when `history`
  // is a training user's, who would otherwise be their own nearest
  // neighbour (an id beyond num_users() leaves out no one).
  std::vector<ScoredItem> Score(
      absl::Span<const ItemWeight> history,
      std::optional<uint32_t> self = std::nullopt) const;

  // The up to k items with the highest positive score (as Score) that pass
  // `filter` (when given), best first, ties by ascending id. The filter is
  // applied before the cut, so k items come back whenever k eligible items
  // score > 0. Items of `history` are not left out: the caller's filter
  // drops what the user has seen or bought, as the serving filters do.
  // InvalidArgument "k: ..." unless k >= 1.
  absl::StatusOr<std::vector<ScoredItem>> TopK(
      absl::Span<const ItemWeight> history, int k,
      std::optional<uint32_t> self = std::nullopt) const;
  absl::StatusOr<std::vector<ScoredItem>> TopK(
      absl::Span<const ItemWeight> history, int k, ItemPredicate filter,
      std::optional<uint32_t> self = std::nullopt) const;

  // The training profile of `user`, ascending by item; empty beyond
  // num_users().
  absl::Span<const ItemWeight> Profile(uint32_t user) const;

  uint32_t num_users() const {
    return static_cast<uint32_t>(user_offsets_.size() - 1);
  }
  uint32_t num_items() const { return num_items_; }
  // The options serving uses; the event weights as stored (rounded to
  // float).
  const UserKnnOptions& options() const { return options_; }
  // The weight of one event in a profile.
  float EventWeight(const Interaction& event) const;

  // Written to and required in UserKnnModel.format_version.
  static constexpr uint32_t kFormatVersion = 1;

 private:
  struct Posting {
    uint32_t user = 0;
    float weight = 0;
  };
  struct SimilarUser {
    uint32_t user = 0;
    double similarity = 0;
  };

  // Computes the norms and the inverted lists from the profiles.
  void BuildIndex();
  // The inverted list of `item`, heaviest first; empty when no user has it.
  absl::Span<const Posting> Users(uint32_t item) const;
  // The kept neighbours of `query` (valid, ascending by item, one entry per
  // item), most similar first.
  std::vector<SimilarUser> NearestUsers(absl::Span<const ItemWeight> query,
                                        std::optional<uint32_t> self) const;
  absl::StatusOr<std::vector<ScoredItem>> SelectTopK(
      absl::Span<const ItemWeight> history, int k, const ItemPredicate* filter,
      std::optional<uint32_t> self) const;

  UserKnnOptions options_;
  uint32_t num_items_ = 0;
  // CSR: user u's profile is profiles_[user_offsets_[u] ..
  // user_offsets_[u + 1]). Size num_users + 1.
  std::vector<uint32_t> user_offsets_ = {0};
  std::vector<ItemWeight> profiles_;
  // |v| of each user's whole profile. Size num_users.
  std::vector<double> user_norms_;
  // Inverted CSR over only the items some user has (so memory follows the
  // pairs, not num_items): indexed_items_[r]'s users are
  // postings_[item_offsets_[r] .. item_offsets_[r + 1]).
  std::vector<uint32_t> indexed_items_;
  std::vector<uint32_t> item_offsets_ = {0};
  std::vector<Posting> postings_;
};

}  // namespace shopml::core

#endif  // SHOPML_CORE_CF_USER_KNN_H_
