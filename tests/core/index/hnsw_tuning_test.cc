#include "core/index/hnsw_tuning.h"

#include <memory>
#include <random>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace shopml::core {
namespace {

using ::shopml::testing::StatusIs;
using ::testing::HasSubstr;

RowMatrixXf Gaussian(int64_t rows, int dim, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0, 1);
  RowMatrixXf m(rows, dim);
  for (int64_t i = 0; i < m.size(); ++i) m.data()[i] = normal(rng);
  return m;
}

class HnswTuningTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Unstructured 32-d vectors: recall at small ef is far from 1.
    items_ = Gaussian(5000, 32, 1);
    queries_ = Gaussian(100, 32, 2);
    ASSERT_OK_AND_ASSIGN(exact_, ExactIndex::Build(items_));
    HnswOptions options;
    options.m = 8;
    options.ef_construction = 64;
    ASSERT_OK_AND_ASSIGN(hnsw_, HnswIndex::Build(items_, options));
  }

  RowMatrixXf items_;
  RowMatrixXf queries_;
  std::unique_ptr<ExactIndex> exact_;
  std::unique_ptr<HnswIndex> hnsw_;
};

TEST_F(HnswTuningTest, ChoosesTheSmallestEfReachingTheTarget) {
  ASSERT_OK_AND_ASSIGN(HnswTuning tuning,
                       TuneEfSearch(*hnsw_, *exact_, queries_, 10, 0.95));
  ASSERT_FALSE(tuning.tried.empty());
  EXPECT_EQ(tuning.tried.back().first, tuning.ef);
  EXPECT_EQ(tuning.tried.back().second, tuning.recall);
  EXPECT_GE(tuning.recall, 0.95);
  // Every smaller rung fell short, and the rungs double from 10.
  for (size_t i = 0; i + 1 < tuning.tried.size(); ++i) {
    EXPECT_LT(tuning.tried[i].second, 0.95) << tuning.tried[i].first;
    EXPECT_EQ(tuning.tried[i + 1].first, 2 * tuning.tried[i].first);
  }
  EXPECT_EQ(tuning.tried.front().first, 10);
  EXPECT_GT(tuning.ef, 10);  // Gaussian data needs more than the first rung.
}

TEST_F(HnswTuningTest, RecallOfOneEndsAtTheLargestEfOrAnExactAnswer) {
  ASSERT_OK_AND_ASSIGN(HnswTuning tuning,
                       TuneEfSearch(*hnsw_, *exact_, queries_, 10, 1.0));
  EXPECT_TRUE(tuning.recall == 1.0 || tuning.ef == 2560) << tuning.ef;
}

TEST_F(HnswTuningTest, EfStartsAtKForLargeK) {
  ASSERT_OK_AND_ASSIGN(HnswTuning tuning,
                       TuneEfSearch(*hnsw_, *exact_, queries_, 50, 0.5));
  EXPECT_EQ(tuning.tried.front().first, 50);
}

TEST_F(HnswTuningTest, RejectsBadArgumentsNamingThem) {
  EXPECT_THAT(TuneEfSearch(*hnsw_, *exact_, queries_, 0, 0.9),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("k:")));
  EXPECT_THAT(
      TuneEfSearch(*hnsw_, *exact_, queries_, 10, 1.5),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("target_recall")));
  EXPECT_THAT(
      TuneEfSearch(*hnsw_, *exact_, Gaussian(3, 16, 3), 10, 0.9),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("queries")));
  ASSERT_OK_AND_ASSIGN(auto other, ExactIndex::Build(Gaussian(10, 32, 4)));
  EXPECT_THAT(TuneEfSearch(*hnsw_, *other, queries_, 10, 0.9),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("exact")));
}

TEST(HnswSetEfSearchTest, ChangesTheDefaultAndIsSerialized) {
  ASSERT_OK_AND_ASSIGN(auto index, HnswIndex::Build(Gaussian(200, 8, 5)));
  ASSERT_OK(index->SetEfSearch(123));
  EXPECT_EQ(index->options().ef_search, 123);
  ASSERT_OK_AND_ASSIGN(auto loaded, HnswIndex::Load(index->Serialize()));
  EXPECT_EQ(loaded->options().ef_search, 123);
  EXPECT_THAT(
      index->SetEfSearch(0),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("ef_search")));
  EXPECT_THAT(
      index->SetEfSearch(65537),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("ef_search")));
  EXPECT_EQ(index->options().ef_search, 123);
}

}  // namespace
}  // namespace shopml::core
