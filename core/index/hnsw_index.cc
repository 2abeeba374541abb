#include "core/index/hnsw_index.h"

// NO_MANUAL_VECTORIZATION drops hnswlib's SSE code, which is of no use
// here: distances are ours (NegativeDotSpace), and its prefetches in
// searchBaseLayer read one id past the end of a neighbour list, a heap
// overflow AddressSanitizer reports on every build (nmslib/hnswlib#107,
// #578; unfixed in 0.6.2). It also drops the non-inline cpuid helpers that
// hnswlib.h would define; still, include hnswlib in this one file only, so
// all template instantiations agree on the macro.
#define NO_MANUAL_VECTORIZATION
#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <functional>
#include <limits>
#include <mutex>
#include <new>
#include <queue>
#include <system_error>
#include <thread>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/index/dot_product.h"
#include "core/index/hnsw_format.h"
#include "core/index/top_k.h"
#include "core/util/crc32c.h"

namespace shopml::core {
namespace {

using Graph = hnswlib::HierarchicalNSW<float>;
using hnsw_format::Corrupt;
using hnsw_format::kMaxDim;
using hnsw_format::kMaxEf;
using hnsw_format::kMaxItems;
using hnsw_format::kMaxM;

constexpr int kMaxThreads = 256;
// Filtered search policy (see Search() in the header); the figures are from
// bench/retrieval_bench.cc, clustered 100k x 64, ef = 40.
//
// The filter's pass rate is estimated on this many evenly spaced item ids.
constexpr int64_t kPassRateSample = 256;
// Below this estimated pass rate, scan instead of walking the graph. The
// walk answers from the passing items it meets near the query, and recall
// falls with the pass rate: recall@10 0.999 at 100 %, 0.975 at 50 %, 0.93 at
// 35 %, 0.87 at 25 %, 0.65 at 10 %. (Scaling ef by 1 / rate buys back 1 to
// 3 points at 50 % to 35 % for 4 to 5 times the time; a caller who wants
// that can pass a larger ef.)
constexpr double kMinGraphPassRate = 0.4;
// A filtered walk that has computed num_items / kFallbackDivisor distances
// (the sample misjudged the filter) gives way to a scan: a graph step costs
// a cache miss and a heap operation, a scan step a sequential read, several
// times cheaper.
constexpr int64_t kFallbackDivisor = 8;

// The space hnswlib builds with: `stored_dim` floats per item (dim, plus one
// for kAugment) and distance -<a, b>.
class NegativeDotSpace final : public hnswlib::SpaceInterface<float> {
 public:
  explicit NegativeDotSpace(size_t stored_dim)
      : stored_dim_(stored_dim), distance_(ActiveNegativeDotDistance()) {}

  size_t get_data_size() override { return stored_dim_ * sizeof(float); }
  hnswlib::DISTFUNC<float> get_dist_func() override { return distance_; }
  void* get_dist_func_param() override { return &stored_dim_; }

 private:
  size_t stored_dim_;
  NegativeDotDistanceFn distance_;
};

absl::Status ValidateOptions(const HnswOptions& o) {
  if (o.m < 2 || o.m > kMaxM) {
    return absl::InvalidArgumentError(
        absl::StrCat("m: must be in [2, ", kMaxM, "], got ", o.m));
  }
  if (o.ef_construction < 1 || o.ef_construction > kMaxEf) {
    return absl::InvalidArgumentError(
        absl::StrCat("ef_construction: must be in [1, ", kMaxEf, "], got ",
                     o.ef_construction));
  }
  if (o.ef_search < 1 || o.ef_search > kMaxEf) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ef_search: must be in [1, ", kMaxEf, "], got ", o.ef_search));
  }
  if (o.num_threads < 1 || o.num_threads > kMaxThreads) {
    return absl::InvalidArgumentError(absl::StrCat(
        "num_threads: must be in [1, ", kMaxThreads, "], got ", o.num_threads));
  }
  if (o.transform != MipsTransform::kNone &&
      o.transform != MipsTransform::kAugment) {
    return absl::InvalidArgumentError("transform: unknown value");
  }
  return absl::OkStatus();
}

int StoredDim(int dim, MipsTransform transform) {
  return dim + (transform == MipsTransform::kAugment ? 1 : 0);
}

// Returns the graph's visited list to its pool on every exit path.
class VisitedListLease {
 public:
  explicit VisitedListLease(hnswlib::VisitedListPool* pool)
      : pool_(pool), list_(pool->getFreeVisitedList()) {}
  ~VisitedListLease() { pool_->releaseVisitedList(list_); }
  VisitedListLease(const VisitedListLease&) = delete;
  VisitedListLease& operator=(const VisitedListLease&) = delete;

  bool Visit(uint32_t id) {
    if (list_->mass[id] == list_->curV) return false;
    list_->mass[id] = list_->curV;
    return true;
  }
  const void* slot(uint32_t id) const { return list_->mass + id; }

 private:
  hnswlib::VisitedListPool* pool_;
  hnswlib::VisitedList* list_;
};

}  // namespace

struct HnswIndex::Impl {
  explicit Impl(size_t stored_dim) : space(stored_dim) {}

  // The graph keeps a pointer to the space's dim: destroyed after `graph`.
  NegativeDotSpace space;
  std::unique_ptr<Graph> graph;
  DotProductFn dot = ActiveDotProduct();
};

HnswIndex::HnswIndex(int64_t num_items, int dim, const HnswOptions& options,
                     std::unique_ptr<Impl> impl)
    : num_items_(num_items),
      dim_(dim),
      options_(options),
      impl_(std::move(impl)) {}

HnswIndex::~HnswIndex() = default;

absl::StatusOr<std::unique_ptr<HnswIndex>> HnswIndex::Build(
    const RowMatrixXf& items, const HnswOptions& options) {
  if (absl::Status s = ValidateOptions(options); !s.ok()) return s;
  if (items.cols() < 1 || items.cols() > kMaxDim) {
    return absl::InvalidArgumentError(absl::StrCat(
        "items: dim must be in [1, ", kMaxDim, "], got ", items.cols()));
  }
  if (items.rows() > kMaxItems) {
    return absl::InvalidArgumentError(absl::StrCat(
        "items: at most ", kMaxItems, " items, got ", items.rows()));
  }
  if (!items.allFinite()) {
    return absl::InvalidArgumentError("items: contains a non-finite value");
  }
  const int64_t n = items.rows();
  const int dim = static_cast<int>(items.cols());
  const int stored_dim = StoredDim(dim, options.transform);

  // kAugment: the extra coordinate sqrt(max_norm^2 - |x|^2), in double so
  // the largest-norm items get ~0 rather than sqrt of a rounding error.
  std::vector<float> extra;
  if (options.transform == MipsTransform::kAugment) {
    std::vector<double> norm2(n);
    double max_norm2 = 0;
    for (int64_t i = 0; i < n; ++i) {
      norm2[i] = items.row(i).cast<double>().squaredNorm();
      max_norm2 = std::max(max_norm2, norm2[i]);
    }
    extra.resize(n);
    for (int64_t i = 0; i < n; ++i) {
      extra[i] =
          static_cast<float>(std::sqrt(std::max(0.0, max_norm2 - norm2[i])));
    }
  }

  auto impl = std::make_unique<Impl>(stored_dim);
  try {
    impl->graph = std::make_unique<Graph>(
        &impl->space, static_cast<size_t>(std::max<int64_t>(n, 1)), options.m,
        options.ef_construction, options.seed);
  } catch (const std::exception& e) {
    return absl::ResourceExhaustedError(
        absl::StrCat("HNSW: cannot allocate the graph: ", e.what()));
  }
  Graph& graph = *impl->graph;

  // Inserts item i; hnswlib copies the vector, so one buffer per thread.
  auto insert = [&](int64_t i, std::vector<float>& buffer) {
    std::copy_n(items.row(i).data(), dim, buffer.begin());
    if (!extra.empty()) buffer[dim] = extra[i];
    graph.addPoint(buffer.data(), static_cast<hnswlib::labeltype>(i));
  };
  std::mutex error_mu;
  absl::Status error;  // The first failure; guarded by error_mu.
  std::atomic<bool> failed{false};
  std::atomic<int64_t> next{0};
  auto worker = [&] {
    std::vector<float> buffer(stored_dim);
    while (!failed.load(std::memory_order_relaxed)) {
      const int64_t i = next.fetch_add(1, std::memory_order_relaxed);
      if (i >= n) return;
      try {
        insert(i, buffer);
      } catch (const std::bad_alloc&) {
        std::lock_guard<std::mutex> lock(error_mu);
        if (error.ok())
          error = absl::ResourceExhaustedError("HNSW: out of memory");
        failed = true;
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(error_mu);
        if (error.ok()) {
          error = absl::InternalError(
              absl::StrCat("HNSW: insert failed: ", e.what()));
        }
        failed = true;
      }
    }
  };

  // The first item alone: it becomes the entry point the others start from.
  if (n > 0) {
    next = 1;
    std::vector<float> buffer(stored_dim);
    try {
      insert(0, buffer);
    } catch (const std::exception& e) {
      return absl::InternalError(
          absl::StrCat("HNSW: insert failed: ", e.what()));
    }
  }
  std::vector<std::thread> threads;
  const int num_threads = static_cast<int>(
      std::min<int64_t>(options.num_threads, std::max<int64_t>(n, 1)));
  for (int t = 1; t < num_threads; ++t) {
    try {
      threads.emplace_back(worker);
    } catch (const std::system_error&) {
      break;  // Fewer threads than asked for: slower, still correct.
    }
  }
  worker();
  for (std::thread& t : threads) t.join();
  if (!error.ok()) return error;
  return std::unique_ptr<HnswIndex>(
      new HnswIndex(n, dim, options, std::move(impl)));
}

absl::StatusOr<std::vector<ScoredItem>> HnswIndex::Search(
    absl::Span<const float> query, int k,
    std::optional<ItemPredicate> filter) const {
  return Search(query, k, options_.ef_search, filter);
}

absl::Status HnswIndex::SetEfSearch(int ef_search) {
  if (ef_search < 1 || ef_search > kMaxEf) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ef_search: must be in [1, ", kMaxEf, "], got ", ef_search));
  }
  options_.ef_search = ef_search;
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ScoredItem>> HnswIndex::Search(
    absl::Span<const float> query, int k, int ef,
    std::optional<ItemPredicate> filter) const {
  if (query.size() != static_cast<size_t>(dim_)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "query: has ", query.size(), " values, the index has dim ", dim_));
  }
  for (size_t j = 0; j < query.size(); ++j) {
    if (!std::isfinite(query[j])) {
      return absl::InvalidArgumentError(
          absl::StrCat("query: value ", j, " is not finite"));
    }
  }
  if (k < 1) {
    return absl::InvalidArgumentError(absl::StrCat("k: must be >= 1, got ", k));
  }
  if (ef < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("ef: must be >= 1, got ", ef));
  }
  if (num_items_ == 0) return std::vector<ScoredItem>();
  try {
    return SearchGraph(query.data(), k, ef, filter);
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError("HNSW: out of memory in Search");
  }
}

std::vector<ScoredItem> HnswIndex::SearchGraph(
    const float* q, int k, int ef,
    const std::optional<ItemPredicate>& filter) const {
  const size_t ef_used = static_cast<size_t>(std::max(ef, k));
  if (filter.has_value()) {
    // Item ids are exactly [0, num_items), so a strided sample is fair to
    // any filter that is not itself strided, and deterministic.
    const int64_t sample = std::min(num_items_, kPassRateSample);
    int64_t passed = 0;
    for (int64_t s = 0; s < sample; ++s) {
      passed += (*filter)(static_cast<uint32_t>(s * num_items_ / sample));
    }
    if (passed < kMinGraphPassRate * sample) return ExactScan(q, k, filter);
  }
  const Graph& g = *impl_->graph;
  const DotProductFn dot = impl_->dot;
  const size_t dim = static_cast<size_t>(dim_);
  // The query is scored on the first dim floats of the stored vector: with
  // kAugment, the query's extra coordinate is 0.
  auto distance = [&](uint32_t id) {
    return -dot(q, reinterpret_cast<const float*>(g.getDataByInternalId(id)),
                dim);
  };
  auto label = [&g](uint32_t id) {
    return static_cast<uint32_t>(g.getExternalLabel(id));
  };

  // Upper layers: greedy descent to the closest node, as hnswlib does.
  uint32_t current = g.enterpoint_node_;
  float current_distance = distance(current);
  for (int level = g.maxlevel_; level > 0; --level) {
    bool changed = true;
    while (changed) {
      changed = false;
      hnswlib::linklistsizeint* list = g.get_linklist(current, level);
      const int size = g.getListCount(list);
      const uint32_t* ids = list + 1;
      for (int i = 0; i < size; ++i) {
        const float d = distance(ids[i]);
        if (d < current_distance) {
          current_distance = d;
          current = ids[i];
          changed = true;
        }
      }
    }
  }

  // Bottom layer: best-first search keeping the ef closest passing nodes.
  using Candidate = std::pair<float, uint32_t>;  // (distance, internal id).
  std::priority_queue<Candidate> found;          // Farthest on top.
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>>
      frontier;  // Closest on top.
  const int64_t budget = filter.has_value()
                             ? num_items_ / kFallbackDivisor
                             : std::numeric_limits<int64_t>::max();
  int64_t computed = 0;
  bool gave_up = false;
  {
    VisitedListLease visited(g.visited_list_pool_);
    float bound = std::numeric_limits<float>::infinity();
    auto offer = [&](float d, uint32_t id) {
      if (filter.has_value() && !(*filter)(label(id))) return;
      found.emplace(d, id);
      if (found.size() > ef_used) found.pop();
      bound = found.top().first;
    };
    visited.Visit(current);
    frontier.emplace(current_distance, current);
    if (!std::isnan(current_distance)) offer(current_distance, current);
    while (!frontier.empty()) {
      const auto [d, node] = frontier.top();
      if (d > bound && found.size() == ef_used) break;
      frontier.pop();
      hnswlib::linklistsizeint* list = g.get_linklist0(node);
      const int size = g.getListCount(list);
      const uint32_t* ids = list + 1;
      if (size > 0) __builtin_prefetch(g.getDataByInternalId(ids[0]));
      for (int i = 0; i < size; ++i) {
        const uint32_t id = ids[i];
        if (i + 1 < size) {
          __builtin_prefetch(visited.slot(ids[i + 1]));
          __builtin_prefetch(g.getDataByInternalId(ids[i + 1]));
        }
        if (!visited.Visit(id)) continue;
        const float dist = distance(id);
        ++computed;
        if (std::isnan(dist)) continue;  // Overflow; never returned.
        if (found.size() < ef_used || dist < bound) {
          frontier.emplace(dist, id);
          offer(dist, id);
        }
      }
      if (computed > budget) {
        gave_up = true;
        break;
      }
    }
  }

  const size_t wanted =
      std::min(static_cast<size_t>(k), static_cast<size_t>(num_items_));
  if (gave_up || found.size() < wanted) return ExactScan(q, k, filter);
  std::vector<ScoredItem> result;
  result.reserve(found.size());
  while (!found.empty()) {
    result.push_back({label(found.top().second), -found.top().first});
    found.pop();
  }
  std::sort(result.begin(), result.end(), RanksBefore);
  if (result.size() > static_cast<size_t>(k)) result.resize(k);
  return result;
}

std::vector<ScoredItem> HnswIndex::ExactScan(
    const float* query, int k,
    const std::optional<ItemPredicate>& filter) const {
  const Graph& g = *impl_->graph;
  const DotProductFn dot = impl_->dot;
  const size_t dim = static_cast<size_t>(dim_);
  // hnswlib's elements are ~(4 * dim + 8 * m + 12) bytes apart, a stride
  // the hardware prefetcher follows less well than a plain sequence.
  constexpr int64_t kAhead = 8;
  TopKSelector selector(k, static_cast<size_t>(num_items_));
  for (int64_t i = 0; i < num_items_; ++i) {
    if (i + kAhead < num_items_) {
      const char* next =
          g.getDataByInternalId(static_cast<uint32_t>(i + kAhead));
      for (size_t offset = 0; offset < dim * sizeof(float); offset += 64) {
        __builtin_prefetch(next + offset);
      }
    }
    const uint32_t id = static_cast<uint32_t>(i);
    const float score = dot(
        query, reinterpret_cast<const float*>(g.getDataByInternalId(id)), dim);
    // Most items lose on score alone; only ties need the label.
    if (selector.full() && score < selector.worst().score) continue;
    const uint32_t item = static_cast<uint32_t>(g.getExternalLabel(id));
    if (selector.WouldKeep(score, item) &&
        (!filter.has_value() || (*filter)(item))) {
      selector.Push(score, item);
    }
  }
  return selector.TakeSorted();
}

std::string HnswIndex::Serialize() const {
  const Graph& g = *impl_->graph;
  const uint32_t stored_dim =
      static_cast<uint32_t>(StoredDim(dim_, options_.transform));
  const size_t vector_bytes = stored_dim * sizeof(float);
  // The header goes in front once the payload checksum is known; writing
  // into one string avoids copying a payload of hundreds of megabytes.
  std::string out(hnsw_format::kHeaderSize, '\0');
  out.reserve(hnsw_format::kHeaderSize +
              num_items_ * (vector_bytes + 8 * options_.m + 16));
  for (int64_t i = 0; i < num_items_; ++i) {
    out.append(g.getDataByInternalId(static_cast<uint32_t>(i)), vector_bytes);
  }
  for (int64_t i = 0; i < num_items_; ++i) {
    const uint32_t id = static_cast<uint32_t>(i);
    const int level = g.element_levels_[id];
    hnsw_format::AppendU32(&out, static_cast<uint32_t>(g.getExternalLabel(id)));
    hnsw_format::AppendU32(&out, static_cast<uint32_t>(level));
    for (int l = 0; l <= level; ++l) {
      hnswlib::linklistsizeint* list = g.get_linklist_at_level(id, l);
      const uint32_t count = g.getListCount(list);
      hnsw_format::AppendU32(&out, count);
      out.append(reinterpret_cast<const char*>(list + 1),
                 count * sizeof(uint32_t));
    }
  }
  hnsw_format::Header h;
  h.num_items = static_cast<uint64_t>(num_items_);
  h.dim = static_cast<uint32_t>(dim_);
  h.stored_dim = stored_dim;
  h.transform = static_cast<uint32_t>(options_.transform);
  h.m = static_cast<uint32_t>(options_.m);
  h.ef_construction = static_cast<uint32_t>(options_.ef_construction);
  h.ef_search = static_cast<uint32_t>(options_.ef_search);
  if (num_items_ > 0) {
    h.max_level = static_cast<uint32_t>(g.maxlevel_);
    h.entry_point = g.enterpoint_node_;
  }
  const absl::string_view written =
      absl::string_view(out).substr(hnsw_format::kHeaderSize);
  h.payload_size = written.size();
  h.payload_crc = Crc32c(written);
  out.replace(0, hnsw_format::kHeaderSize, hnsw_format::EncodeHeader(h));
  return out;
}

absl::StatusOr<std::unique_ptr<HnswIndex>> HnswIndex::Load(
    absl::string_view bytes) {
  absl::StatusOr<hnsw_format::Header> decoded =
      hnsw_format::DecodeHeader(bytes);
  if (!decoded.ok()) return decoded.status();
  const hnsw_format::Header& h = *decoded;
  const absl::string_view payload = bytes.substr(hnsw_format::kHeaderSize);
  if (Crc32c(payload) != h.payload_crc) {
    return Corrupt("payload checksum mismatch");
  }
  const int64_t n = static_cast<int64_t>(h.num_items);
  const size_t vector_bytes = 4ull * h.stored_dim;
  const uint32_t max_count0 = 2 * h.m;

  // Pass 1: levels and labels of every node, and the payload's exact size,
  // before anything is handed to hnswlib.
  hnsw_format::Reader r(payload);
  if (!r.Skip(n * vector_bytes)) return Corrupt("truncated vectors");
  std::vector<uint32_t> levels(n);
  std::vector<bool> label_seen(n);
  for (int64_t i = 0; i < n; ++i) {
    uint32_t label = 0, level = 0, count = 0;
    if (!r.ReadU32(&label) || !r.ReadU32(&level))
      return Corrupt("truncated node");
    if (label >= n || label_seen[label])
      return Corrupt("bad or repeated label");
    label_seen[label] = true;
    if (level > h.max_level) return Corrupt("node above the top level");
    levels[i] = level;
    for (uint32_t l = 0; l <= level; ++l) {
      if (!r.ReadU32(&count)) return Corrupt("truncated node");
      if (count > (l == 0 ? max_count0 : h.m)) return Corrupt("list too long");
      if (!r.Skip(4ull * count)) return Corrupt("truncated node");
    }
  }
  if (r.remaining() != 0) return Corrupt("trailing bytes after the nodes");
  if (n > 0 && levels[h.entry_point] != h.max_level) {
    return Corrupt("entry point is not on the top level");
  }

  HnswOptions options;
  options.m = static_cast<int>(h.m);
  options.ef_construction = static_cast<int>(h.ef_construction);
  options.ef_search = static_cast<int>(h.ef_search);
  options.transform = MipsTransform{h.transform};
  auto impl = std::make_unique<Impl>(h.stored_dim);
  try {
    impl->graph = std::make_unique<Graph>(
        &impl->space, static_cast<size_t>(std::max<int64_t>(n, 1)), options.m,
        options.ef_construction, options.seed);
  } catch (const std::exception& e) {
    return absl::ResourceExhaustedError(
        absl::StrCat("HNSW: cannot allocate the graph: ", e.what()));
  }
  Graph& g = *impl->graph;
  // The destructor frees linkLists_[i] for i < cur_element_count whose
  // element_levels_[i] > 0; levels are set only once a list is allocated,
  // so every early return below leaves a graph that destroys cleanly.
  g.cur_element_count = static_cast<size_t>(n);

  // Pass 2: fill hnswlib's arrays, checking every neighbour id.
  hnsw_format::Reader vectors(payload.substr(0, n * vector_bytes));
  hnsw_format::Reader nodes(payload.substr(n * vector_bytes));
  auto read_list = [&](uint32_t level,
                       hnswlib::linklistsizeint* list) -> absl::Status {
    uint32_t count = 0;
    nodes.ReadU32(&count);  // Sizes were checked in pass 1.
    uint32_t* ids = list + 1;
    nodes.ReadBytes(ids, 4ull * count);
    for (uint32_t j = 0; j < count; ++j) {
      // hnswlib follows a layer-L link into the neighbour's layer-L list.
      if (ids[j] >= n || levels[ids[j]] < level) {
        return Corrupt("neighbour out of range");
      }
    }
    g.setListCount(list, static_cast<unsigned short>(count));
    return absl::OkStatus();
  };
  for (int64_t i = 0; i < n; ++i) {
    const uint32_t id = static_cast<uint32_t>(i);
    char* element = g.data_level0_memory_ + i * g.size_data_per_element_;
    std::memset(element, 0, g.size_data_per_element_);
    float* vector = reinterpret_cast<float*>(g.getDataByInternalId(id));
    vectors.ReadBytes(vector, vector_bytes);
    for (uint32_t j = 0; j < h.stored_dim; ++j) {
      if (!std::isfinite(vector[j])) return Corrupt("non-finite vector value");
    }
    uint32_t label = 0, level = 0;
    nodes.ReadU32(&label);
    nodes.ReadU32(&level);
    g.setExternalLabel(id, label);
    if (absl::Status s = read_list(0, g.get_linklist0(id)); !s.ok()) return s;
    if (level > 0) {
      const size_t size = g.size_links_per_element_ * level;
      g.linkLists_[i] = static_cast<char*>(std::malloc(size + 1));
      if (g.linkLists_[i] == nullptr) {
        return absl::ResourceExhaustedError("HNSW: out of memory");
      }
      std::memset(g.linkLists_[i], 0, size + 1);
      g.element_levels_[i] = static_cast<int>(level);
      for (uint32_t l = 1; l <= level; ++l) {
        if (absl::Status s = read_list(l, g.get_linklist(id, l)); !s.ok()) {
          return s;
        }
      }
    }
  }
  try {
    for (int64_t i = 0; i < n; ++i) {
      g.label_lookup_[g.getExternalLabel(static_cast<uint32_t>(i))] =
          static_cast<uint32_t>(i);
    }
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError("HNSW: out of memory");
  }
  if (n > 0) {
    g.enterpoint_node_ = h.entry_point;
    g.maxlevel_ = static_cast<int>(h.max_level);
  }
  return std::unique_ptr<HnswIndex>(
      new HnswIndex(n, static_cast<int>(h.dim), options, std::move(impl)));
}

}  // namespace shopml::core
