#include "server/config.h"

#include <stdlib.h>

#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

extern char** environ;

namespace shopml::server {
namespace {

using ::shopml::testing::StatusIs;
using ::testing::HasSubstr;

class ConfigTest : public ::testing::Test {
 protected:
  // Every test starts from an environment without SHOPML_ variables.
  void SetUp() override {
    std::vector<std::string> names;
    for (char** env = environ; *env != nullptr; ++env) {
      const std::string entry = *env;
      if (entry.rfind("SHOPML_", 0) == 0) {
        names.push_back(entry.substr(0, entry.find('=')));
      }
    }
    for (const std::string& name : names) unsetenv(name.c_str());
  }
  void TearDown() override {
    for (const std::string& name : set_) unsetenv(name.c_str());
  }

  void SetEnv(const std::string& name, const std::string& value) {
    setenv(name.c_str(), value.c_str(), 1);
    set_.push_back(name);
  }

  std::string WriteFile(const std::string& text) {
    const std::string path = dir_.Sub("shopml.conf");
    std::ofstream(path) << text;
    return path;
  }

  ::shopml::testing::TempDir dir_;

 private:
  std::vector<std::string> set_;
};

TEST_F(ConfigTest, DefaultsApplyWhenNothingIsSet) {
  ASSERT_OK_AND_ASSIGN(ServerConfig config, ServerConfig::Load({}));
  EXPECT_EQ(config.grpc_address, "127.0.0.1:50051");
  EXPECT_EQ(config.max_k, 1000);
  EXPECT_TRUE(config.enable_reflection);
  EXPECT_TRUE(config.sources.empty());
}

TEST_F(ConfigTest, FileOverridesDefault) {
  const std::string path = WriteFile(
      "# limits\n"
      "\n"
      "max_k = 20   # small shop\n"
      "models_dir=/srv/models\n");
  ASSERT_OK_AND_ASSIGN(ServerConfig config,
                       ServerConfig::Load({"--config=" + path}));
  EXPECT_EQ(config.max_k, 20);
  EXPECT_EQ(config.models_dir, "/srv/models");
  EXPECT_EQ(config.sources["max_k"], "file " + path + ":3");
}

TEST_F(ConfigTest, EnvOverridesFile) {
  const std::string path = WriteFile("max_k = 20\n");
  SetEnv("SHOPML_MAX_K", "30");
  ASSERT_OK_AND_ASSIGN(ServerConfig config,
                       ServerConfig::Load({"--config=" + path}));
  EXPECT_EQ(config.max_k, 30);
  EXPECT_EQ(config.sources["max_k"], "env SHOPML_MAX_K");
}

TEST_F(ConfigTest, FlagOverridesEnvAndFile) {
  const std::string path = WriteFile("max_k = 20\n");
  SetEnv("SHOPML_MAX_K", "30");
  ASSERT_OK_AND_ASSIGN(ServerConfig config,
                       ServerConfig::Load({"--config=" + path, "--max_k=40"}));
  EXPECT_EQ(config.max_k, 40);
  EXPECT_EQ(config.sources["max_k"], "flag --max_k");
}

TEST_F(ConfigTest, ConfigFileCanComeFromEnv) {
  SetEnv("SHOPML_CONFIG", WriteFile("max_batch = 7\n"));
  ASSERT_OK_AND_ASSIGN(ServerConfig config, ServerConfig::Load({}));
  EXPECT_EQ(config.max_batch, 7);
}

TEST_F(ConfigTest, DashedFlagNamesEqualUnderscored) {
  ASSERT_OK_AND_ASSIGN(ServerConfig config,
                       ServerConfig::Load({"--store-path=/data/s"}));
  EXPECT_EQ(config.store_path, "/data/s");
}

TEST_F(ConfigTest, BareBoolFlagMeansTrue) {
  SetEnv("SHOPML_ENABLE_REFLECTION", "false");
  ASSERT_OK_AND_ASSIGN(ServerConfig config,
                       ServerConfig::Load({"--enable_reflection"}));
  EXPECT_TRUE(config.enable_reflection);
}

TEST_F(ConfigTest, UnknownFlagIsNamed) {
  EXPECT_THAT(ServerConfig::Load({"--max_kay=5"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--max_kay: unknown flag")));
}

TEST_F(ConfigTest, MalformedFlagValueIsNamed) {
  EXPECT_THAT(ServerConfig::Load({"--max_k=ten"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("max_k: must be an integer")));
}

TEST_F(ConfigTest, OutOfRangeValueIsNamed) {
  EXPECT_THAT(ServerConfig::Load({"--max_batch=0"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("max_batch: must be an integer in [1, ")));
}

TEST_F(ConfigTest, BadBoolValueIsNamed) {
  EXPECT_THAT(ServerConfig::Load({"--sync_writes=maybe"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("sync_writes: must be true or false")));
}

TEST_F(ConfigTest, MalformedAddressIsNamed) {
  EXPECT_THAT(ServerConfig::Load({"--grpc_address=localhost"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("grpc_address: must be host:port")));
}

TEST_F(ConfigTest, BadEnvValueNamesTheVariable) {
  SetEnv("SHOPML_MAX_HORIZON", "-3");
  EXPECT_THAT(
      ServerConfig::Load({}),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("max_horizon: must be an integer in [1, 3660], "
                         "got \"-3\" (from env SHOPML_MAX_HORIZON)")));
}

TEST_F(ConfigTest, UnknownFileSettingNamesFileAndLine) {
  const std::string path = WriteFile("max_k = 5\nmax_kay = 6\n");
  EXPECT_THAT(ServerConfig::Load({"--config=" + path}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("max_kay: unknown setting (from file " + path +
                                 ":2)")));
}

TEST_F(ConfigTest, FileLineWithoutEqualsIsRejected) {
  const std::string path = WriteFile("max_k 5\n");
  EXPECT_THAT(ServerConfig::Load({"--config=" + path}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr(path + ":1: expected `name = value`")));
}

TEST_F(ConfigTest, MissingConfigFileIsNotFound) {
  EXPECT_THAT(ServerConfig::Load({"--config=" + dir_.Sub("absent.conf")}),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("absent.conf")));
}

TEST_F(ConfigTest, PositionalArgumentIsRejected) {
  EXPECT_THAT(ServerConfig::Load({"max_k=5"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unexpected argument \"max_k=5\"")));
}

TEST_F(ConfigTest, DescribeListsValuesWithSources) {
  SetEnv("SHOPML_MAX_K", "30");
  ASSERT_OK_AND_ASSIGN(ServerConfig config,
                       ServerConfig::Load({"--max_batch=9"}));
  const std::string described = config.Describe();
  EXPECT_THAT(described, HasSubstr("max_k = 30  # env SHOPML_MAX_K\n"));
  EXPECT_THAT(described, HasSubstr("max_batch = 9  # flag --max_batch\n"));
  EXPECT_THAT(described, HasSubstr("max_horizon = 366  # default\n"));
}

TEST_F(ConfigTest, HelpTextListsEverySettingWithItsDefault) {
  const std::string help = ServerConfig::HelpText();
  ASSERT_OK_AND_ASSIGN(ServerConfig defaults, ServerConfig::Load({}));
  // Describe() has one `name = value  # default` line per setting.
  int settings = 0;
  for (absl::string_view line :
       absl::StrSplit(defaults.Describe(), '\n', absl::SkipEmpty())) {
    std::vector<std::string> parts = absl::StrSplit(line, ' ');
    ASSERT_GE(parts.size(), 3u) << line;
    EXPECT_THAT(help, HasSubstr("--" + parts[0] + "=" + parts[2] + "\n"));
    ++settings;
  }
  EXPECT_EQ(settings, 31);
}

}  // namespace
}  // namespace shopml::server
