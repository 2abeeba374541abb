// Retrieval indexes (core/index): exact top-10 against the memory-bandwidth
// floor, batched exact queries, and HNSW build time, single-thread queries/s
// and recall@10 against the exact index.
//
//   ninja -C build retrieval_bench && build/bench/retrieval_bench
//   build/bench/retrieval_bench --benchmark_filter='Exact|Read'
//   SHOPML_SIMD=baseline build/bench/retrieval_bench   # SSE2 kernels only
//   build/bench/retrieval_bench --benchmark_filter=Hnsw.*/1000000  # slow
//
// Data, all 64 dimensions:
//  - clustered ("vectors with the structure of trained factors"): items and
//    queries drawn around max(50, n / 500) Gaussian centres (N(0, 1) centres,
//    N(0, 0.5^2) spread), item vectors scaled by a lognormal(0, 0.3) factor
//    so norms vary as popularity does in trained factors;
//  - gaussian: i.i.d. N(0, 1) items and queries, no structure at all (the
//    hard case for any graph index).
//
// Counters:
//  - BM_StreamingRead/<n>/<prefetch>: bytes/s of a plain vectorised sum
//    over the exact index's item bytes, with the widest vectors the CPU has
//    (not capped by SHOPML_SIMD), with and without software prefetch: the
//    floor for one pass over the items.
//  - BM_ExactTopK/<n>: read_fraction = (median time of the faster
//    streaming read of the same bytes) / (median time of one query), the
//    reads and queries interleaved in one run, all as thread CPU time
//    (robust to a shared machine); 1.0 means the scan runs at memory speed.
//  - BM_ExactTopKBatch/<n>/<batch>: us_per_query, the median thread CPU
//    time of a batch divided by its size.
//  - BM_HnswBuild/<data>/<n>/<transform>: build_s (wall, num_threads = 2;
//    data 0 = clustered, 1 = gaussian; transform 0 = kNone, 1 = kAugment)
//    and MB serialized.
//  - BM_HnswSearch/<data>/<n>/<transform>/<ef>: recall@10 over 1000 queries
//    and items_per_second = queries/s on one thread.
//  - BM_HnswSerializeLoad: time of Load (bytes/s), and of Serialize.
//  - BM_HnswFilteredSearch/<n>/<per mille>/<ef>: queries/s and recall@10
//    (against the exact filtered top 10) when a fraction of the items, in
//    per mille, passes the filter; below 30 % the search is an exact scan
//    (recall 1).
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "benchmark/benchmark.h"
#include "core/index/exact_index.h"
#include "core/index/hnsw_index.h"
#include "core/index/simd.h"

namespace shopml::core {
namespace {

constexpr int kDim = 64;
constexpr int kK = 10;

enum DataKind { kClustered = 0, kGaussian = 1 };

struct Dataset {
  RowMatrixXf items;
  RowMatrixXf queries;
};

Dataset MakeDataset(DataKind kind, int64_t n, int64_t num_queries) {
  std::mt19937 rng(static_cast<uint32_t>(n * 2 + kind));
  std::normal_distribution<float> normal(0.0f, 1.0f);
  Dataset d{RowMatrixXf(n, kDim), RowMatrixXf(num_queries, kDim)};
  if (kind == kGaussian) {
    for (int64_t i = 0; i < n; ++i) {
      for (int j = 0; j < kDim; ++j) d.items(i, j) = normal(rng);
    }
    for (int64_t i = 0; i < num_queries; ++i) {
      for (int j = 0; j < kDim; ++j) d.queries(i, j) = normal(rng);
    }
    return d;
  }
  const int clusters = static_cast<int>(std::max<int64_t>(50, n / 500));
  RowMatrixXf centres(clusters, kDim);
  for (int c = 0; c < clusters; ++c) {
    for (int j = 0; j < kDim; ++j) centres(c, j) = normal(rng);
  }
  std::uniform_int_distribution<int> pick(0, clusters - 1);
  std::lognormal_distribution<float> scale(0.0f, 0.3f);
  for (int64_t i = 0; i < n; ++i) {
    const int c = pick(rng);
    const float s = scale(rng);
    for (int j = 0; j < kDim; ++j) {
      d.items(i, j) = s * (centres(c, j) + 0.5f * normal(rng));
    }
  }
  for (int64_t i = 0; i < num_queries; ++i) {
    const int c = pick(rng);
    for (int j = 0; j < kDim; ++j) {
      d.queries(i, j) = centres(c, j) + 0.5f * normal(rng);
    }
  }
  return d;
}

constexpr int64_t kNumQueries = 1000;

const Dataset& GetDataset(DataKind kind, int64_t n) {
  static auto* cache = new std::map<std::pair<int, int64_t>, Dataset>();
  auto it = cache->find({kind, n});
  if (it == cache->end()) {
    it = cache
             ->emplace(std::make_pair(int{kind}, n),
                       MakeDataset(kind, n, kNumQueries))
             .first;
  }
  return it->second;
}

const ExactIndex& GetExact(DataKind kind, int64_t n) {
  static auto* cache =
      new std::map<std::pair<int, int64_t>, std::unique_ptr<ExactIndex>>();
  auto& slot = (*cache)[{kind, n}];
  if (slot == nullptr) slot = *ExactIndex::Build(GetDataset(kind, n).items);
  return *slot;
}

// Exact top-10 of every query, for recall.
const std::vector<std::vector<ScoredItem>>& GetTruth(DataKind kind, int64_t n) {
  static auto* cache = new std::map<std::pair<int, int64_t>,
                                    std::vector<std::vector<ScoredItem>>>();
  auto it = cache->find({kind, n});
  if (it == cache->end()) {
    it = cache
             ->emplace(
                 std::make_pair(int{kind}, n),
                 *GetExact(kind, n).TopKBatch(GetDataset(kind, n).queries, kK))
             .first;
  }
  return it->second;
}

struct BuiltHnsw {
  std::unique_ptr<HnswIndex> index;
  double build_seconds = 0;
};

const BuiltHnsw& GetHnsw(DataKind kind, int64_t n, MipsTransform transform) {
  static auto* cache = new std::map<std::tuple<int, int64_t, int>, BuiltHnsw>();
  auto& slot = (*cache)[{kind, n, static_cast<int>(transform)}];
  if (slot.index == nullptr) {
    HnswOptions options;
    options.transform = transform;
    options.num_threads = 2;
    const auto start = std::chrono::steady_clock::now();
    slot.index = *HnswIndex::Build(GetDataset(kind, n).items, options);
    slot.build_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
  }
  return slot;
}

absl::Span<const float> Row(const RowMatrixXf& m, int64_t i) {
  return absl::MakeConstSpan(m.row(i).data(), m.cols());
}

// --- The floor: one streaming pass over the item matrix --------------------
//
// The fastest plain read this machine does, whatever SHOPML_SIMD says: the
// widest vectors, eight accumulators, and optionally the scan's software
// prefetch; BM_ExactTopK takes the faster of the two variants.

typedef float Vec4 __attribute__((vector_size(16)));
typedef float Vec8 __attribute__((vector_size(32)));
typedef float Vec16 __attribute__((vector_size(64)));

constexpr uintptr_t kPrefetchBytes = 16 << 10;  // As in exact_index.cc.

// Eight independent accumulators, unrolled so they stay in registers: the
// sum is limited by memory, not by add latency.
template <typename Vec, bool kPrefetch>
inline __attribute__((always_inline)) float SumImpl(const float* p, size_t n) {
  constexpr size_t kLanes = sizeof(Vec) / sizeof(float);
  constexpr int kAcc = 8;
  Vec acc[kAcc] = {};
  size_t i = 0;
  for (; i + kAcc * kLanes <= n; i += kAcc * kLanes) {
#pragma GCC unroll 8
    for (int a = 0; a < kAcc; ++a) {
      if (kPrefetch && (a * sizeof(Vec)) % 64 == 0) {
        __builtin_prefetch(reinterpret_cast<const void*>(
            reinterpret_cast<uintptr_t>(p + i + a * kLanes) + kPrefetchBytes));
      }
      Vec v;
      std::memcpy(&v, p + i + a * kLanes, sizeof(Vec));
      acc[a] += v;
    }
  }
#pragma GCC unroll 8
  for (int a = 1; a < kAcc; ++a) acc[0] += acc[a];
  float lanes[kLanes];
  std::memcpy(lanes, &acc[0], sizeof(Vec));
  float sum = 0;
  for (size_t l = 0; l < kLanes; ++l) sum += lanes[l];
  for (; i < n; ++i) sum += p[i];
  return sum;
}

template <bool kPrefetch>
float SumBaseline(const float* p, size_t n) {
  return SumImpl<Vec4, kPrefetch>(p, n);
}
#if SHOPML_INDEX_X86_KERNELS
template <bool kPrefetch>
SHOPML_TARGET_AVX2 float SumAvx2(const float* p, size_t n) {
  return SumImpl<Vec8, kPrefetch>(p, n);
}
template <bool kPrefetch>
SHOPML_TARGET_AVX512 float SumAvx512(const float* p, size_t n) {
  return SumImpl<Vec16, kPrefetch>(p, n);
}
#endif

float StreamingSum(absl::Span<const float> data, bool prefetch) {
  const float* p = data.data();
  const size_t n = data.size();
#if SHOPML_INDEX_X86_KERNELS
  if (__builtin_cpu_supports("avx512f")) {
    return prefetch ? SumAvx512<true>(p, n) : SumAvx512<false>(p, n);
  }
  if (__builtin_cpu_supports("avx2")) {
    return prefetch ? SumAvx2<true>(p, n) : SumAvx2<false>(p, n);
  }
#endif
  return prefetch ? SumBaseline<true>(p, n) : SumBaseline<false>(p, n);
}

// CPU time of this thread: on a shared machine, unlike wall time, it does
// not count the slices other processes take.
double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) +
         1e-9 * static_cast<double>(ts.tv_nsec);
}

double Median(std::vector<double> v) {
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

// The floor alone: a plain sum over the exact index's item bytes.
void BM_StreamingRead(benchmark::State& state) {
  const absl::Span<const float> data =
      GetExact(kGaussian, state.range(0)).blocked_data();
  const bool prefetch = state.range(1) != 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(StreamingSum(data, prefetch));
  }
  state.SetBytesProcessed(state.iterations() * data.size() * sizeof(float));
  state.SetLabel(prefetch ? "prefetch" : "no prefetch");
}
BENCHMARK(BM_StreamingRead)
    ->ArgsProduct({{100000, 1000000}, {0, 1}})
    ->Unit(benchmark::kMillisecond);

// --- Exact ------------------------------------------------------------------

// Each iteration times the two streaming reads of the index's bytes and
// then one query over them, so all see the same cache and machine load;
// read_fraction is the faster read's median over the query's.
void BM_ExactTopK(benchmark::State& state) {
  const int64_t n = state.range(0);
  const Dataset& data = GetDataset(kGaussian, n);
  const ExactIndex& index = GetExact(kGaussian, n);
  const absl::Span<const float> bytes = index.blocked_data();
  std::vector<double> read_seconds[2], query_seconds;
  int64_t q = 0;
  for (auto _ : state) {
    state.PauseTiming();
    for (int prefetch = 0; prefetch < 2; ++prefetch) {
      const double start = ThreadCpuSeconds();
      benchmark::DoNotOptimize(StreamingSum(bytes, prefetch == 1));
      read_seconds[prefetch].push_back(ThreadCpuSeconds() - start);
    }
    state.ResumeTiming();
    const double start = ThreadCpuSeconds();
    auto result = index.TopK(Row(data.queries, q), kK);
    query_seconds.push_back(ThreadCpuSeconds() - start);
    benchmark::DoNotOptimize(result);
    q = (q + 1) % data.queries.rows();
  }
  state.SetBytesProcessed(state.iterations() * bytes.size() * sizeof(float));
  const double read =
      std::min(Median(read_seconds[0]), Median(read_seconds[1]));
  const double query = Median(query_seconds);
  state.counters["read_fraction"] = read / query;
  state.counters["read_ms"] = read * 1e3;
  state.counters["query_ms"] = query * 1e3;
  state.SetLabel(std::string(SimdLevelName(ActiveSimdLevel())));
}
BENCHMARK(BM_ExactTopK)
    ->Arg(100000)
    ->Arg(1000000)
    ->Unit(benchmark::kMillisecond);

void BM_ExactTopKBatch(benchmark::State& state) {
  const int64_t n = state.range(0);
  const int64_t batch = state.range(1);
  const Dataset& data = GetDataset(kGaussian, n);
  const ExactIndex& index = GetExact(kGaussian, n);
  if (batch > data.queries.rows()) {
    state.SkipWithError("batch larger than the query set");
    return;
  }
  const RowMatrixXf queries = data.queries.topRows(batch);
  std::vector<double> seconds;
  for (auto _ : state) {
    const double start = ThreadCpuSeconds();
    auto result = index.TopKBatch(queries, kK);
    seconds.push_back(ThreadCpuSeconds() - start);
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations() * batch);  // Queries.
  state.counters["us_per_query"] =
      Median(seconds) * 1e6 / static_cast<double>(batch);
  state.SetLabel(std::string(SimdLevelName(ActiveSimdLevel())));
}
BENCHMARK(BM_ExactTopKBatch)
    ->ArgsProduct({{100000, 1000000}, {8, 64, 256}})
    ->Unit(benchmark::kMillisecond);

// --- HNSW -------------------------------------------------------------------

void BM_HnswBuild(benchmark::State& state) {
  const auto kind = static_cast<DataKind>(state.range(0));
  const int64_t n = state.range(1);
  const auto transform = static_cast<MipsTransform>(state.range(2));
  GetDataset(kind, n);  // Not timed.
  double seconds = 0;
  for (auto _ : state) seconds = GetHnsw(kind, n, transform).build_seconds;
  state.counters["build_s"] = seconds;
  state.counters["MB"] =
      static_cast<double>(
          GetHnsw(kind, n, transform).index->Serialize().size()) /
      1e6;
}

double Recall(DataKind kind, int64_t n, const HnswIndex& index, int ef) {
  const Dataset& data = GetDataset(kind, n);
  const auto& truth = GetTruth(kind, n);
  double hits = 0;
  for (int64_t q = 0; q < data.queries.rows(); ++q) {
    absl::flat_hash_set<uint32_t> want;
    for (const ScoredItem& s : truth[q]) want.insert(s.item);
    const std::vector<ScoredItem> got =
        *index.Search(Row(data.queries, q), kK, ef);
    for (const ScoredItem& s : got) hits += want.contains(s.item);
  }
  return hits / (static_cast<double>(kK) * data.queries.rows());
}

void BM_HnswSearch(benchmark::State& state) {
  const auto kind = static_cast<DataKind>(state.range(0));
  const int64_t n = state.range(1);
  const auto transform = static_cast<MipsTransform>(state.range(2));
  const int ef = static_cast<int>(state.range(3));
  const HnswIndex& index = *GetHnsw(kind, n, transform).index;
  const Dataset& data = GetDataset(kind, n);
  const double recall = Recall(kind, n, index, ef);
  int64_t q = 0;
  for (auto _ : state) {
    auto result = index.Search(Row(data.queries, q), kK, ef);
    benchmark::DoNotOptimize(result);
    q = (q + 1) % data.queries.rows();
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["recall@10"] = recall;
}

void HnswSearchArgs(benchmark::internal::Benchmark* b, int64_t n,
                    std::vector<int> transforms) {
  for (int kind : {kClustered, kGaussian}) {
    for (int transform : transforms) {
      for (int ef : {10, 20, 40, 80, 160, 320}) {
        b->Args({kind, n, transform, ef});
      }
    }
  }
}

BENCHMARK(BM_HnswBuild)
    ->ArgsProduct({{kClustered, kGaussian}, {100000}, {0, 1}})
    ->Iterations(1)
    ->Unit(benchmark::kSecond);
BENCHMARK(BM_HnswSearch)
    ->Apply([](benchmark::internal::Benchmark* b) {
      HnswSearchArgs(b, 100000, {0, 1});
    })
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_HnswBuild)
    ->ArgsProduct({{kClustered, kGaussian}, {1000000}, {0}})
    ->Iterations(1)
    ->Unit(benchmark::kSecond);
BENCHMARK(BM_HnswSearch)
    ->Apply([](benchmark::internal::Benchmark* b) {
      HnswSearchArgs(b, 1000000, {0});
    })
    ->Unit(benchmark::kMicrosecond);

// Serialize + Load of the clustered index: Load checks two CRC-32Cs (in
// software) and every neighbour id.
void BM_HnswSerializeLoad(benchmark::State& state) {
  const HnswIndex& index =
      *GetHnsw(kClustered, state.range(0), MipsTransform::kNone).index;
  double serialize_seconds = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const auto start = std::chrono::steady_clock::now();
    const std::string serialized = index.Serialize();
    serialize_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    bytes = static_cast<int64_t>(serialized.size());
    state.ResumeTiming();
    auto loaded = HnswIndex::Load(serialized);
    benchmark::DoNotOptimize(loaded);
  }
  state.SetBytesProcessed(state.iterations() * bytes);
  state.counters["serialize_ms"] =
      serialize_seconds * 1e3 / static_cast<double>(state.iterations());
}
BENCHMARK(BM_HnswSerializeLoad)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_HnswFilteredSearch(benchmark::State& state) {
  const int64_t n = state.range(0);
  const int64_t per_mille = state.range(1);
  const int ef = static_cast<int>(state.range(2));
  const HnswIndex& index = *GetHnsw(kClustered, n, MipsTransform::kNone).index;
  const Dataset& data = GetDataset(kClustered, n);
  // A hash of the id, so passing items are spread over the clusters.
  auto passes = [per_mille](uint32_t item) {
    return (item * 2654435761u) % 1000 < per_mille;
  };
  const ExactIndex& exact = GetExact(kClustered, n);
  double hits = 0;
  for (int64_t q = 0; q < 200; ++q) {
    const std::vector<ScoredItem> truth =
        *exact.TopK(Row(data.queries, q), kK, passes);
    const std::vector<ScoredItem> got =
        *index.Search(Row(data.queries, q), kK, ef, passes);
    absl::flat_hash_set<uint32_t> want;
    for (const ScoredItem& s : truth) want.insert(s.item);
    for (const ScoredItem& s : got) hits += want.contains(s.item);
  }
  int64_t q = 0;
  for (auto _ : state) {
    auto result = index.Search(Row(data.queries, q), kK, ef, passes);
    benchmark::DoNotOptimize(result);
    q = (q + 1) % data.queries.rows();
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["recall@10"] = hits / (200.0 * kK);
}
BENCHMARK(BM_HnswFilteredSearch)
    ->ArgsProduct({{100000}, {1000, 500, 350, 250, 150, 100, 10}, {40, 160}})
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace shopml::core

BENCHMARK_MAIN();
