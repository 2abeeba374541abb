#include "client/load_generator.h"

#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/client/test_server.h"
#include "tests/testing/status_matchers.h"

namespace shopml::client {
namespace {

using ::shopml::client::testing::TestServer;
using ::shopml::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::StartsWith;

TEST(IdRangeTest, ParsesPaddedRange) {
  ASSERT_OK_AND_ASSIGN(IdRange range, ParseIdRange("U00010..U00999"));
  EXPECT_EQ(range.prefix, "U");
  EXPECT_EQ(range.width, 5);
  EXPECT_EQ(range.first, 10);
  EXPECT_EQ(range.count, 990);
  EXPECT_EQ(range.Id(0), "U00010");
  EXPECT_EQ(range.Id(7), "U00017");
}

TEST(IdRangeTest, AcceptsPrefixWithDigitsAndSingleId) {
  ASSERT_OK_AND_ASSIGN(IdRange range, ParseIdRange("sku-2024-07..sku-2024-07"));
  EXPECT_EQ(range.prefix, "sku-2024-");
  EXPECT_EQ(range.count, 1);
  EXPECT_EQ(range.Id(0), "sku-2024-07");
}

TEST(IdRangeTest, RejectsMalformedRanges) {
  for (const char* text : {"U00000", "U00000..V00009", "U00..U0009",
                           "U00009..U00000", "U..U", ""}) {
    EXPECT_THAT(ParseIdRange(text), StatusIs(absl::StatusCode::kInvalidArgument,
                                             HasSubstr("U00000..U00999")))
        << text;
  }
}

TEST(LoadMethodTest, ParsesEveryName) {
  for (LoadMethod method :
       {LoadMethod::kRecommend, LoadMethod::kScore, LoadMethod::kSimilar,
        LoadMethod::kForecast, LoadMethod::kHealth, LoadMethod::kRecord}) {
    EXPECT_THAT(ParseLoadMethod(LoadMethodName(method)),
                ::testing::Truly([&](const absl::StatusOr<LoadMethod>& m) {
                  return m.ok() && *m == method;
                }));
  }
  EXPECT_THAT(
      ParseLoadMethod("predict"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("method")));
}

TEST(RunLoadTest, RejectsBadOptions) {
  LoadOptions options;
  options.concurrency = 0;
  EXPECT_THAT(RunLoad(options), StatusIs(absl::StatusCode::kInvalidArgument,
                                         HasSubstr("concurrency")));
  options = LoadOptions();
  options.method = LoadMethod::kScore;
  options.score_items = options.items.count + 1;
  EXPECT_THAT(RunLoad(options), StatusIs(absl::StatusCode::kInvalidArgument,
                                         HasSubstr("score_items")));
}

TEST(RunLoadTest, UnreachableTargetIsUnavailable) {
  LoadOptions options;
  options.target = "127.0.0.1:1";
  options.deadline = absl::Milliseconds(300);
  EXPECT_THAT(RunLoad(options), StatusIs(absl::StatusCode::kUnavailable,
                                         HasSubstr("127.0.0.1:1")));
}

class LoadAgainstServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<std::unique_ptr<TestServer>> server = TestServer::Start();
    ASSERT_OK(server.status());
    server_ = server->release();
    ASSERT_OK(server_->SeedShop());
    ASSERT_OK(server_->TrainBundle("v1"));
    ASSERT_OK(server_->server()->models()->Reload("").status());
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  LoadOptions Options(LoadMethod method) {
    LoadOptions options;
    options.target = server_->target();
    options.method = method;
    options.concurrency = 4;
    options.duration = absl::Milliseconds(300);
    options.users = {"U", 2, 0, testing::kShopUsers};
    options.items = {"I", 2, 0, testing::kShopItems};
    options.k = 3;
    options.score_items = 4;
    return options;
  }

  static TestServer* server_;
};

TestServer* LoadAgainstServerTest::server_ = nullptr;

TEST_F(LoadAgainstServerTest, ClosedLoopCompletesEveryCall) {
  for (LoadMethod method :
       {LoadMethod::kRecommend, LoadMethod::kScore, LoadMethod::kSimilar,
        LoadMethod::kHealth, LoadMethod::kRecord}) {
    ASSERT_OK_AND_ASSIGN(LoadReport report, RunLoad(Options(method)));
    EXPECT_GT(report.requests, 0) << LoadMethodName(method);
    EXPECT_EQ(report.ok, report.requests) << LoadMethodName(method);
    EXPECT_THAT(report.errors, IsEmpty()) << LoadMethodName(method);
    EXPECT_EQ(report.latency.count(), report.ok);
    EXPECT_LE(report.latency.Percentile(0.5), report.latency.max());
    EXPECT_GT(report.qps(), 0);
  }
}

TEST_F(LoadAgainstServerTest, OpenLoopKeepsToTheRate) {
  LoadOptions options = Options(LoadMethod::kRecommend);
  options.qps = 100;
  options.duration = absl::Milliseconds(500);
  ASSERT_OK_AND_ASSIGN(LoadReport report, RunLoad(options));
  // Calls are due at 0, 10, ..., 490 ms; a busy machine may delay the last
  // few past the end, never add any.
  EXPECT_LE(report.requests, 50);
  EXPECT_GE(report.requests, 40);
  EXPECT_EQ(report.ok, report.requests);
}

TEST_F(LoadAgainstServerTest, StopsAfterTheRequestedNumberOfCalls) {
  LoadOptions options = Options(LoadMethod::kRecommend);
  options.requests = 37;
  options.duration = absl::Seconds(30);
  const absl::Time start = absl::Now();
  ASSERT_OK_AND_ASSIGN(LoadReport report, RunLoad(options));
  EXPECT_EQ(report.requests, 37);
  EXPECT_EQ(report.ok, 37);
  EXPECT_LT(absl::Now() - start, absl::Seconds(20));
}

TEST_F(LoadAgainstServerTest, CountsErrorsByCode) {
  LoadOptions options = Options(LoadMethod::kForecast);
  options.items = {"no-such-series-", 2, 0, 10};
  ASSERT_OK_AND_ASSIGN(LoadReport report, RunLoad(options));
  EXPECT_GT(report.requests, 0);
  EXPECT_EQ(report.ok, 0);
  EXPECT_THAT(report.errors, ElementsAre(Pair("NOT_FOUND", report.requests)));
  EXPECT_THAT(FormatReport(options, report),
              HasSubstr("error       NOT_FOUND "));
}

TEST_F(LoadAgainstServerTest, ReportsForPeopleAndScripts) {
  const LoadOptions options = Options(LoadMethod::kRecommend);
  ASSERT_OK_AND_ASSIGN(LoadReport report, RunLoad(options));
  const std::string text = FormatReport(options, report);
  EXPECT_THAT(text, StartsWith("recommend on " + options.target +
                               ": concurrency 4, closed loop, 300ms\n"));
  EXPECT_THAT(text, HasSubstr("\nlatency ms  p50 "));
  const std::string json = ReportJson(options, report);
  EXPECT_THAT(json, StartsWith("{\"method\":\"recommend\",\"target\":\"" +
                               options.target + "\",\"concurrency\":4,"));
  EXPECT_THAT(json, HasSubstr("\"errors\":{},"));
  EXPECT_THAT(json, HasSubstr("\"latency_ms\":{\"p50\":"));
}

}  // namespace
}  // namespace shopml::client
