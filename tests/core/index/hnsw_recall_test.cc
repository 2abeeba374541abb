#include "core/index/hnsw_recall.h"

#include <memory>
#include <random>

#include "core/index/hnsw_tuning.h"
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

class HnswRecallTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Unstructured 32-d vectors: recall at small ef is far from 1.
    items_ = Gaussian(3000, 32, 1);
    queries_ = Gaussian(50, 32, 2);
    ASSERT_OK_AND_ASSIGN(exact_, ExactIndex::Build(items_));
    HnswOptions options;
    options.m = 8;
    options.ef_construction = 64;
    options.ef_search = 10;
    ASSERT_OK_AND_ASSIGN(hnsw_, HnswIndex::Build(items_, options));
  }

  RowMatrixXf items_;
  RowMatrixXf queries_;
  std::unique_ptr<ExactIndex> exact_;
  std::unique_ptr<HnswIndex> hnsw_;
};

TEST_F(HnswRecallTest, AgreesWithTheTuningLadder) {
  // TuneEfSearch measures the same recall at each rung it tries.
  ASSERT_OK_AND_ASSIGN(HnswTuning tuning,
                       TuneEfSearch(*hnsw_, *exact_, queries_, 10, 1.0));
  for (const auto& [ef, recall] : tuning.tried) {
    ASSERT_OK_AND_ASSIGN(const double measured,
                         HnswRecall(*hnsw_, *exact_, queries_, 10, ef));
    EXPECT_EQ(measured, recall) << ef;
  }
}

TEST_F(HnswRecallTest, GrowsWithEfAndZeroUsesTheGraphsOwn) {
  ASSERT_OK_AND_ASSIGN(double at_10, HnswRecall(*hnsw_, *exact_, queries_, 10,
                                                /*ef=*/10));
  ASSERT_OK_AND_ASSIGN(double own, HnswRecall(*hnsw_, *exact_, queries_, 10,
                                              /*ef=*/0));
  ASSERT_OK_AND_ASSIGN(double at_3000,
                       HnswRecall(*hnsw_, *exact_, queries_, 10, /*ef=*/3000));
  EXPECT_EQ(own, at_10);
  EXPECT_LT(at_10, 0.9);
  EXPECT_GT(at_3000, at_10);
  EXPECT_DOUBLE_EQ(at_3000, 1.0);  // ef = every item: the exact answer.
}

TEST_F(HnswRecallTest, RejectsBadArguments) {
  EXPECT_THAT(HnswRecall(*hnsw_, *exact_, queries_, 0, 0),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("k")));
  EXPECT_THAT(HnswRecall(*hnsw_, *exact_, queries_, 10, -1),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("ef")));
  EXPECT_THAT(
      HnswRecall(*hnsw_, *exact_, RowMatrixXf(0, 32), 10, 0),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("queries")));
  ASSERT_OK_AND_ASSIGN(auto other, ExactIndex::Build(Gaussian(10, 32, 3)));
  EXPECT_THAT(HnswRecall(*hnsw_, *other, queries_, 10, 0),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("exact")));
}

TEST(SampleNonZeroRowsTest, SkipsZeroRowsAndSpreadsOverTheRest) {
  RowMatrixXf m = RowMatrixXf::Zero(6, 2);
  for (int r : {1, 2, 4, 5}) m(r, 0) = static_cast<float>(r);
  const RowMatrixXf two = SampleNonZeroRows(m, 2);
  ASSERT_EQ(two.rows(), 2);
  EXPECT_EQ(two(0, 0), 1);  // Rows 1, 2, 4, 5: every second one.
  EXPECT_EQ(two(1, 0), 4);
  EXPECT_EQ(SampleNonZeroRows(m, 100).rows(), 4);
  EXPECT_EQ(SampleNonZeroRows(RowMatrixXf::Zero(3, 2), 5).rows(), 0);
}

}  // namespace
}  // namespace shopml::core
