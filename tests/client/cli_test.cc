// shopml-cli end to end: RunCli in this process against a real server.
#include "client/cli.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/client/test_server.h"
#include "tests/testing/status_matchers.h"

namespace shopml::client {
namespace {

using ::shopml::client::testing::TestServer;
using ::testing::AllOf;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::StartsWith;

struct CliResult {
  int code = -1;
  std::string out;
  std::string err;
};

CliResult Invoke(const std::vector<std::string>& args) {
  std::ostringstream out;
  std::ostringstream err;
  CliResult result;
  result.code = RunCli(args, out, err);
  result.out = out.str();
  result.err = err.str();
  return result;
}

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

// A TCP port on 127.0.0.1 that nothing listens on (bound, then released).
int ClosedPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr = {};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  EXPECT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  close(fd);
  return ntohs(addr.sin_port);
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_OK_AND_ASSIGN(server_, TestServer::Start()); }

  // Runs the CLI against the test server.
  CliResult Cli(std::vector<std::string> args) {
    args.insert(args.begin(), "--target=" + server_->target());
    return Invoke(args);
  }

  // Seeds the shop, trains bundle "v1" and loads it through the CLI.
  void ServeBundle() {
    ASSERT_OK(server_->SeedShop());
    ASSERT_OK(server_->TrainBundle("v1"));
    const CliResult reload = Cli({"reload"});
    ASSERT_EQ(reload.code, 0) << reload.err;
    EXPECT_EQ(reload.out, "loaded bundle v1 (previous: none)\n");
  }

  std::unique_ptr<TestServer> server_;
};

TEST_F(CliTest, HealthIsNotServingWithoutBundle) {
  const CliResult result = Cli({"health"});
  EXPECT_EQ(result.code, 1);
  EXPECT_EQ(result.out, "NOT_SERVING\n");
  EXPECT_THAT(result.err, IsEmpty());
}

TEST_F(CliTest, HealthOfLivenessIsServingWithoutBundle) {
  const CliResult result = Cli({"health", "--service=liveness"});
  EXPECT_EQ(result.code, 0) << result.err;
  EXPECT_EQ(result.out, "SERVING\n");
}

TEST_F(CliTest, HealthOfUnknownServiceIsNotFound) {
  const CliResult result = Cli({"health", "--service=no.such.Service"});
  EXPECT_EQ(result.code, 1);
  EXPECT_THAT(result.err, StartsWith("error: NOT_FOUND: "));
}

TEST_F(CliTest, HealthIsServingAfterReload) {
  ServeBundle();
  const CliResult result = Cli({"health"});
  EXPECT_EQ(result.code, 0) << result.err;
  EXPECT_EQ(result.out, "SERVING\n");
  const CliResult json = Cli({"--json", "health"});
  EXPECT_EQ(json.code, 0);
  EXPECT_EQ(json.out, "{\"status\":\"SERVING\"}\n");
}

TEST_F(CliTest, ModelsWithoutBundleSaysSo) {
  const CliResult result = Cli({"models"});
  EXPECT_EQ(result.code, 0) << result.err;
  EXPECT_EQ(result.out, "no model bundle loaded\n");
}

TEST_F(CliTest, ModelsListsTheLoadedBundle) {
  ServeBundle();
  const CliResult result = Cli({"models"});
  ASSERT_EQ(result.code, 0) << result.err;
  EXPECT_THAT(result.out, StartsWith("bundle v1, trained "));
  EXPECT_THAT(result.out, HasSubstr("training data: "));
  EXPECT_THAT(result.out, ContainsRegex("\nmodel +task +metrics +parameters"));
  EXPECT_THAT(result.out, ContainsRegex("\npopularity +recommend "));
  EXPECT_THAT(result.out, ContainsRegex("\ncooccurrence +similar_items "));
}

TEST_F(CliTest, ReloadOfServingBundleReportsNoChange) {
  ServeBundle();
  const CliResult result = Cli({"reload", "--version=v1"});
  EXPECT_EQ(result.code, 0) << result.err;
  EXPECT_EQ(result.out, "bundle v1 is already serving\n");
}

TEST_F(CliTest, ReloadOfMissingBundleIsAnError) {
  const CliResult result = Cli({"reload", "--version=v9"});
  EXPECT_EQ(result.code, 1);
  EXPECT_THAT(result.out, IsEmpty());
  EXPECT_THAT(result.err, StartsWith("error: "));
}

TEST_F(CliTest, UpsertItemCountsNewItems) {
  const std::vector<std::string> args = {
      "upsert-item", "--item=SKU-1", "--category=shoes", "--price=19.5",
      "--stock",     "out_of_stock", "--title=Runner",   "--attr=brand=acme"};
  CliResult result = Cli(args);
  EXPECT_EQ(result.code, 0) << result.err;
  EXPECT_EQ(result.out, "upserted 1 item (1 new)\n");
  result = Cli(args);
  EXPECT_EQ(result.out, "upserted 1 item (0 new)\n");
}

TEST_F(CliTest, UpsertUserPrintsJson) {
  const CliResult result =
      Cli({"upsert-user", "--user=U-1", "--attr=segment=b2b", "--json"});
  EXPECT_EQ(result.code, 0) << result.err;
  EXPECT_EQ(result.out, "{\"upserted\":1,\"created\":1}\n");
}

TEST_F(CliTest, RecordEventThenModelsAfterTraining) {
  for (const char* type : {"view", "add_to_cart", "purchase"}) {
    const CliResult result = Cli({"record-event", "--user=U-1", "--item=SKU-1",
                                  absl::StrCat("--type=", type)});
    ASSERT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(result.out, "recorded 1 event\n");
  }
  const CliResult rating =
      Cli({"record-event", "--user=U-2", "--item=SKU-1", "--type=rating",
           "--rating=4", "--time=2024-05-01T10:00:00Z"});
  EXPECT_EQ(rating.code, 0) << rating.err;
  ASSERT_OK(server_->TrainBundle("v1"));
  ASSERT_EQ(Cli({"reload"}).code, 0);
  const CliResult models = Cli({"--json", "models"});
  ASSERT_EQ(models.code, 0) << models.err;
  EXPECT_THAT(models.out, HasSubstr("\"bundle_version\":\"v1\""));
  EXPECT_THAT(models.out, HasSubstr("\"events\":\"4\""));
}

TEST_F(CliTest, RecommendPrintsRankedTable) {
  ServeBundle();
  const CliResult result = Cli({"recommend", "--user=U03", "--k=3"});
  ASSERT_EQ(result.code, 0) << result.err;
  const std::vector<std::string> lines = Lines(result.out);
  ASSERT_THAT(lines, SizeIs(5));
  EXPECT_THAT(lines[0], ContainsRegex("^rank +item +score +reason +category$"));
  for (int rank = 1; rank <= 3; ++rank) {
    EXPECT_THAT(lines[rank],
                ContainsRegex(absl::StrCat("^ +", rank,
                                           "  I0[0-7] +[0-9.]+ +[a-z_]+ "
                                           "+(bags|hats)$")));
  }
  EXPECT_THAT(lines[4], StartsWith("model: "));
  EXPECT_THAT(lines[4], HasSubstr(", bundle v1; recommendation_id: "));
}

TEST_F(CliTest, RecommendAppliesFilters) {
  ServeBundle();
  const CliResult result =
      Cli({"recommend", "--user=U03", "--k=8", "--categories=hats",
           "--in-stock", "--exclude=I04", "--model=popularity"});
  ASSERT_EQ(result.code, 0) << result.err;
  EXPECT_THAT(result.out,
              AllOf(HasSubstr("I05"), HasSubstr("I06"), Not(HasSubstr("I04")),
                    Not(HasSubstr("I07")), Not(HasSubstr("bags"))));
}

TEST_F(CliTest, RecommendForUnknownUserIsColdStart) {
  ServeBundle();
  const CliResult result = Cli({"recommend", "--user=stranger", "--json"});
  ASSERT_EQ(result.code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("\"cold_start\":true"));
  EXPECT_THAT(result.out, HasSubstr("\"recommendation_id\":"));
}

TEST_F(CliTest, RecommendWithoutBundleIsFailedPrecondition) {
  const CliResult result = Cli({"recommend", "--user=U03"});
  EXPECT_EQ(result.code, 1);
  EXPECT_THAT(result.err, StartsWith("error: FAILED_PRECONDITION: "));
}

TEST_F(CliTest, SimilarListsRelatedItems) {
  ServeBundle();
  const CliResult result = Cli({"similar", "--item=I00", "--k=2"});
  ASSERT_EQ(result.code, 0) << result.err;
  const std::vector<std::string> lines = Lines(result.out);
  // Header, two items, the model line, and a fallback line if popular items
  // had to fill the list.
  ASSERT_GE(lines.size(), 4u);
  EXPECT_THAT(lines[1], ContainsRegex("^ +1  I0[1-7] "));
  EXPECT_THAT(lines[2], ContainsRegex("^ +2  I0[1-7] "));
  EXPECT_THAT(lines[1], Not(HasSubstr("I00")));
}

TEST_F(CliTest, SimilarOfUnknownItemIsNotFound) {
  ServeBundle();
  const CliResult result = Cli({"similar", "--item=nope"});
  EXPECT_EQ(result.code, 1);
  EXPECT_THAT(result.out, IsEmpty());
  EXPECT_THAT(result.err, StartsWith("error: NOT_FOUND: "));
}

TEST_F(CliTest, ScoreTargetAfterCommandIsThePredictionTarget) {
  ServeBundle();
  const CliResult result =
      Cli({"score", "--user=U01", "--items=I00,I01,I02", "--target=rating"});
  ASSERT_EQ(result.code, 0) << result.err;
  const std::vector<std::string> lines = Lines(result.out);
  ASSERT_THAT(lines, SizeIs(5));
  EXPECT_THAT(lines[0], ContainsRegex("^item +rating$"));
  EXPECT_THAT(lines[1], ContainsRegex("^I00 +[0-9]+\\.[0-9]{4}$"));
  EXPECT_THAT(lines[3], ContainsRegex("^I02 "));
}

TEST_F(CliTest, ScoreDefaultsToPurchaseProbability) {
  ServeBundle();
  const CliResult result = Cli({"score", "--user=U01", "--items=I00"});
  ASSERT_EQ(result.code, 0) << result.err;
  EXPECT_THAT(result.out, ContainsRegex("^item +purchase_probability\n"));
}

TEST_F(CliTest, ForecastPrintsIntervalsAndInventory) {
  for (int day = 1; day <= 28; ++day) {
    const CliResult sale =
        Cli({"record-sale", "--series=SKU-1",
             absl::StrCat("--date=2024-02-", day < 10 ? "0" : "", day),
             absl::StrCat("--quantity=", 5 + day % 7)});
    ASSERT_EQ(sale.code, 0) << sale.err;
    ASSERT_EQ(sale.out, "recorded 1 sale\n");
  }
  const CliResult result =
      Cli({"forecast", "--series=SKU-1", "--horizon=3", "--levels=80,95",
           "--lead-time=2", "--service-level=90"});
  ASSERT_EQ(result.code, 0) << result.err;
  const std::vector<std::string> lines = Lines(result.out);
  ASSERT_GE(lines.size(), 6u);
  EXPECT_THAT(lines[0],
              ContainsRegex("^period +mean +lo80 +hi80 +lo95 +hi95$"));
  EXPECT_THAT(lines[1], ContainsRegex("^2024-02-29 +[0-9]+\\.[0-9]{2} "));
  EXPECT_THAT(lines[3], StartsWith("2024-03-02 "));
  EXPECT_THAT(lines[4], HasSubstr("daily periods; fitted on 28 periods"));
  EXPECT_THAT(lines[5],
              ContainsRegex("^inventory: lead time 2 periods, service level "
                            "90%: lead-time demand [0-9.]+, safety stock "
                            "[0-9.]+, reorder point [0-9.]+$"));
}

TEST_F(CliTest, ForecastOfUnknownSeriesIsNotFound) {
  const CliResult result = Cli({"forecast", "--series=none"});
  EXPECT_EQ(result.code, 1);
  EXPECT_THAT(result.err, StartsWith("error: NOT_FOUND: "));
}

TEST_F(CliTest, InvalidArgumentFromServerIsPrintedWithCode) {
  const CliResult result =
      Cli({"record-sale", "--series=S", "--date=2024-13-45", "--quantity=1"});
  EXPECT_EQ(result.code, 1);
  EXPECT_THAT(result.out, IsEmpty());
  EXPECT_THAT(result.err, StartsWith("error: INVALID_ARGUMENT: "));
  EXPECT_THAT(result.err, HasSubstr("date"));
  EXPECT_THAT(result.err, Not(HasSubstr("Usage:")));
}

TEST_F(CliTest, UnknownFlagExitsWithUsage) {
  const CliResult result = Cli({"recommend", "--user=U01", "--bogus=1"});
  EXPECT_EQ(result.code, 2);
  EXPECT_THAT(result.out, IsEmpty());
  EXPECT_THAT(result.err, StartsWith("error: unknown flag --bogus\n"));
  EXPECT_THAT(result.err, HasSubstr("Usage: shopml-cli [global flags] "
                                    "recommend --user=U"));
}

TEST_F(CliTest, MissingRequiredFlagExitsWithUsage) {
  const CliResult result = Cli({"score", "--user=U01"});
  EXPECT_EQ(result.code, 2);
  EXPECT_THAT(result.err, StartsWith("error: --items: required\n"));
}

TEST_F(CliTest, MalformedValueExitsWithUsage) {
  EXPECT_EQ(Cli({"recommend", "--user=U01", "--k=ten"}).code, 2);
  EXPECT_EQ(Cli({"record-event", "--user=U", "--item=I", "--type=like"}).code,
            2);
  EXPECT_EQ(Cli({"record-event", "--user=U", "--item=I", "--type=view",
                 "--time=yesterday"})
                .code,
            2);
  EXPECT_EQ(Cli({"--deadline=soon", "models"}).code, 2);
  EXPECT_EQ(Cli({"--deadline=0s", "models"}).code, 2);
  EXPECT_EQ(Cli({"models", "extra"}).code, 2);
}

TEST(CliUsageTest, UnknownCommandExitsWithUsage) {
  const CliResult result = Invoke({"recomend"});
  EXPECT_EQ(result.code, 2);
  EXPECT_THAT(result.err, StartsWith("error: unknown command \"recomend\"\n"));
  EXPECT_THAT(result.err, HasSubstr("Usage: shopml-cli"));
}

TEST(CliUsageTest, NoCommandExitsWithUsage) {
  const CliResult result = Invoke({"--json"});
  EXPECT_EQ(result.code, 2);
  EXPECT_THAT(result.err, HasSubstr("Usage: shopml-cli"));
}

TEST(CliUsageTest, HelpListsEveryCommandOnStdout) {
  const CliResult result = Invoke({"--help"});
  EXPECT_EQ(result.code, 0);
  EXPECT_THAT(result.err, IsEmpty());
  for (const char* command : {"recommend", "similar", "score", "forecast",
                              "upsert-item", "upsert-user", "record-event",
                              "record-sale", "models", "reload", "health"}) {
    EXPECT_THAT(result.out, ContainsRegex(absl::StrCat("\n  ", command, " ")));
  }
}

TEST(CliUsageTest, CommandHelpListsItsFlags) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"forecast", "--help"},
                                             {"help", "forecast"}}) {
    const CliResult result = Invoke(args);
    EXPECT_EQ(result.code, 0);
    EXPECT_THAT(result.out, StartsWith("Usage: shopml-cli [global flags] "
                                       "forecast --series=S"));
    EXPECT_THAT(result.out, HasSubstr("\n  --lead-time=N "));
  }
}

TEST(CliUsageTest, UnreachableServerNamesTarget) {
  const std::string target = absl::StrCat("127.0.0.1:", ClosedPort());
  const CliResult result = Invoke({"--target=" + target, "health"});
  EXPECT_EQ(result.code, 1);
  EXPECT_THAT(result.err, StartsWith("error: UNAVAILABLE: "));
  EXPECT_THAT(result.err, HasSubstr("cannot reach shopml at " + target));
}

}  // namespace
}  // namespace shopml::client
