// GoogleTest matchers for absl::Status and absl::StatusOr:
//
//   EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument,
//   HasSubstr("k"))); EXPECT_THAT(s, IsOk()); ASSERT_OK_AND_ASSIGN(auto store,
//   Store::Open(options));
#ifndef SHOPML_TESTS_TESTING_STATUS_MATCHERS_H_
#define SHOPML_TESTS_TESTING_STATUS_MATCHERS_H_

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace shopml::testing {

inline const absl::Status& GetStatus(const absl::Status& status) {
  return status;
}
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

MATCHER_P2(StatusIs, code, message_matcher,
           "has code " + absl::StatusCodeToString(code)) {
  const absl::Status& status = ::shopml::testing::GetStatus(arg);
  *result_listener << "status is " << status.ToString();
  return status.code() == code &&
         ::testing::ExplainMatchResult(
             message_matcher, std::string(status.message()), result_listener);
}

MATCHER(IsOk, "is OK") {
  const absl::Status& status = ::shopml::testing::GetStatus(arg);
  *result_listener << "status is " << status.ToString();
  return status.ok();
}

}  // namespace shopml::testing

#define SHOPML_TESTING_CONCAT_INNER_(a, b) a##b
#define SHOPML_TESTING_CONCAT_(a, b) SHOPML_TESTING_CONCAT_INNER_(a, b)
#define ASSERT_OK(expr) ASSERT_THAT((expr), ::shopml::testing::IsOk())
#define EXPECT_OK(expr) EXPECT_THAT((expr), ::shopml::testing::IsOk())
#define ASSERT_OK_AND_ASSIGN(lhs, expr)                             \
  auto SHOPML_TESTING_CONCAT_(statusor_, __LINE__) = (expr);        \
  ASSERT_THAT(SHOPML_TESTING_CONCAT_(statusor_, __LINE__).status(), \
              ::shopml::testing::IsOk());                           \
  lhs = std::move(SHOPML_TESTING_CONCAT_(statusor_, __LINE__)).value()

#endif  // SHOPML_TESTS_TESTING_STATUS_MATCHERS_H_
