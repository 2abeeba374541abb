#include "core/index/exact_index.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <new>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/index/simd.h"
#include "core/index/top_k.h"

namespace shopml::core {
namespace {

constexpr int kBlock = ExactIndex::kBlockSize;
constexpr std::align_val_t kAlignment{64};

// GCC/Clang vector extensions: the compiler lowers each to the instructions
// of the function it is inlined into, which is how one kernel body serves the
// SSE2, AVX2 and AVX-512 entry points below. Each kernel uses the type that is
// one native register wide for its instruction set: wider types are lowered
// through memory (measured: GCC 12 spills a 64-byte vector to the stack under
// AVX2).
typedef float Vec4 __attribute__((vector_size(16)));
typedef float Vec8 __attribute__((vector_size(32)));
typedef float Vec16 __attribute__((vector_size(64)));

#define SHOPML_ALWAYS_INLINE inline __attribute__((always_inline))

// What one scan needs: the blocked items and a set of queries, each with the
// selector its results go to.
struct ScanArgs {
  const float* blocks;
  int64_t num_items;
  int dim;
  const float* const* queries;  // num_queries pointers to dim floats each.
  int64_t num_queries;
  TopKSelector* selectors;  // num_queries selectors.
};

struct AllowAll {
  bool operator()(int64_t, uint32_t) const { return true; }
};

// Software prefetch distance of the scan: 16 KiB ahead (4 blocks at 64
// dimensions). Blocks in L3 (100k x 64 items fit) are otherwise read at
// 70 to 80 % of the speed of a plain sum, since the FMA chains leave too few
// loads in flight for the hardware prefetcher; with it, at ~100 %.
// Measured 8, 16 and 32 KiB alike.
constexpr uintptr_t kPrefetchBytes = 16 << 10;

// Scores one block against kQueries queries:
// scores[t * 16 + i] = <queries[t], item i of the block>, and block_max[t] =
// max_i scores[t * 16 + i] (a NaN score may or may not be taken into the
// max; callers must not rely on it).
//
// The loop keeps kQueries x kSplit x (16 / lanes) accumulators in registers
// and reads each 16-float row of the block once for all the queries. The
// accumulators are independent FMA chains, and a chain issues one FMA per
// FMA latency (4 cycles), so a single query needs several of them to keep up
// with items in cache. kSplit supplies them: dimension j goes to partial sum
// j % kSplit, and the partial sums are added pairwise at the end. (Scoring
// several blocks at once would supply them too, but reading several 4 KiB-
// apart streams measured 40 % slower from DRAM than one sequential stream.)
// The summation order depends on kSplit only, never on kQueries, which is
// why batched and single-query results agree bit for bit.
template <typename Vec, int kQueries, int kSplit>
SHOPML_ALWAYS_INLINE void ScoreBlock(const float* block, int dim,
                                     const float* const* queries, float* scores,
                                     float* block_max) {
  constexpr int kLanes = sizeof(Vec) / sizeof(float);
  constexpr int kVecs = kBlock / kLanes;
  Vec acc[kQueries][kSplit][kVecs] = {};
  // Adds dimension j into partial sum `part`.
  auto step = [&](int j, int part) {
    // Integer arithmetic: the address may lie past the end of the items,
    // which a prefetch may touch but a pointer may not point to.
    __builtin_prefetch(reinterpret_cast<const void*>(
        reinterpret_cast<uintptr_t>(block + j * kBlock) + kPrefetchBytes));
    Vec row[kVecs];
#pragma GCC unroll 16
    for (int v = 0; v < kVecs; ++v) {
      row[v] = *reinterpret_cast<const Vec*>(block + j * kBlock + v * kLanes);
    }
#pragma GCC unroll 16
    for (int t = 0; t < kQueries; ++t) {
      const float q = queries[t][j];
#pragma GCC unroll 16
      for (int v = 0; v < kVecs; ++v) acc[t][part][v] += q * row[v];
    }
  };
  int j = 0;
  for (; j + kSplit <= dim; j += kSplit) {
#pragma GCC unroll 16
    for (int part = 0; part < kSplit; ++part) step(j + part, part);
  }
  // The last dim % kSplit dimensions; `part` stays a compile-time index so
  // the accumulators stay in registers.
#pragma GCC unroll 16
  for (int part = 0; part + 1 < kSplit; ++part) {
    if (j + part < dim) step(j + part, part);
  }
#pragma GCC unroll 16
  for (int t = 0; t < kQueries; ++t) {
#pragma GCC unroll 16
    for (int width = kSplit / 2; width > 0; width /= 2) {
#pragma GCC unroll 16
      for (int part = 0; part < width; ++part) {
#pragma GCC unroll 16
        for (int v = 0; v < kVecs; ++v) {
          acc[t][part][v] += acc[t][part + width][v];
        }
      }
    }
    Vec max = acc[t][0][0];
#pragma GCC unroll 16
    for (int v = 0; v < kVecs; ++v) {
      std::memcpy(scores + t * kBlock + v * kLanes, &acc[t][0][v], sizeof(Vec));
      max = max > acc[t][0][v] ? max : acc[t][0][v];
    }
    // A tree, not a chain: log2(lanes) dependent steps instead of lanes - 1,
    // once per block and query.
    float lanes[kLanes];
    std::memcpy(lanes, &max, sizeof(Vec));
#pragma GCC unroll 16
    for (int width = kLanes / 2; width > 0; width /= 2) {
#pragma GCC unroll 16
      for (int i = 0; i < width; ++i) {
        lanes[i] = lanes[i] > lanes[i + width] ? lanes[i] : lanes[i + width];
      }
    }
    block_max[t] = lanes[0];
  }
}

// Offers the valid scores of one block to `selector`. The filter is asked
// only about items that would enter the current top k.
template <typename Filter>
SHOPML_ALWAYS_INLINE void OfferBlock(const float* scores, float block_max,
                                     uint32_t first_item, int valid,
                                     int64_t query, TopKSelector& selector,
                                     Filter& allowed) {
  // Items are scanned in ascending id order, so an item can displace the worst
  // kept one only by scoring strictly more (ties go to the lower id). Most
  // blocks stop here once the selector is full.
  if (selector.full() && block_max <= selector.worst().score) return;
  for (int i = 0; i < valid; ++i) {
    const float s = scores[i];
    const bool keep =
        selector.full() ? s > selector.worst().score : !std::isnan(s);
    if (keep && allowed(query, first_item + i)) {
      selector.Push(s, first_item + i);
    }
  }
}

// The scan: for each chunk of queries that fits in L2, one pass over the
// items, scoring each block (in L1) against the chunk kQueries at a time.
template <typename Vec, int kQueries, int kSplit, typename Filter>
SHOPML_ALWAYS_INLINE void ScanImpl(const ScanArgs& args, Filter& allowed) {
  const int64_t num_blocks = (args.num_items + kBlock - 1) / kBlock;
  const size_t block_floats = static_cast<size_t>(args.dim) * kBlock;
  const int64_t chunk = std::max<int64_t>(
      64, (256 << 10) / (static_cast<int64_t>(sizeof(float)) * args.dim));
  alignas(64) float scores[kQueries * kBlock];
  float block_max[kQueries];
  for (int64_t q0 = 0; q0 < args.num_queries; q0 += chunk) {
    const int64_t q_end = std::min(args.num_queries, q0 + chunk);
    for (int64_t b = 0; b < num_blocks; ++b) {
      const float* block = args.blocks + b * block_floats;
      const uint32_t first_item = static_cast<uint32_t>(b * kBlock);
      const int valid = static_cast<int>(
          std::min<int64_t>(kBlock, args.num_items - b * kBlock));
      int64_t q = q0;
      for (; q + kQueries <= q_end; q += kQueries) {
        ScoreBlock<Vec, kQueries, kSplit>(block, args.dim, args.queries + q,
                                          scores, block_max);
        for (int t = 0; t < kQueries; ++t) {
          OfferBlock(scores + t * kBlock, block_max[t], first_item, valid,
                     q + t, args.selectors[q + t], allowed);
        }
      }
      for (; q < q_end; ++q) {
        ScoreBlock<Vec, 1, kSplit>(block, args.dim, args.queries + q, scores,
                                   block_max);
        OfferBlock(scores, block_max[0], first_item, valid, q,
                   args.selectors[q], allowed);
      }
    }
  }
}

template <typename Vec, int kQueries, int kSplit>
SHOPML_ALWAYS_INLINE void Scan(const ScanArgs& args,
                               const QueryItemPredicate* filter) {
  if (filter == nullptr) {
    AllowAll allow_all;
    ScanImpl<Vec, kQueries, kSplit>(args, allow_all);
  } else {
    auto allowed = [filter](int64_t query, uint32_t item) {
      return (*filter)(query, item);
    };
    ScanImpl<Vec, kQueries, kSplit>(args, allowed);
  }
}

using ScanFn = void (*)(const ScanArgs&, const QueryItemPredicate*);

// Tile shapes, chosen by measurement (bench/retrieval_bench.cc, 1M x 64,
// batches of 64, on a Zen 4 core): kQueries x kSplit x 16 / lanes
// accumulators, plus the rows of a step, plus a broadcast must fit in 16
// registers (SSE2, AVX2) or 32 (AVX-512). A single query then has 4 (SSE2,
// AVX2) or 2 (AVX-512) FMA chains, enough to read L3-resident items at full
// speed; a batch has 8 to 24, enough to run close to peak FMA throughput.
void ScanBaseline(const ScanArgs& args, const QueryItemPredicate* filter) {
  // 8 accumulators + 4 row registers. kQueries = 3 measured no faster.
  Scan<Vec4, /*kQueries=*/2, /*kSplit=*/1>(args, filter);
}

#if SHOPML_INDEX_X86_KERNELS
SHOPML_TARGET_AVX2 void ScanAvx2(const ScanArgs& args,
                                 const QueryItemPredicate* filter) {
  // 12 accumulators + 2 row registers + a broadcast; 1.3x faster batches
  // than (4, 1) or (2, 2).
  Scan<Vec8, /*kQueries=*/3, /*kSplit=*/2>(args, filter);
}

SHOPML_TARGET_AVX512 void ScanAvx512(const ScanArgs& args,
                                     const QueryItemPredicate* filter) {
  // 24 accumulators + 2 row registers; broadcasts fold into the FMAs.
  Scan<Vec16, /*kQueries=*/12, /*kSplit=*/2>(args, filter);
}
#endif

ScanFn ActiveScan() {
  static const ScanFn scan = [] {
#if SHOPML_INDEX_X86_KERNELS
    switch (ActiveSimdLevel()) {
      case SimdLevel::kAvx512:
        return &ScanAvx512;
      case SimdLevel::kAvx2:
        return &ScanAvx2;
      case SimdLevel::kBaseline:
        break;
    }
#endif
    return &ScanBaseline;
  }();
  return scan;
}

absl::Status ValidateQuery(absl::Span<const float> query, int dim) {
  if (query.size() != static_cast<size_t>(dim)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "query: has ", query.size(), " values, the index has dim ", dim));
  }
  for (size_t j = 0; j < query.size(); ++j) {
    if (!std::isfinite(query[j])) {
      return absl::InvalidArgumentError(
          absl::StrCat("query: value ", j, " is not finite"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateK(int k) {
  if (k < 1) {
    return absl::InvalidArgumentError(absl::StrCat("k: must be >= 1, got ", k));
  }
  return absl::OkStatus();
}

}  // namespace

void ExactIndex::AlignedFree::operator()(float* p) const {
  ::operator delete[](p, kAlignment);
}

ExactIndex::ExactIndex(int64_t num_items, int dim,
                       std::unique_ptr<float[], AlignedFree> blocks)
    : num_items_(num_items), dim_(dim), blocks_(std::move(blocks)) {}

absl::StatusOr<std::unique_ptr<ExactIndex>> ExactIndex::Build(
    const RowMatrixXf& items) {
  if (items.cols() < 1 || items.cols() > std::numeric_limits<int>::max()) {
    return absl::InvalidArgumentError(
        absl::StrCat("items: dim must be >= 1, got ", items.cols()));
  }
  if (items.rows() > std::numeric_limits<uint32_t>::max()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "items: at most 2^32 - 1 items (ids are uint32), got ", items.rows()));
  }
  if (!items.allFinite()) {
    return absl::InvalidArgumentError("items: contains a non-finite value");
  }
  const int64_t num_items = items.rows();
  const int dim = static_cast<int>(items.cols());
  const int64_t num_blocks = (num_items + kBlock - 1) / kBlock;
  const size_t block_floats = static_cast<size_t>(dim) * kBlock;
  const size_t total = static_cast<size_t>(num_blocks) * block_floats;

  std::unique_ptr<float[], AlignedFree> blocks;
  if (total > 0) {
    blocks.reset(static_cast<float*>(
        ::operator new[](total * sizeof(float), kAlignment, std::nothrow)));
    if (blocks == nullptr) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "ExactIndex: cannot allocate ", total * sizeof(float), " bytes"));
    }
  }
  for (int64_t b = 0; b < num_blocks; ++b) {
    float* block = blocks.get() + b * block_floats;
    std::fill(block, block + block_floats, 0.0f);
    const int64_t valid = std::min<int64_t>(kBlock, num_items - b * kBlock);
    for (int64_t i = 0; i < valid; ++i) {
      const float* row = items.row(b * kBlock + i).data();
      for (int j = 0; j < dim; ++j) block[j * kBlock + i] = row[j];
    }
  }
  return std::unique_ptr<ExactIndex>(
      new ExactIndex(num_items, dim, std::move(blocks)));
}

absl::StatusOr<std::vector<ScoredItem>> ExactIndex::TopK(
    absl::Span<const float> query, int k,
    std::optional<ItemPredicate> filter) const {
  if (absl::Status s = ValidateQuery(query, dim_); !s.ok()) return s;
  if (absl::Status s = ValidateK(k); !s.ok()) return s;
  TopKSelector selector(k, static_cast<size_t>(num_items_));
  const float* query_ptr = query.data();
  const ScanArgs args{blocks_.get(), num_items_, dim_,
                      &query_ptr,    1,          &selector};
  if (filter.has_value()) {
    auto by_item = [&filter](int64_t, uint32_t item) {
      return (*filter)(item);
    };
    const QueryItemPredicate adapted(by_item);
    ActiveScan()(args, &adapted);
  } else {
    ActiveScan()(args, nullptr);
  }
  return selector.TakeSorted();
}

absl::StatusOr<std::vector<std::vector<ScoredItem>>> ExactIndex::TopKBatch(
    const RowMatrixXf& queries, int k,
    std::optional<QueryItemPredicate> filter) const {
  if (queries.rows() > 0 && queries.cols() != dim_) {
    return absl::InvalidArgumentError(
        absl::StrCat("queries: have ", queries.cols(),
                     " columns, the index has dim ", dim_));
  }
  if (absl::Status s = ValidateK(k); !s.ok()) return s;
  if (!queries.allFinite()) {
    return absl::InvalidArgumentError("queries: contain a non-finite value");
  }
  const int64_t num_queries = queries.rows();
  std::vector<TopKSelector> selectors;
  selectors.reserve(num_queries);
  std::vector<const float*> query_ptrs(num_queries);
  for (int64_t q = 0; q < num_queries; ++q) {
    selectors.emplace_back(k, static_cast<size_t>(num_items_));
    query_ptrs[q] = queries.row(q).data();
  }
  const ScanArgs args{blocks_.get(),     num_items_,  dim_,
                      query_ptrs.data(), num_queries, selectors.data()};
  ActiveScan()(args, filter.has_value() ? &*filter : nullptr);
  std::vector<std::vector<ScoredItem>> results(num_queries);
  for (int64_t q = 0; q < num_queries; ++q) {
    results[q] = selectors[q].TakeSorted();
  }
  return results;
}

}  // namespace shopml::core
