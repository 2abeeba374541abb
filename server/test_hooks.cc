#include "server/test_hooks.h"

#include <cstdlib>

#include "absl/strings/numbers.h"

namespace shopml::server {

absl::Duration RecommendDelayForTesting() {
  static const absl::Duration delay = [] {
    const char* text = std::getenv("SHOPML_TESTING_RECOMMEND_DELAY_MS");
    int ms = 0;
    if (text == nullptr || !absl::SimpleAtoi(text, &ms) || ms < 0) {
      return absl::ZeroDuration();
    }
    return absl::Milliseconds(ms);
  }();
  return delay;
}

}  // namespace shopml::server
