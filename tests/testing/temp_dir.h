// TempDir: a fresh directory under $TEST_TMPDIR (or /tmp) for one test,
// removed with everything in it when the object goes away.
#ifndef SHOPML_TESTS_TESTING_TEMP_DIR_H_
#define SHOPML_TESTS_TESTING_TEMP_DIR_H_

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

#include "gtest/gtest.h"

namespace shopml::testing {

class TempDir {
 public:
  TempDir() {
    const char* root = std::getenv("TEST_TMPDIR");
    std::string pattern =
        std::string(root != nullptr ? root : "/tmp") + "/shopml_test_XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      ADD_FAILURE() << "mkdtemp failed for " << pattern;
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name.
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

  // Writes `content` to Sub(name) and returns that path.
  std::string WriteFile(const std::string& name,
                        const std::string& content) const {
    const std::string file = Sub(name);
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << content;
    EXPECT_TRUE(out.good()) << "cannot write " << file;
    return file;
  }

 private:
  std::string path_;
};

}  // namespace shopml::testing

#endif  // SHOPML_TESTS_TESTING_TEMP_DIR_H_
