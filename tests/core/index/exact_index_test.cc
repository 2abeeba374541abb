#include "core/index/exact_index.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <ostream>
#include <random>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace shopml::core {

// Readable failure messages (found by argument-dependent lookup).
void PrintTo(const ScoredItem& s, std::ostream* os) {
  *os << "{" << s.item << ", " << s.score << "}";
}

namespace {

using ::shopml::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// Values that are multiples of 1/8 in [-2, 2]: every dot product of up to a
// few hundred dimensions is then exact in float whatever the summation order
// or FMA use, so results can be compared exactly with a naive loop, and equal
// scores (ties) are common.
RowMatrixXf GridMatrix(int64_t rows, int cols, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> value(-16, 16);
  RowMatrixXf m(rows, cols);
  for (int64_t i = 0; i < rows; ++i) {
    for (int j = 0; j < cols; ++j) m(i, j) = value(rng) / 8.0f;
  }
  return m;
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

// The reference: score every item with a plain loop, sort everything.
template <typename Allowed>
std::vector<ScoredItem> BruteForceTopK(const RowMatrixXf& items,
                                       absl::Span<const float> query, int k,
                                       Allowed allowed) {
  std::vector<ScoredItem> all;
  for (int64_t i = 0; i < items.rows(); ++i) {
    if (!allowed(static_cast<uint32_t>(i))) continue;
    double score = 0;
    for (int64_t j = 0; j < items.cols(); ++j) score += items(i, j) * query[j];
    all.push_back({static_cast<uint32_t>(i), static_cast<float>(score)});
  }
  std::sort(
      all.begin(), all.end(), [](const ScoredItem& a, const ScoredItem& b) {
        return a.score > b.score || (a.score == b.score && a.item < b.item);
      });
  if (all.size() > static_cast<size_t>(k)) all.resize(k);
  return all;
}

std::vector<ScoredItem> BruteForceTopK(const RowMatrixXf& items,
                                       absl::Span<const float> query, int k) {
  return BruteForceTopK(items, query, k, [](uint32_t) { return true; });
}

struct ShapeCase {
  int64_t num_items;
  int dim;
  int k;
};

class ExactIndexShapeTest : public ::testing::TestWithParam<ShapeCase> {};

// Sizes around the 16-item block (partial last block, single item) and odd
// dimensions; exact arithmetic, so results must be identical.
TEST_P(ExactIndexShapeTest, MatchesBruteForceExactly) {
  const ShapeCase& c = GetParam();
  const RowMatrixXf items = GridMatrix(c.num_items, c.dim, 1);
  const RowMatrixXf queries = GridMatrix(8, c.dim, 2);
  ASSERT_OK_AND_ASSIGN(auto index, ExactIndex::Build(items));
  EXPECT_EQ(index->num_items(), c.num_items);
  EXPECT_EQ(index->dim(), c.dim);
  for (int64_t q = 0; q < queries.rows(); ++q) {
    ASSERT_OK_AND_ASSIGN(auto got, index->TopK(Row(queries, q), c.k));
    EXPECT_EQ(got, BruteForceTopK(items, Row(queries, q), c.k))
        << "query " << q;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, ExactIndexShapeTest,
    ::testing::Values(ShapeCase{1, 1, 1}, ShapeCase{15, 3, 5},
                      ShapeCase{16, 8, 16}, ShapeCase{17, 5, 10},
                      ShapeCase{100, 33, 1}, ShapeCase{1000, 64, 10},
                      ShapeCase{1000, 17, 100}, ShapeCase{4099, 32, 50}));

TEST(ExactIndexTest, MatchesBruteForceOnGaussianData) {
  const RowMatrixXf items = GaussianMatrix(5000, 48, 3);
  const RowMatrixXf queries = GaussianMatrix(20, 48, 4);
  ASSERT_OK_AND_ASSIGN(auto index, ExactIndex::Build(items));
  for (int64_t q = 0; q < queries.rows(); ++q) {
    ASSERT_OK_AND_ASSIGN(auto got, index->TopK(Row(queries, q), 20));
    const auto want = BruteForceTopK(items, Row(queries, q), 20);
    ASSERT_EQ(got.size(), want.size());
    // Rounding differs from the double reference, so compare rank by rank on
    // scores (robust to a swap of two near-equal items), then check each
    // returned score is that item's own.
    for (size_t r = 0; r < got.size(); ++r) {
      EXPECT_NEAR(got[r].score, want[r].score, 1e-4) << "rank " << r;
      double own = 0;
      for (int j = 0; j < 48; ++j) own += items(got[r].item, j) * queries(q, j);
      EXPECT_NEAR(got[r].score, own, 1e-4);
    }
  }
}

TEST(ExactIndexTest, TiesAreOrderedByAscendingItemId) {
  // Items 0..39 in four groups of identical vectors, so scores tie in groups.
  RowMatrixXf items(40, 2);
  for (int i = 0; i < 40; ++i) {
    items(i, 0) = static_cast<float>(i % 4);
    items(i, 1) = 1.0f;
  }
  ASSERT_OK_AND_ASSIGN(auto index, ExactIndex::Build(items));
  const float query[] = {1.0f, 0.0f};
  ASSERT_OK_AND_ASSIGN(auto got, index->TopK(query, 12));
  std::vector<ScoredItem> want;
  for (int i = 3; i < 40; i += 4) want.push_back({static_cast<uint32_t>(i), 3});
  for (int i = 2; i < 10; i += 4) want.push_back({static_cast<uint32_t>(i), 2});
  EXPECT_EQ(got, want);
}

TEST(ExactIndexTest, FilterIsHonoured) {
  const RowMatrixXf items = GridMatrix(3000, 16, 5);
  const RowMatrixXf queries = GridMatrix(5, 16, 6);
  ASSERT_OK_AND_ASSIGN(auto index, ExactIndex::Build(items));
  auto odd = [](uint32_t item) { return item % 2 == 1; };
  for (int64_t q = 0; q < queries.rows(); ++q) {
    ASSERT_OK_AND_ASSIGN(auto got, index->TopK(Row(queries, q), 25, odd));
    EXPECT_EQ(got, BruteForceTopK(items, Row(queries, q), 25, odd));
  }
}

TEST(ExactIndexTest, FilterIsCalledOnlyForCandidates) {
  const RowMatrixXf items = GaussianMatrix(20000, 16, 7);
  const RowMatrixXf queries = GaussianMatrix(1, 16, 8);
  ASSERT_OK_AND_ASSIGN(auto index, ExactIndex::Build(items));
  int64_t calls = 0;
  auto counting = [&calls](uint32_t) {
    ++calls;
    return true;
  };
  ASSERT_OK_AND_ASSIGN(auto got, index->TopK(Row(queries, 0), 10, counting));
  EXPECT_EQ(got.size(), 10u);
  // A running top-10 over random order changes about 10 * ln(n / 10) times.
  EXPECT_LT(calls, 1000);
}

TEST(ExactIndexTest, ReturnsEveryPassingItemWhenFewerThanKPass) {
  const RowMatrixXf items = GridMatrix(500, 8, 9);
  const RowMatrixXf queries = GridMatrix(1, 8, 10);
  ASSERT_OK_AND_ASSIGN(auto index, ExactIndex::Build(items));
  auto rare = [](uint32_t item) { return item % 100 == 7; };
  ASSERT_OK_AND_ASSIGN(auto got, index->TopK(Row(queries, 0), 10, rare));
  EXPECT_EQ(got.size(), 5u);
  EXPECT_EQ(got, BruteForceTopK(items, Row(queries, 0), 10, rare));
}

TEST(ExactIndexTest, KLargerThanNumItemsReturnsAllItemsSorted) {
  const RowMatrixXf items = GridMatrix(37, 4, 11);
  const RowMatrixXf queries = GridMatrix(1, 4, 12);
  ASSERT_OK_AND_ASSIGN(auto index, ExactIndex::Build(items));
  ASSERT_OK_AND_ASSIGN(auto got, index->TopK(Row(queries, 0), 1000000));
  EXPECT_EQ(got.size(), 37u);
  EXPECT_EQ(got, BruteForceTopK(items, Row(queries, 0), 1000000));
}

TEST(ExactIndexTest, EmptyIndexReturnsNothing) {
  ASSERT_OK_AND_ASSIGN(auto index, ExactIndex::Build(RowMatrixXf(0, 6)));
  EXPECT_EQ(index->num_items(), 0);
  const std::vector<float> query(6, 1.0f);
  ASSERT_OK_AND_ASSIGN(auto got, index->TopK(query, 10));
  EXPECT_THAT(got, IsEmpty());
  ASSERT_OK_AND_ASSIGN(auto batch,
                       index->TopKBatch(RowMatrixXf::Ones(3, 6), 10));
  EXPECT_THAT(batch, ElementsAre(IsEmpty(), IsEmpty(), IsEmpty()));
}

TEST(ExactIndexTest, BatchEqualsSingleQueries) {
  // 37 queries: full query tiles of every kernel plus a remainder.
  const RowMatrixXf items = GaussianMatrix(3001, 40, 13);
  const RowMatrixXf queries = GaussianMatrix(37, 40, 14);
  ASSERT_OK_AND_ASSIGN(auto index, ExactIndex::Build(items));
  ASSERT_OK_AND_ASSIGN(auto batch, index->TopKBatch(queries, 15));
  ASSERT_EQ(batch.size(), 37u);
  for (int64_t q = 0; q < queries.rows(); ++q) {
    ASSERT_OK_AND_ASSIGN(auto single, index->TopK(Row(queries, q), 15));
    EXPECT_EQ(batch[q], single) << "query " << q;  // Bit-identical scores.
  }
}

TEST(ExactIndexTest, BatchAppliesEachQuerysFilter) {
  const RowMatrixXf items = GridMatrix(2000, 12, 15);
  const RowMatrixXf queries = GridMatrix(9, 12, 16);
  ASSERT_OK_AND_ASSIGN(auto index, ExactIndex::Build(items));
  auto filter = [](int64_t query, uint32_t item) {
    return item % 9 != static_cast<uint32_t>(query);
  };
  ASSERT_OK_AND_ASSIGN(auto batch, index->TopKBatch(queries, 30, filter));
  for (int64_t q = 0; q < queries.rows(); ++q) {
    auto allowed = [q, &filter](uint32_t item) { return filter(q, item); };
    EXPECT_EQ(batch[q], BruteForceTopK(items, Row(queries, q), 30, allowed));
  }
}

TEST(ExactIndexTest, ConcurrentQueriesMatchSequentialOnes) {
  const RowMatrixXf items = GaussianMatrix(5000, 32, 22);
  const RowMatrixXf queries = GaussianMatrix(40, 32, 23);
  ASSERT_OK_AND_ASSIGN(auto index, ExactIndex::Build(items));
  ASSERT_OK_AND_ASSIGN(auto want, index->TopKBatch(queries, 10));
  std::vector<std::vector<ScoredItem>> got(queries.rows());
  auto run = [&](int64_t first) {
    for (int64_t q = first; q < queries.rows(); q += 2) {
      got[q] = *index->TopK(Row(queries, q), 10);
    }
  };
  std::thread other(run, 1);
  run(0);
  other.join();
  EXPECT_EQ(got, want);
}

TEST(ExactIndexTest, BatchOfNoQueriesIsEmpty) {
  ASSERT_OK_AND_ASSIGN(auto index, ExactIndex::Build(GridMatrix(10, 3, 17)));
  ASSERT_OK_AND_ASSIGN(auto batch, index->TopKBatch(RowMatrixXf(0, 3), 5));
  EXPECT_THAT(batch, IsEmpty());
}

TEST(ExactIndexTest, RejectsQueryOfWrongDimension) {
  ASSERT_OK_AND_ASSIGN(auto index, ExactIndex::Build(GridMatrix(10, 3, 18)));
  const std::vector<float> query(4, 1.0f);
  EXPECT_THAT(index->TopK(query, 5),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("dim 3")));
  EXPECT_THAT(index->TopKBatch(RowMatrixXf::Ones(2, 4), 5),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("dim 3")));
}

TEST(ExactIndexTest, RejectsNonPositiveK) {
  ASSERT_OK_AND_ASSIGN(auto index, ExactIndex::Build(GridMatrix(10, 3, 19)));
  const std::vector<float> query(3, 1.0f);
  EXPECT_THAT(index->TopK(query, 0),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("k")));
  EXPECT_THAT(index->TopKBatch(RowMatrixXf::Ones(1, 3), -1),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("k")));
}

TEST(ExactIndexTest, RejectsNonFiniteQuery) {
  ASSERT_OK_AND_ASSIGN(auto index, ExactIndex::Build(GridMatrix(10, 3, 20)));
  const std::vector<float> query = {
      1.0f, std::numeric_limits<float>::quiet_NaN(), 0.0f};
  EXPECT_THAT(index->TopK(query, 5),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("query")));
}

TEST(ExactIndexTest, RejectsBadItems) {
  RowMatrixXf items = GridMatrix(10, 3, 21);
  items(4, 1) = std::numeric_limits<float>::infinity();
  EXPECT_THAT(
      ExactIndex::Build(items),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("non-finite")));
  EXPECT_THAT(ExactIndex::Build(RowMatrixXf(5, 0)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("dim")));
}

}  // namespace
}  // namespace shopml::core
