// CooccurrenceModel: "customers who bought this also bought". For each item,
// its top neighbours by the number of users who purchased (or carted) both,
// normalised with shrinkage as cosine (the default) or Jaccard, kept sparse:
//   cosine:  c_ij / (sqrt(n_i * n_j) + shrinkage)
//   Jaccard: c_ij / (n_i + n_j - c_ij + shrinkage)
//
// Precisely: each (user, item) pair gets the weight w_ui of its strongest
// event: 1 for a purchase (or a cart when include_carts), view_weight for a
// view, 0 otherwise; ratings do not count. Then c_ij = sum_u w_ui * w_uj and
// n_i = sum_u w_ui^2; with 0/1 weights these are the counts of users who
// bought both items and who bought item i, and Jaccard is the size of the
// intersection of the two sets of buyers over that of their union (plus
// shrinkage). With other weights Jaccard is the Tanimoto coefficient, still
// in [0, 1] since 2 c_ij <= n_i + n_j. With 0/1 weights it is at most
// min(n_i, n_j) / max(n_i, n_j), so unlike cosine it rarely pairs a niche
// item with a bestseller. Neighbours with c_ij > 0 are ranked by score, ties
// by ascending id, and cut to max_neighbors; an item is never its own
// neighbour.
//
// Thread safety: immutable after Train/FromProto; safe to share.
#ifndef SHOPML_CORE_BASELINE_COOCCURRENCE_H_
#define SHOPML_CORE_BASELINE_COOCCURRENCE_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/data/interactions.h"
#include "shopml/model/v1/baseline.pb.h"

namespace shopml::core {

// How co-buyer counts are normalised (see the top of this file).
enum class ItemSimilarity { kCosine, kJaccard };

struct CooccurrenceOptions {
  // Neighbours kept per item, in [1, 1000]. Default: 100.
  int max_neighbors = 100;
  // Added to the denominator; damps pairs of rarely bought items. >= 0.
  // Default: 10.
  double shrinkage = 10;
  // Count add-to-cart events as well as purchases. Default: true.
  bool include_carts = true;
  // Also count views, with this weight relative to a purchase (0: ignore
  // views), in [0, 1]. Default: 0.1.
  double view_weight = 0.1;
  // The normalisation of c_ij. Default: kCosine.
  ItemSimilarity similarity = ItemSimilarity::kCosine;
};

struct Neighbor {
  uint32_t item = 0;
  float score = 0;  // In (0, 1]; larger is more similar.
};

class CooccurrenceModel {
 public:
  // InvalidArgument naming the field when an option is out of range or
  // unknown, or the data is inconsistent (see CheckInteractions).
  static absl::StatusOr<CooccurrenceModel> Train(
      const Interactions& data, const CooccurrenceOptions& options);
  static absl::StatusOr<CooccurrenceModel> FromProto(
      const model::v1::CooccurrenceModel& proto);
  model::v1::CooccurrenceModel ToProto() const;

  uint32_t num_items() const;
  // Neighbours of `item`, most similar first; empty for items beyond
  // num_items().
  absl::Span<const Neighbor> Neighbors(uint32_t item) const;

  // Written to and required in CooccurrenceModel.format_version.
  static constexpr uint32_t kFormatVersion = 1;

 private:
  // CSR: item i's neighbours are neighbors_[offsets_[i] .. offsets_[i + 1]).
  // Size num_items + 1.
  std::vector<uint32_t> offsets_ = {0};
  std::vector<Neighbor> neighbors_;
};

}  // namespace shopml::core

#endif  // SHOPML_CORE_BASELINE_COOCCURRENCE_H_
