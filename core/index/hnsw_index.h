// HnswIndex: approximate maximum-inner-product top-K over a fixed set of item
// embeddings, on a hierarchical navigable small world graph (Malkov & Yashunin
// 2016) built by hnswlib (Debian's libhnswlib-dev 0.6.2, header-only).
//
// What this wrapper adds to hnswlib:
//  - Inner product as the score: distances are -<q, x>, so scores are exact
//    dot products (hnswlib's InnerProductSpace returns 1 - <q, x>, which
//    loses the low bits of small scores), computed by the kernels of
//    core/index/dot_product.h (AVX2/AVX-512 where the CPU has them; hnswlib's
//    own kernels are chosen at compile time, so SSE only in this build).
//  - A choice of graph for MIPS (MipsTransform below), measured.
//  - Per-query ef and filtering. hnswlib 0.6.2 has neither (ef is a shared
//    member and there is no BaseFilterFunctor, which arrived in 0.7), so the
//    search loop is ours, over hnswlib's graph: the algorithm of hnswlib 0.7's
//    filtered searchBaseLayerST. Items that fail the filter are still walked
//    through but never returned, and the search goes on until ef items that
//    pass have been found.
//  - An exact fallback, so "k results whenever k items pass" holds: see
//    Search().
//  - A checksummed, validated serialization (hnswlib's own format is a raw
//    memory dump read without bounds checks).
//
// Thread safety: immutable after Build() or Load(); Search() and Serialize()
// are const and safe to call concurrently.
#ifndef SHOPML_CORE_INDEX_HNSW_INDEX_H_
#define SHOPML_CORE_INDEX_HNSW_INDEX_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "core/index/types.h"

namespace shopml::core {

// How item vectors are put into the graph. Only the graph's shape changes:
// queries are always scored by <q, x> on the original vectors.
//
// Measured (bench/retrieval_bench.cc, 100k x 64, M = 16, ef_construction =
// 200), recall@10 at ef = 10 / 40 / 160 / 320:
//   clustered, varying norms:  kNone    1.00 / 1.00 / 1.00 / 1.00
//                              kAugment 0.26 / 0.39 / 0.78 / 0.93
//   i.i.d. Gaussian:           kNone    0.18 / 0.44 / 0.79 / 0.92
//                              kAugment 0.04 / 0.13 / 0.34 / 0.51
// A third variant, a graph on normalised directions (cosine) searched by
// inner product, measured 0.40 / 0.77 / 0.99 / 1.00 and 0.11 / 0.32 / 0.66 /
// 0.84, also worse than kNone, and was dropped. This agrees with Morozov &
// Babenko 2018 ("Non-metric similarity graphs for maximum inner product
// search"): a graph built on the inner product itself beats reductions to
// nearest-neighbour search.
enum class MipsTransform : uint32_t {
  // The vectors as they are; the graph links items by -<x, y> (ip-NSW).
  kNone = 0,
  // Bachrach et al. 2014 ("Speeding up the Xbox recommender system using a
  // Euclidean transformation for inner-product spaces"): append the extra
  // dimension sqrt(max_norm^2 - |x|^2), so every item has norm max_norm and,
  // with the query padded by a 0, -<q', x'> = -<q, x> orders items exactly as
  // the Euclidean distance |q' - x'| does, and the graph is a metric
  // nearest-neighbour graph. But the extra coordinate, large for every item
  // well below the maximum norm, dominates item-to-item distances, so the
  // graph links items of similar norm rather than similar direction, and
  // recall suffers (above). Kept for data where it might win and to
  // reproduce the measurement; not recommended.
  kAugment = 1,
};

struct HnswOptions {
  // Neighbours per node: up to m on the upper layers and 2 * m on the bottom
  // layer. Higher gives better recall per visited node on hard (high
  // intrinsic dimension) data at the price of 8 * m bytes per item and a
  // slower build. Range: [2, 256]. Default: 16.
  int m = 16;

  // Size of the candidate list when inserting an item. Higher builds a
  // better graph, at a cost roughly linear in it. Range: [1, 65536].
  // Default: 200.
  int ef_construction = 200;

  // Size of the candidate list of Search() when the caller gives no ef; it is
  // raised to k if smaller. Higher gives better recall, about linearly
  // slower. Range: [1, 65536]. Default: 40. Measured recall@10 on clustered
  // 64-d data (bench/retrieval_bench.cc) at ef 10 / 20 / 40: 0.99 / 1.00 /
  // 1.00 with 100k items, 0.92 / 0.975 / 0.995 with 1M; 40 keeps a margin
  // above 0.95 as the catalogue grows. Unstructured (Gaussian) vectors need
  // far more: recall@10 0.69 at ef 320 with 1M items.
  int ef_search = 40;

  // Seed of the layer assignment. Default: 100 (hnswlib's default).
  uint64_t seed = 100;

  // Threads inserting into the graph concurrently (hnswlib supports
  // concurrent addPoint). With 1 the graph is a function of the items and
  // options; with more, it depends on the interleaving (equally good, not
  // reproducible), and hnswlib draws layer levels from one unsynchronised
  // generator, a benign data race ThreadSanitizer would report. Range:
  // [1, 256]. Default: 1.
  int num_threads = 1;

  // Default: kNone, the best recall at equal ef (see MipsTransform).
  MipsTransform transform = MipsTransform::kNone;
};

class HnswIndex {
 public:
  // Builds the graph over `items` (row-major, num_items x dim; row i is item
  // i). Returns InvalidArgument for an option out of range, dim < 1, 2^31 or
  // more items, or a non-finite value; ResourceExhausted if memory runs out;
  // Internal if hnswlib reports an inconsistency while inserting.
  static absl::StatusOr<std::unique_ptr<HnswIndex>> Build(
      const RowMatrixXf& items, const HnswOptions& options = HnswOptions());

  // Reads an index written by Serialize(). Never trusts the bytes: returns
  // DataLoss if they are truncated, extended, fail a checksum or describe an
  // impossible graph (a neighbour id out of range, a list longer than 2 * m,
  // ...); InvalidArgument for a format version this build does not read;
  // ResourceExhausted if memory runs out. seed and num_threads of options()
  // are not stored and read back as their defaults.
  static absl::StatusOr<std::unique_ptr<HnswIndex>> Load(
      absl::string_view bytes);

  ~HnswIndex();
  HnswIndex(const HnswIndex&) = delete;
  HnswIndex& operator=(const HnswIndex&) = delete;

  // The whole index (graph, vectors, options) as bytes for Load(). About
  // (4 * stored dim + 8 * m + 16) bytes per item; stored dim is dim, plus 1
  // for kAugment.
  std::string Serialize() const;

  int64_t num_items() const { return num_items_; }
  int dim() const { return dim_; }
  const HnswOptions& options() const { return options_; }
  // Sets options().ef_search, the ef of searches that give none (and of the
  // serialized index). Not thread-safe: call before the index is shared.
  // InvalidArgument "ef_search: ..." outside [1, 65536].
  absl::Status SetEfSearch(int ef_search);

  // Approximately the min(k, #passing items) items with the largest
  // <query, item>, best first, ties by ascending item id; scores are exact
  // dot products. `ef` is the candidate list size (options().ef_search when
  // not given; raised to k if smaller): recall grows and speed drops with it.
  //
  // With a filter, Search() first calls it on 256 evenly spaced item ids to
  // estimate its pass rate; the filter is then called again only for items
  // that could enter the result. Graph walks lose recall as the pass rate
  // falls (on clustered data, recall@10 at the default ef: 0.999 at 100 %,
  // 0.975 at 50 %, 0.93 at 35 %, 0.65 at 10 %), so:
  //  - below a 40 % estimated pass rate, the answer is an exact scan of all
  //    items (recall 1; about 4 ExactIndex queries' time, ~2 ms at 100k x 64,
  //    as hnswlib's layout interleaves vectors and links);
  //  - otherwise the graph search runs until it holds ef passing items, and
  //    still gives way to the exact scan if it computes more than
  //    num_items / 8 distances (a filter the sample misjudged), or
  //  - ends with fewer than k items: fewer than k pass, or some are not
  //    reachable in the graph. Only a scan can tell which, and find them.
  // Without a filter the last rule still applies (it fires only if the
  // graph is disconnected). A caller that wants more recall from a filtered
  // walk can pass a larger ef.
  //
  // `query`: dim() values. Returns InvalidArgument if query.size() != dim(),
  // a value is not finite, k < 1 or ef < 1; ResourceExhausted if memory
  // runs out.
  absl::StatusOr<std::vector<ScoredItem>> Search(
      absl::Span<const float> query, int k,
      std::optional<ItemPredicate> filter = std::nullopt) const;
  absl::StatusOr<std::vector<ScoredItem>> Search(
      absl::Span<const float> query, int k, int ef,
      std::optional<ItemPredicate> filter = std::nullopt) const;

 private:
  struct Impl;

  HnswIndex(int64_t num_items, int dim, const HnswOptions& options,
            std::unique_ptr<Impl> impl);

  // Search() after validation. REQUIRES: num_items() > 0. May throw
  // std::bad_alloc.
  std::vector<ScoredItem> SearchGraph(
      const float* query, int k, int ef,
      const std::optional<ItemPredicate>& filter) const;

  // The exact answer, scanning the vectors stored in the graph.
  std::vector<ScoredItem> ExactScan(
      const float* query, int k,
      const std::optional<ItemPredicate>& filter) const;

  int64_t num_items_;
  int dim_;
  HnswOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shopml::core

#endif  // SHOPML_CORE_INDEX_HNSW_INDEX_H_
