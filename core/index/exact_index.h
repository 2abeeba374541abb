// ExactIndex: exact maximum-inner-product top-K over a fixed set of item
// embeddings, by scoring every item. The reference the approximate indexes are
// measured against, and the right index whenever a scan is fast enough (at 64
// dimensions, about a million items per query in tens of milliseconds).
//
// Layout. Items are copied into blocks of kBlockSize = 16 consecutive ids, and
// each block is stored dimension-major: the value of item 16 * b + i in
// dimension j sits at data[(b * dim + j) * 16 + i]. Scoring a block is then
// `scores[0..16) += query[j] * block[j][0..16)` for j in [0, dim): a broadcast
// FMA over 16 items in registers, reading memory strictly sequentially, with no
// horizontal sums. The last block is padded with zeros, which are never
// returned. Memory: 4 * dim * 16 * ceil(num_items / 16) bytes, 64-byte aligned.
//
// The kernels exist for SSE2 (the build's baseline), AVX2+FMA and AVX-512F;
// see core/index/simd.h for how one is chosen. All give the same results up to
// float rounding (FMA rounds once where mul+add rounds twice).
//
// Thread safety: immutable after Build(); all methods are const and safe to
// call concurrently.
#ifndef SHOPML_CORE_INDEX_EXACT_INDEX_H_
#define SHOPML_CORE_INDEX_EXACT_INDEX_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/index/types.h"

namespace shopml::core {

// Returns true for the items a batched search may return for query `query`
// (a row of the query matrix). Called during selection, like ItemPredicate.
using QueryItemPredicate =
    absl::FunctionRef<bool(int64_t query, uint32_t item)>;

class ExactIndex {
 public:
  // Items per block of the scan layout.
  static constexpr int kBlockSize = 16;

  // Copies `items` (row-major, num_items x dim; row i is item i) into the
  // blocked layout. Returns InvalidArgument if dim < 1, if there are 2^32 or
  // more items (ids are uint32_t), or if a value is not finite;
  // ResourceExhausted if the copy cannot be allocated. Zero items is fine:
  // every search then returns nothing.
  static absl::StatusOr<std::unique_ptr<ExactIndex>> Build(
      const RowMatrixXf& items);

  ExactIndex(const ExactIndex&) = delete;
  ExactIndex& operator=(const ExactIndex&) = delete;

  int64_t num_items() const { return num_items_; }
  int dim() const { return dim_; }

  // The items in the blocked layout above: 16 * dim * ceil(num_items / 16)
  // floats. For benchmarks, which compare the scan with a plain read of the
  // same bytes.
  absl::Span<const float> blocked_data() const {
    return absl::MakeConstSpan(
        blocks_.get(),
        static_cast<size_t>((num_items_ + 15) / 16) * kBlockSize * dim_);
  }

  // The min(k, #passing items) items with the largest <query, item>, best
  // first; equal scores are ordered by ascending item id, so the result is
  // deterministic. `filter`, if given, is called only for items whose score
  // would place them in the current top k, so a cheap filter costs little even
  // when it rejects most items, and k items come back whenever k items pass.
  //
  // `query`: dim() values.
  // Returns InvalidArgument if query.size() != dim(), if a query value is not
  // finite, or if k < 1.
  absl::StatusOr<std::vector<ScoredItem>> TopK(
      absl::Span<const float> query, int k,
      std::optional<ItemPredicate> filter = std::nullopt) const;

  // TopK for each row of `queries` (row-major, num_queries x dim), in one pass
  // over the items: each block of items is scored against every query while
  // it is in L1, so the scan is compute-bound rather than memory-bound and the
  // cost per query drops several-fold (see bench/retrieval_bench.cc).
  // Result i equals TopK(queries.row(i), k, filter(i, .)) (same scores, bit
  // for bit). Runs on the calling thread; split the rows across threads to use
  // more cores.
  //
  // Returns num_queries lists, or InvalidArgument as TopK does (for a
  // dimension mismatch, queries.cols() != dim()).
  absl::StatusOr<std::vector<std::vector<ScoredItem>>> TopKBatch(
      const RowMatrixXf& queries, int k,
      std::optional<QueryItemPredicate> filter = std::nullopt) const;

 private:
  struct AlignedFree {
    void operator()(float* p) const;
  };

  ExactIndex(int64_t num_items, int dim, std::unique_ptr<float[], AlignedFree>);

  int64_t num_items_;
  int dim_;
  // ceil(num_items_ / 16) blocks of 16 * dim_ floats; see the layout above.
  std::unique_ptr<float[], AlignedFree> blocks_;
};

}  // namespace shopml::core

#endif  // SHOPML_CORE_INDEX_EXACT_INDEX_H_
