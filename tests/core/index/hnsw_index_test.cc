#include "core/index/hnsw_index.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <ostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "core/index/exact_index.h"
#include "core/util/crc32c.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace shopml::core {

void PrintTo(const ScoredItem& s, std::ostream* os) {
  *os << "{" << s.item << ", " << s.score << "}";
}

namespace {

using ::shopml::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// Vectors with the structure of trained factors: Gaussian clusters (taste
// groups) around random centres, with item norms that vary (popular items
// get larger norms), which is what separates MIPS from cosine search.
RowMatrixXf ClusteredMatrix(int64_t rows, int dim, int clusters,
                            uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::lognormal_distribution<float> norm_scale(0.0f, 0.3f);
  RowMatrixXf centres(clusters, dim);
  for (int c = 0; c < clusters; ++c) {
    for (int j = 0; j < dim; ++j) centres(c, j) = normal(rng);
  }
  std::uniform_int_distribution<int> pick(0, clusters - 1);
  RowMatrixXf m(rows, dim);
  for (int64_t i = 0; i < rows; ++i) {
    const int c = pick(rng);
    const float scale = norm_scale(rng);
    for (int j = 0; j < dim; ++j) {
      m(i, j) = scale * (centres(c, j) + 0.5f * normal(rng));
    }
  }
  return m;
}

// Queries from the same clusters as `ClusteredMatrix(..., seed)` items.
RowMatrixXf ClusteredQueries(int64_t rows, int dim, int clusters, uint32_t seed,
                             uint32_t query_seed) {
  // Same centres: regenerate them with the item seed, then draw fresh points.
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  RowMatrixXf centres(clusters, dim);
  for (int c = 0; c < clusters; ++c) {
    for (int j = 0; j < dim; ++j) centres(c, j) = normal(rng);
  }
  std::mt19937 qrng(query_seed);
  std::uniform_int_distribution<int> pick(0, clusters - 1);
  RowMatrixXf q(rows, dim);
  for (int64_t i = 0; i < rows; ++i) {
    const int c = pick(qrng);
    for (int j = 0; j < dim; ++j) q(i, j) = centres(c, j) + 0.5f * normal(qrng);
  }
  return q;
}

RowMatrixXf GaussianMatrix(int64_t rows, int cols, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> value(0.0f, 1.0f);
  RowMatrixXf m(rows, cols);
  for (int64_t i = 0; i < rows; ++i) {
    for (int j = 0; j < cols; ++j) m(i, j) = value(rng);
  }
  return m;
}

absl::Span<const float> Row(const RowMatrixXf& m, int64_t i) {
  return absl::MakeConstSpan(m.row(i).data(), m.cols());
}

// Mean over queries of |approximate top-k ∩ exact top-k| / k.
template <typename Search>
double RecallAtK(const ExactIndex& exact, const RowMatrixXf& queries, int k,
                 Search search) {
  double hits = 0;
  for (int64_t q = 0; q < queries.rows(); ++q) {
    absl::flat_hash_set<uint32_t> truth;
    const std::vector<ScoredItem> exact_top = *exact.TopK(Row(queries, q), k);
    for (const ScoredItem& s : exact_top) {
      truth.insert(s.item);
    }
    for (const ScoredItem& s : search(Row(queries, q))) {
      hits += truth.contains(s.item);
    }
  }
  return hits / (static_cast<double>(k) * queries.rows());
}

// Same items in the same order; scores equal up to rounding (the HNSW and
// exact kernels sum in different orders).
void ExpectSameResults(const std::vector<ScoredItem>& got,
                       const std::vector<ScoredItem>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t r = 0; r < got.size(); ++r) {
    EXPECT_EQ(got[r].item, want[r].item) << "rank " << r;
    EXPECT_NEAR(got[r].score, want[r].score, 1e-4) << "rank " << r;
  }
}

class HnswIndexTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    items_ = new RowMatrixXf(ClusteredMatrix(20000, 32, 50, 1));
    queries_ = new RowMatrixXf(ClusteredQueries(200, 32, 50, 1, 2));
    exact_ = ExactIndex::Build(*items_)->release();
    index_ = HnswIndex::Build(*items_)->release();
  }
  static void TearDownTestSuite() {
    delete index_;
    delete exact_;
    delete queries_;
    delete items_;
  }

  static RowMatrixXf* items_;
  static RowMatrixXf* queries_;
  static ExactIndex* exact_;
  static HnswIndex* index_;
};

RowMatrixXf* HnswIndexTest::items_ = nullptr;
RowMatrixXf* HnswIndexTest::queries_ = nullptr;
ExactIndex* HnswIndexTest::exact_ = nullptr;
HnswIndex* HnswIndexTest::index_ = nullptr;

TEST_F(HnswIndexTest, RecallAt10OnClusteredVectorsWithDefaultEf) {
  const double recall = RecallAtK(
      *exact_, *queries_, 10,
      [](absl::Span<const float> q) { return *index_->Search(q, 10); });
  EXPECT_GE(recall, 0.95);
}

TEST_F(HnswIndexTest, RecallGrowsWithEf) {
  auto recall_at = [](int ef) {
    return RecallAtK(*exact_, *queries_, 10, [ef](absl::Span<const float> q) {
      return *index_->Search(q, 10, ef);
    });
  };
  const double low = recall_at(10);
  const double high = recall_at(400);
  EXPECT_GT(high, low);
  EXPECT_GE(high, 0.99);
}

TEST_F(HnswIndexTest, ScoresAreExactDotProductsSortedBestFirst) {
  ASSERT_OK_AND_ASSIGN(auto got, index_->Search(Row(*queries_, 0), 20));
  ASSERT_EQ(got.size(), 20u);
  for (size_t r = 0; r < got.size(); ++r) {
    double dot = 0;
    for (int j = 0; j < 32; ++j) {
      dot += (*items_)(got[r].item, j) * (*queries_)(0, j);
    }
    EXPECT_NEAR(got[r].score, dot, 1e-4);
    if (r > 0) {
      EXPECT_GE(got[r - 1].score, got[r].score);
    }
  }
}

TEST_F(HnswIndexTest, FilterIsHonoured) {
  auto even = [](uint32_t item) { return item % 2 == 0; };
  double hits = 0;
  for (int64_t q = 0; q < 50; ++q) {
    ASSERT_OK_AND_ASSIGN(auto got, index_->Search(Row(*queries_, q), 10, even));
    ASSERT_EQ(got.size(), 10u);
    ASSERT_OK_AND_ASSIGN(auto truth, exact_->TopK(Row(*queries_, q), 10, even));
    absl::flat_hash_set<uint32_t> want;
    for (const ScoredItem& s : truth) want.insert(s.item);
    for (const ScoredItem& s : got) {
      EXPECT_EQ(s.item % 2, 0u);
      hits += want.contains(s.item);
    }
  }
  EXPECT_GE(hits / 500, 0.95);
}

TEST_F(HnswIndexTest, SelectiveFilterGivesExactAnswer) {
  // 1 in 500 items passes: the graph search gives way to a scan.
  auto rare = [](uint32_t item) { return item % 500 == 3; };
  for (int64_t q = 0; q < 10; ++q) {
    ASSERT_OK_AND_ASSIGN(auto got, index_->Search(Row(*queries_, q), 10, rare));
    ASSERT_OK_AND_ASSIGN(auto want, exact_->TopK(Row(*queries_, q), 10, rare));
    ExpectSameResults(got, want);
  }
}

TEST_F(HnswIndexTest, FilterThatFoolsThePassRateSampleGivesExactAnswer) {
  // Passes exactly the 256 ids Search() samples (i * n / 256), so the
  // sample says 100 % while 1.3 % pass: the walk runs out of budget and the
  // answer comes from the scan.
  const int64_t n = items_->rows();
  absl::flat_hash_set<uint32_t> sampled;
  for (int64_t s = 0; s < 256; ++s) {
    sampled.insert(static_cast<uint32_t>(s * n / 256));
  }
  auto fooling = [&sampled](uint32_t item) { return sampled.contains(item); };
  for (int64_t q = 0; q < 10; ++q) {
    ASSERT_OK_AND_ASSIGN(auto got,
                         index_->Search(Row(*queries_, q), 10, fooling));
    ASSERT_OK_AND_ASSIGN(auto want,
                         exact_->TopK(Row(*queries_, q), 10, fooling));
    ExpectSameResults(got, want);
  }
}

TEST_F(HnswIndexTest, ReturnsEveryPassingItemWhenFewerThanKPass) {
  auto few = [](uint32_t item) {
    return item == 5 || item == 17 || item == 19999;
  };
  ASSERT_OK_AND_ASSIGN(auto got, index_->Search(Row(*queries_, 0), 10, few));
  ASSERT_OK_AND_ASSIGN(auto want, exact_->TopK(Row(*queries_, 0), 10, few));
  EXPECT_EQ(got.size(), 3u);
  ExpectSameResults(got, want);
}

TEST_F(HnswIndexTest, SerializeLoadRoundTripGivesIdenticalResults) {
  const std::string bytes = index_->Serialize();
  ASSERT_OK_AND_ASSIGN(auto loaded, HnswIndex::Load(bytes));
  EXPECT_EQ(loaded->num_items(), index_->num_items());
  EXPECT_EQ(loaded->dim(), index_->dim());
  EXPECT_EQ(loaded->options().m, index_->options().m);
  EXPECT_EQ(loaded->options().ef_search, index_->options().ef_search);
  EXPECT_EQ(loaded->options().transform, index_->options().transform);
  for (int64_t q = 0; q < queries_->rows(); ++q) {
    ASSERT_OK_AND_ASSIGN(auto want, index_->Search(Row(*queries_, q), 10, 30));
    ASSERT_OK_AND_ASSIGN(auto got, loaded->Search(Row(*queries_, q), 10, 30));
    EXPECT_EQ(got, want) << "query " << q;
  }
  EXPECT_EQ(loaded->Serialize(), bytes);
}

TEST_F(HnswIndexTest, ConcurrentSearchesMatchSequentialOnes) {
  auto even = [](uint32_t item) { return item % 2 == 0; };
  std::vector<std::vector<ScoredItem>> want(queries_->rows());
  for (int64_t q = 0; q < queries_->rows(); ++q) {
    want[q] = *index_->Search(Row(*queries_, q), 10, even);
  }
  std::vector<std::vector<ScoredItem>> got(queries_->rows());
  auto run = [&](int64_t first) {
    for (int64_t q = first; q < queries_->rows(); q += 2) {
      got[q] = *index_->Search(Row(*queries_, q), 10, even);
    }
  };
  std::thread other(run, 1);
  run(0);
  other.join();
  EXPECT_EQ(got, want);
}

class HnswCorruptionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    items_ = ClusteredMatrix(300, 8, 5, 3);
    HnswOptions options;
    options.m = 4;  // Several levels even at 300 items.
    options.transform = MipsTransform::kAugment;  // 9 floats per vector.
    index_ = *HnswIndex::Build(items_, options);
    bytes_ = index_->Serialize();
  }

  // Rewrites both checksums, as a writer bug or a crafted file would.
  static void Reseal(std::string& bytes) {
    const uint32_t payload_crc = Crc32c(absl::string_view(bytes).substr(64));
    std::memcpy(bytes.data() + 56, &payload_crc, 4);
    const uint32_t header_crc = Crc32c(absl::string_view(bytes).substr(0, 60));
    std::memcpy(bytes.data() + 60, &header_crc, 4);
  }

  RowMatrixXf items_;
  std::unique_ptr<HnswIndex> index_;
  std::string bytes_;
};

TEST_F(HnswCorruptionTest, FlippedBytesAreDataLoss) {
  // Header fields (magic, num_items, dim, m, entry point, payload size,
  // checksums), vectors, nodes, the last byte.
  const size_t size = bytes_.size();
  for (size_t offset :
       {size_t{0}, size_t{5}, size_t{8}, size_t{16}, size_t{28}, size_t{44},
        size_t{48}, size_t{57}, size_t{62}, size_t{64},
        size_t{64 + 300 * 9 * 2}, size_t{64 + 300 * 9 * 4 + 1}, size / 2,
        size - 3, size - 1}) {
    for (uint8_t mask : {uint8_t{0x01}, uint8_t{0x80}, uint8_t{0xFF}}) {
      std::string corrupt = bytes_;
      corrupt[offset] = static_cast<char>(corrupt[offset] ^ mask);
      EXPECT_THAT(HnswIndex::Load(corrupt),
                  StatusIs(absl::StatusCode::kDataLoss, HasSubstr("corrupt")))
          << "offset " << offset << " mask " << int{mask};
    }
  }
}

TEST_F(HnswCorruptionTest, TruncatedBytesAreDataLoss) {
  for (size_t length : {size_t{0}, size_t{1}, size_t{10}, size_t{63},
                        size_t{64}, size_t{65}, size_t{1000}, bytes_.size() / 2,
                        bytes_.size() - 4, bytes_.size() - 1}) {
    EXPECT_THAT(HnswIndex::Load(absl::string_view(bytes_).substr(0, length)),
                StatusIs(absl::StatusCode::kDataLoss, HasSubstr("corrupt")))
        << "length " << length;
  }
}

TEST_F(HnswCorruptionTest, AppendedBytesAreDataLoss) {
  EXPECT_THAT(HnswIndex::Load(bytes_ + "x"),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("payload is")));
}

TEST_F(HnswCorruptionTest,
       OutOfRangeNeighbourIsDataLossEvenWithValidChecksums) {
  // Node 0 starts after the vectors: label, level, layer-0 count, ids.
  const size_t node0 = 64 + 300 * 9 * 4;
  uint32_t count;
  std::memcpy(&count, bytes_.data() + node0 + 8, 4);
  ASSERT_GT(count, 0u);
  const uint32_t bad = 300;
  std::memcpy(bytes_.data() + node0 + 12, &bad, 4);
  Reseal(bytes_);
  EXPECT_THAT(HnswIndex::Load(bytes_),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("neighbour")));
}

TEST_F(HnswCorruptionTest, OverlongListIsDataLossEvenWithValidChecksums) {
  const size_t node0 = 64 + 300 * 9 * 4;
  const uint32_t huge = 60000;
  std::memcpy(bytes_.data() + node0 + 8, &huge, 4);
  Reseal(bytes_);
  EXPECT_THAT(HnswIndex::Load(bytes_),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("corrupt")));
}

TEST_F(HnswCorruptionTest, HugeItemCountIsDataLossEvenWithValidChecksums) {
  const uint64_t huge = uint64_t{1} << 40;
  std::memcpy(bytes_.data() + 8, &huge, 8);
  Reseal(bytes_);
  EXPECT_THAT(HnswIndex::Load(bytes_),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("num_items")));
}

TEST_F(HnswCorruptionTest, NewerVersionIsInvalidArgument) {
  const uint32_t version = 2;
  std::memcpy(bytes_.data() + 4, &version, 4);
  Reseal(bytes_);
  EXPECT_THAT(
      HnswIndex::Load(bytes_),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("version 2")));
}

TEST(HnswIndexBuildTest, SingleThreadedBuildIsDeterministic) {
  const RowMatrixXf items = ClusteredMatrix(2000, 16, 10, 4);
  ASSERT_OK_AND_ASSIGN(auto a, HnswIndex::Build(items));
  ASSERT_OK_AND_ASSIGN(auto b, HnswIndex::Build(items));
  EXPECT_EQ(a->Serialize(), b->Serialize());
}

TEST(HnswIndexBuildTest, ParallelBuildReachesRecall) {
  const RowMatrixXf items = ClusteredMatrix(20000, 32, 50, 5);
  const RowMatrixXf queries = ClusteredQueries(100, 32, 50, 5, 6);
  HnswOptions options;
  options.num_threads = 2;
  ASSERT_OK_AND_ASSIGN(auto index, HnswIndex::Build(items, options));
  ASSERT_OK_AND_ASSIGN(auto exact, ExactIndex::Build(items));
  const double recall = RecallAtK(
      *exact, queries, 10,
      [&index](absl::Span<const float> q) { return *index->Search(q, 10); });
  EXPECT_GE(recall, 0.95);
}

TEST(HnswIndexBuildTest, AugmentTransformFindsNeighboursAndRoundTrips) {
  const RowMatrixXf items = ClusteredMatrix(5000, 16, 20, 7);
  const RowMatrixXf queries = ClusteredQueries(100, 16, 20, 7, 8);
  HnswOptions options;
  options.transform = MipsTransform::kAugment;
  ASSERT_OK_AND_ASSIGN(auto index, HnswIndex::Build(items, options));
  ASSERT_OK_AND_ASSIGN(auto exact, ExactIndex::Build(items));
  const double recall =
      RecallAtK(*exact, queries, 10, [&index](absl::Span<const float> q) {
        return *index->Search(q, 10, 200);
      });
  EXPECT_GE(recall, 0.9);
  ASSERT_OK_AND_ASSIGN(auto loaded, HnswIndex::Load(index->Serialize()));
  EXPECT_EQ(*loaded->Search(Row(queries, 0), 10),
            *index->Search(Row(queries, 0), 10));
}

TEST(HnswIndexBuildTest, KLargerThanNumItemsReturnsAllItems) {
  const RowMatrixXf items = GaussianMatrix(50, 4, 9);
  ASSERT_OK_AND_ASSIGN(auto index, HnswIndex::Build(items));
  ASSERT_OK_AND_ASSIGN(auto exact, ExactIndex::Build(items));
  const std::vector<float> query = {1, -1, 0.5f, 2};
  ASSERT_OK_AND_ASSIGN(auto got, index->Search(query, 100));
  ASSERT_OK_AND_ASSIGN(auto want, exact->TopK(query, 100));
  ASSERT_EQ(got.size(), 50u);
  ExpectSameResults(got, want);
}

TEST(HnswIndexBuildTest, EmptyIndexSearchesAndRoundTrips) {
  ASSERT_OK_AND_ASSIGN(auto index, HnswIndex::Build(RowMatrixXf(0, 5)));
  const std::vector<float> query(5, 1.0f);
  ASSERT_OK_AND_ASSIGN(auto got, index->Search(query, 10));
  EXPECT_THAT(got, IsEmpty());
  ASSERT_OK_AND_ASSIGN(auto loaded, HnswIndex::Load(index->Serialize()));
  EXPECT_EQ(loaded->num_items(), 0);
  EXPECT_EQ(loaded->dim(), 5);
  ASSERT_OK_AND_ASSIGN(got, loaded->Search(query, 10));
  EXPECT_THAT(got, IsEmpty());
}

TEST(HnswIndexBuildTest, SingleItem) {
  RowMatrixXf items(1, 3);
  items << 1, 2, 3;
  ASSERT_OK_AND_ASSIGN(auto index, HnswIndex::Build(items));
  const std::vector<float> query = {1, 1, 1};
  ASSERT_OK_AND_ASSIGN(auto got, index->Search(query, 5));
  EXPECT_EQ(got, (std::vector<ScoredItem>{{0, 6.0f}}));
}

TEST(HnswIndexBuildTest, RejectsBadOptionsAndItems) {
  const RowMatrixXf items = GaussianMatrix(10, 4, 10);
  HnswOptions options;
  options.m = 1;
  EXPECT_THAT(HnswIndex::Build(items, options),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("m:")));
  options = HnswOptions();
  options.ef_construction = 0;
  EXPECT_THAT(HnswIndex::Build(items, options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("ef_construction")));
  options = HnswOptions();
  options.num_threads = 0;
  EXPECT_THAT(
      HnswIndex::Build(items, options),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("num_threads")));
  RowMatrixXf bad = items;
  bad(3, 3) = std::numeric_limits<float>::quiet_NaN();
  EXPECT_THAT(
      HnswIndex::Build(bad),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("non-finite")));
}

TEST(HnswIndexBuildTest, RejectsBadQueries) {
  ASSERT_OK_AND_ASSIGN(auto index, HnswIndex::Build(GaussianMatrix(10, 4, 11)));
  const std::vector<float> wrong_dim(3, 1.0f);
  EXPECT_THAT(index->Search(wrong_dim, 5),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("dim 4")));
  const std::vector<float> query(4, 1.0f);
  EXPECT_THAT(index->Search(query, 0),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("k:")));
  EXPECT_THAT(index->Search(query, 5, 0),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("ef:")));
  const std::vector<float> inf = {1, std::numeric_limits<float>::infinity(), 0,
                                  0};
  EXPECT_THAT(
      index->Search(inf, 5),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not finite")));
}

}  // namespace
}  // namespace shopml::core
