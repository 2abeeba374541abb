#include "core/eval/clustering.h"

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace shopml::core {
namespace {

using ::shopml::testing::StatusIs;
using ::testing::Each;
using ::testing::HasSubstr;
using Labels = std::vector<int>;

// Rows drawn around `k` centres (normal, sd `centre_sd`) with per-row noise
// (normal, sd `noise_sd`), `per_cluster` rows each, interleaved so row i
// belongs to cluster i % k.
struct Planted {
  RowMatrixXf rows;
  Labels labels;
};

Planted PlantClusters(int k, int per_cluster, int dim, double centre_sd,
                      double noise_sd, uint64_t seed) {
  std::mt19937_64 engine(seed);
  std::normal_distribution<double> normal;
  RowMatrixXf centres(k, dim);
  for (int c = 0; c < k; ++c) {
    for (int j = 0; j < dim; ++j) centres(c, j) = centre_sd * normal(engine);
  }
  Planted planted;
  planted.rows.resize(k * per_cluster, dim);
  for (int i = 0; i < k * per_cluster; ++i) {
    planted.labels.push_back(i % k);
    for (int j = 0; j < dim; ++j) {
      planted.rows(i, j) = centres(i % k, j) + noise_sd * normal(engine);
    }
  }
  return planted;
}

KMeansOptions Options(int k, bool normalize_rows) {
  KMeansOptions options;
  options.k = k;
  options.normalize_rows = normalize_rows;
  return options;
}

// Known answers from sklearn.metrics 1.2.1 (normalized_mutual_info_score with
// its default arithmetic averaging, adjusted_rand_score); purity by hand.
struct KnownAnswer {
  Labels a;
  Labels b;
  double nmi;
  double ari;
  double purity;  // Purity(a, b): a predicted, b truth.
};

const KnownAnswer kKnownAnswers[] = {
    // ARI by hand: S = 2, S_a = 6, S_b = 3, E = 6 * 3 / 15 = 1.2, so
    // (2 - 1.2) / (4.5 - 1.2) = 8/33. Purity (2 + 2) / 6.
    {{0, 0, 0, 1, 1, 1},
     {0, 0, 1, 1, 2, 2},
     0.5158037429793888,
     0.24242424242424243,
     4.0 / 6},
    // NMI by hand: a determines b, so I = H(b) = ln 2 and H(a) = 1.5 ln 2:
    // ln 2 / (1.25 ln 2) = 0.8.
    {{0, 0, 1, 2}, {0, 0, 1, 1}, 0.7999999999999999, 0.5714285714285714, 1},
    {{0, 0, 1, 1}, {0, 1, 0, 1}, 0, -0.5, 0.5},
    {{1, 1, 0, 0, 2, 2, 2, 3},
     {5, 5, 5, 7, 7, 7, 9, 9},
     0.5577965290899927,
     0.15789473684210525,
     6.0 / 8},
    {{0, 0, 1, 1, 1, 2, 2, 2, 2, 3},
     {3, 3, 3, 1, 1, 1, 0, 0, 2, 2},
     0.5739323787756516,
     0.16923076923076924,
     0.7},
    // One label against all singletons: sklearn gives 0 for both.
    {{0, 0, 0, 0}, {0, 1, 2, 3}, 0, 0, 0.25},
};

TEST(AgreementTest, MatchesKnownAnswers) {
  for (const KnownAnswer& known : kKnownAnswers) {
    SCOPED_TRACE(::testing::PrintToString(known.a) + " vs " +
                 ::testing::PrintToString(known.b));
    EXPECT_NEAR(NormalizedMutualInformation(known.a, known.b), known.nmi,
                1e-12);
    EXPECT_NEAR(AdjustedRandIndex(known.a, known.b), known.ari, 1e-12);
    EXPECT_NEAR(Purity(known.a, known.b), known.purity, 1e-12);
  }
}

TEST(AgreementTest, MatchesKnownAnswerOnALargerTable) {
  // Five labels against four sparse ones over 40 objects; NMI and ARI from
  // sklearn.metrics 1.2.1, purity counted with collections.Counter.
  Labels a;
  Labels b;
  for (int i = 0; i < 40; ++i) {
    a.push_back(i * 7 % 5);
    b.push_back((i * i + 3) % 4 + (i % 9 == 0 ? 1 : 0));
  }
  EXPECT_NEAR(NormalizedMutualInformation(a, b), 0.0692913224546427, 1e-12);
  EXPECT_NEAR(AdjustedRandIndex(a, b), -0.0463042628079781, 1e-12);
  EXPECT_DOUBLE_EQ(Purity(a, b), 0.5);
}

TEST(AgreementTest, NmiAndAriAreSymmetric) {
  for (const KnownAnswer& known : kKnownAnswers) {
    EXPECT_NEAR(NormalizedMutualInformation(known.b, known.a), known.nmi,
                1e-12);
    EXPECT_NEAR(AdjustedRandIndex(known.b, known.a), known.ari, 1e-12);
  }
}

TEST(AgreementTest, RelabelledCopyAgreesPerfectly) {
  const Labels a = {0, 0, 1, 1, 1, 2, 3, 3};
  const Labels b = {7, 7, -3, -3, -3, 0, 42, 42};
  EXPECT_DOUBLE_EQ(NormalizedMutualInformation(a, b), 1);
  EXPECT_DOUBLE_EQ(AdjustedRandIndex(a, b), 1);
  EXPECT_DOUBLE_EQ(Purity(a, b), 1);
  EXPECT_DOUBLE_EQ(Purity(b, a), 1);
}

TEST(AgreementTest, IndependentLabelingsScoreNearZero) {
  std::mt19937_64 engine(7);
  Labels a;
  Labels b;
  for (int i = 0; i < 20000; ++i) {
    a.push_back(static_cast<int>(engine() % 5));
    b.push_back(static_cast<int>(engine() % 6));
  }
  EXPECT_NEAR(AdjustedRandIndex(a, b), 0, 0.005);
  EXPECT_NEAR(NormalizedMutualInformation(a, b), 0, 0.005);
}

TEST(AgreementTest, SingleLabelEdgeCases) {
  const Labels one = {4, 4, 4};
  const Labels many = {0, 1, 1};
  EXPECT_EQ(NormalizedMutualInformation(one, one), 1);
  EXPECT_EQ(AdjustedRandIndex(one, one), 1);
  EXPECT_EQ(NormalizedMutualInformation(one, many), 0);
  EXPECT_EQ(NormalizedMutualInformation(many, one), 0);
  EXPECT_EQ(AdjustedRandIndex(one, many), 0);
  EXPECT_DOUBLE_EQ(Purity(one, many), 2.0 / 3);
  EXPECT_EQ(Purity(many, one), 1);
}

TEST(AgreementTest, EmptyLabelingsAgree) {
  EXPECT_EQ(NormalizedMutualInformation({}, {}), 1);
  EXPECT_EQ(AdjustedRandIndex({}, {}), 1);
  EXPECT_EQ(Purity({}, {}), 1);
}

TEST(AgreementTest, SizeMismatchGivesNaN) {
  const Labels a = {0, 1};
  const Labels b = {0, 1, 1};
  EXPECT_TRUE(std::isnan(NormalizedMutualInformation(a, b)));
  EXPECT_TRUE(std::isnan(AdjustedRandIndex(a, b)));
  EXPECT_TRUE(std::isnan(Purity(a, b)));
}

TEST(KMeansTest, RecoversWellSeparatedGaussianClusters) {
  const Planted planted = PlantClusters(6, 80, 16, 3, 0.3, 11);
  ASSERT_OK_AND_ASSIGN(KMeansResult result,
                       KMeans(planted.rows, Options(6, false)));
  EXPECT_GT(AdjustedRandIndex(result.assignment, planted.labels), 0.99);
  EXPECT_GT(NormalizedMutualInformation(result.assignment, planted.labels),
            0.99);
  EXPECT_TRUE(result.converged);
  EXPECT_EQ(result.centroids.rows(), 6);
  EXPECT_EQ(result.centroids.cols(), 16);
}

TEST(KMeansTest, CosineKMeansGroupsByDirectionWhateverTheLength) {
  Planted planted = PlantClusters(4, 100, 16, 1, 0.08, 3);
  std::mt19937_64 engine(5);
  std::uniform_real_distribution<float> length(0.05f, 20);
  for (Eigen::Index i = 0; i < planted.rows.rows(); ++i) {
    planted.rows.row(i) *= length(engine) / planted.rows.row(i).norm();
  }
  ASSERT_OK_AND_ASSIGN(KMeansResult result,
                       KMeans(planted.rows, Options(4, true)));
  EXPECT_GT(AdjustedRandIndex(result.assignment, planted.labels), 0.99);
}

TEST(KMeansTest, SameSeedGivesTheSameResult) {
  const Planted planted = PlantClusters(5, 40, 16, 1, 0.8, 2);
  KMeansOptions options = Options(5, true);
  options.seed = 99;
  ASSERT_OK_AND_ASSIGN(KMeansResult first, KMeans(planted.rows, options));
  ASSERT_OK_AND_ASSIGN(KMeansResult second, KMeans(planted.rows, options));
  EXPECT_EQ(first.assignment, second.assignment);
  EXPECT_EQ(first.centroids, second.centroids);
  EXPECT_EQ(first.inertia, second.inertia);
  EXPECT_EQ(first.iterations, second.iterations);
}

TEST(KMeansTest, MoreRestartsNeverRaiseInertia) {
  // Restart 0 draws the same seeding either way, so the best of eight is at
  // most its inertia.
  const Planted planted = PlantClusters(8, 30, 16, 1, 1, 4);
  KMeansOptions options = Options(8, false);
  options.restarts = 1;
  ASSERT_OK_AND_ASSIGN(KMeansResult one, KMeans(planted.rows, options));
  options.restarts = 8;
  ASSERT_OK_AND_ASSIGN(KMeansResult eight, KMeans(planted.rows, options));
  EXPECT_LE(eight.inertia, one.inertia);
}

TEST(KMeansTest, ConvergedCentroidsAreClusterMeansAndInertiaIsTheirCost) {
  const Planted planted = PlantClusters(3, 50, 16, 1, 1, 8);
  ASSERT_OK_AND_ASSIGN(KMeansResult result,
                       KMeans(planted.rows, Options(3, false)));
  ASSERT_TRUE(result.converged);
  Eigen::MatrixXd sums = Eigen::MatrixXd::Zero(3, 16);
  std::vector<int> counts(3, 0);
  double inertia = 0;
  for (Eigen::Index i = 0; i < planted.rows.rows(); ++i) {
    const int c = result.assignment[i];
    sums.row(c) += planted.rows.row(i).cast<double>();
    ++counts[c];
    inertia += (planted.rows.row(i) - result.centroids.row(c)).squaredNorm();
  }
  for (int c = 0; c < 3; ++c) {
    ASSERT_GT(counts[c], 0);
    EXPECT_TRUE(result.centroids.row(c).cast<double>().isApprox(
        sums.row(c) / counts[c], 1e-5));
  }
  EXPECT_NEAR(result.inertia, inertia, 1e-4 * inertia);
}

TEST(KMeansTest, SingleClusterIsTheMean) {
  RowMatrixXf rows(3, 2);
  rows << 0, 0, 2, 0, 4, 6;
  ASSERT_OK_AND_ASSIGN(KMeansResult result, KMeans(rows, Options(1, false)));
  EXPECT_THAT(result.assignment, Each(0));
  EXPECT_FLOAT_EQ(result.centroids(0, 0), 2);
  EXPECT_FLOAT_EQ(result.centroids(0, 1), 2);
  // (4 + 4) + (0 + 4) + (4 + 16).
  EXPECT_NEAR(result.inertia, 32, 1e-5);
}

TEST(KMeansTest, OneClusterPerDistinctRowHasZeroInertia) {
  RowMatrixXf rows(4, 2);
  rows << 0, 0, 1, 0, 0, 1, 5, 5;
  ASSERT_OK_AND_ASSIGN(KMeansResult result, KMeans(rows, Options(4, false)));
  EXPECT_EQ(result.inertia, 0);
  EXPECT_EQ(AdjustedRandIndex(result.assignment, {0, 1, 2, 3}), 1);
}

TEST(KMeansTest, FewerDistinctRowsThanClustersLeavesAClusterEmpty) {
  RowMatrixXf rows(4, 2);
  rows << 1, 1, 1, 1, 1, 1, 1, 1;
  ASSERT_OK_AND_ASSIGN(KMeansResult result, KMeans(rows, Options(2, false)));
  EXPECT_EQ(result.inertia, 0);
  for (int c : result.assignment) {
    EXPECT_GE(c, 0);
    EXPECT_LT(c, 2);
  }
}

TEST(KMeansTest, NormalizedZeroRowsAreLeftOut) {
  RowMatrixXf rows(5, 2);
  rows << 3, 0, 0, 0, 0, 2, 5, 0, 0, 0;
  ASSERT_OK_AND_ASSIGN(KMeansResult result, KMeans(rows, Options(2, true)));
  EXPECT_EQ(result.assignment[1], -1);
  EXPECT_EQ(result.assignment[4], -1);
  EXPECT_EQ(result.assignment[0], result.assignment[3]);
  EXPECT_NE(result.assignment[0], result.assignment[2]);
  EXPECT_NEAR(result.inertia, 0, 1e-6);
}

TEST(KMeansTest, UnnormalizedZeroRowsAreOrdinaryPoints) {
  RowMatrixXf rows(3, 2);
  rows << 0, 0, 0, 0, 9, 9;
  ASSERT_OK_AND_ASSIGN(KMeansResult result, KMeans(rows, Options(2, false)));
  EXPECT_EQ(result.assignment[0], result.assignment[1]);
  EXPECT_NE(result.assignment[0], -1);
  EXPECT_NE(result.assignment[0], result.assignment[2]);
}

struct BadInput {
  const char* name;
  RowMatrixXf rows;
  KMeansOptions options;
  const char* field;
};

TEST(KMeansTest, RejectsBadInputNamingTheField) {
  RowMatrixXf four(4, 2);
  four << 1, 0, 0, 1, 1, 1, 2, 0;
  RowMatrixXf with_nan = four;
  with_nan(2, 1) = std::nanf("");
  RowMatrixXf half_zero = four;
  half_zero.topRows(2).setZero();
  KMeansOptions bad_iterations = Options(2, true);
  bad_iterations.max_iterations = 0;
  KMeansOptions bad_restarts = Options(2, true);
  bad_restarts.restarts = 0;
  const BadInput cases[] = {
      {"k zero", four, Options(0, true), "k: must be in [1, 4], got 0"},
      {"k above rows", four, Options(5, false), "k: must be in [1, 4], got 5"},
      {"k above nonzero rows", half_zero, Options(3, true),
       "k: must be in [1, 2], got 3"},
      {"max_iterations", four, bad_iterations, "max_iterations: "},
      {"restarts", four, bad_restarts, "restarts: "},
      {"nan", with_nan, Options(2, true), "rows: row 2 "},
      {"no columns", RowMatrixXf(4, 0), Options(1, true), "rows: "},
      {"no rows", RowMatrixXf(0, 3), Options(1, false), "rows: "},
      {"all zero", RowMatrixXf::Zero(3, 2), Options(1, true), "rows: "},
  };
  for (const BadInput& bad : cases) {
    SCOPED_TRACE(bad.name);
    EXPECT_THAT(
        KMeans(bad.rows, bad.options),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(bad.field)));
  }
}

}  // namespace
}  // namespace shopml::core
