#include "core/eval/segment_recovery.h"

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "core/cf/implicit_als.h"
#include "core/data/demo_generator.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace shopml::core {
namespace {

using ::shopml::testing::StatusIs;
using ::testing::HasSubstr;

// User vectors whose direction is their segment's plus noise and whose
// length is random, as factor vectors of users of varying activity. Every
// seventh user has no events (a zero vector) and every eleventh an unknown
// segment.
struct PlantedUsers {
  RowMatrixXf vectors;
  std::vector<int> truth;
  int64_t num_measurable = 0;
};

PlantedUsers PlantUsers(int num_users, int num_segments, int dim) {
  std::mt19937_64 engine(17);
  std::normal_distribution<float> normal;
  std::uniform_real_distribution<float> length(0.1f, 5);
  RowMatrixXf directions(num_segments, dim);
  for (int s = 0; s < num_segments; ++s) {
    for (int j = 0; j < dim; ++j) directions(s, j) = normal(engine);
    directions.row(s).normalize();
  }
  PlantedUsers planted;
  planted.vectors.resize(num_users, dim);
  for (int u = 0; u < num_users; ++u) {
    const int segment = u % num_segments;
    for (int j = 0; j < dim; ++j) {
      planted.vectors(u, j) = directions(segment, j) + 0.05f * normal(engine);
    }
    planted.vectors.row(u) *= length(engine);
    if (u % 7 == 0) planted.vectors.row(u).setZero();
    planted.truth.push_back(u % 11 == 0 ? -1 : segment);
    if (u % 7 != 0 && u % 11 != 0) ++planted.num_measurable;
  }
  return planted;
}

TEST(SegmentRecoveryTest, RecoversPlantedSegmentsAndBaselineDoesNot) {
  const PlantedUsers planted = PlantUsers(2000, 6, 16);
  ASSERT_OK_AND_ASSIGN(
      SegmentRecovery recovery,
      MeasureSegmentRecovery(planted.vectors, planted.truth, 6, 1));
  EXPECT_EQ(recovery.num_users, planted.num_measurable);
  EXPECT_GT(recovery.model.ari, 0.99);
  EXPECT_GT(recovery.model.nmi, 0.99);
  EXPECT_GT(recovery.model.purity, 0.99);
  EXPECT_NEAR(recovery.baseline.ari, 0, 0.02);
  EXPECT_LT(recovery.baseline.nmi, 0.02);
  // Six equal segments: a chance clustering has purity near 1/6.
  EXPECT_LT(recovery.baseline.purity, 0.25);
}

TEST(SegmentRecoveryTest, SameSeedGivesTheSameResult) {
  const PlantedUsers planted = PlantUsers(500, 4, 8);
  ASSERT_OK_AND_ASSIGN(
      SegmentRecovery first,
      MeasureSegmentRecovery(planted.vectors, planted.truth, 4, 3));
  ASSERT_OK_AND_ASSIGN(
      SegmentRecovery second,
      MeasureSegmentRecovery(planted.vectors, planted.truth, 4, 3));
  EXPECT_EQ(first.model.ari, second.model.ari);
  EXPECT_EQ(first.baseline.ari, second.baseline.ari);
  EXPECT_EQ(first.baseline.nmi, second.baseline.nmi);
}

TEST(SegmentRecoveryTest, ImplicitAlsRecoversDemoShopSegments) {
  DemoOptions demo;
  demo.num_users = 800;
  demo.num_items = 400;
  demo.num_events = 60000;
  demo.sales_days = 1;
  ASSERT_OK_AND_ASSIGN(DemoShop shop, GenerateDemoShop(demo));
  ImplicitAlsOptions als;
  als.factors = 16;
  als.iterations = 8;
  als.threads = 1;
  ASSERT_OK_AND_ASSIGN(ImplicitAls model,
                       ImplicitAls::Train(DemoInteractions(shop), als));
  std::vector<int> truth;
  for (const DemoUser& user : shop.users) truth.push_back(user.segment);
  ASSERT_OK_AND_ASSIGN(SegmentRecovery recovery,
                       MeasureSegmentRecovery(model.user_factors(), truth,
                                              demo.num_segments, 1));
  // Measured: ARI 0.88, NMI 0.88 (the default shop with the default ALS
  // options gives about 0.90 and 0.89); chance ARI is about 0.
  EXPECT_GT(recovery.model.ari, 0.7);
  EXPECT_GT(recovery.model.nmi, 0.7);
  EXPECT_GT(recovery.model.purity, recovery.baseline.purity + 0.3);
  EXPECT_NEAR(recovery.baseline.ari, 0, 0.05);
}

TEST(SegmentRecoveryTest, RejectsBadInputNamingTheField) {
  const PlantedUsers planted = PlantUsers(30, 3, 4);
  std::vector<int> short_truth(planted.truth.begin(), planted.truth.end() - 1);
  std::vector<int> bad_label = planted.truth;
  bad_label[4] = 3;
  RowMatrixXf with_nan = planted.vectors;
  with_nan(5, 2) = std::nanf("");
  const std::vector<int> all_unknown(30, -1);
  EXPECT_THAT(MeasureSegmentRecovery(planted.vectors, short_truth, 3, 1),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("truth: has 29 labels for 30")));
  EXPECT_THAT(MeasureSegmentRecovery(planted.vectors, bad_label, 3, 1),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("truth[4]: must be in [-1, 3), got 3")));
  EXPECT_THAT(MeasureSegmentRecovery(with_nan, planted.truth, 3, 1),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("user_vectors: ")));
  EXPECT_THAT(MeasureSegmentRecovery(planted.vectors, planted.truth, 0, 1),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("num_segments: must be >= 1, got 0")));
  EXPECT_THAT(MeasureSegmentRecovery(planted.vectors, all_unknown, 3, 1),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("num_segments: must be in [1, 0]")));
}

}  // namespace
}  // namespace shopml::core
