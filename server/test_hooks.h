// Hooks that let tests make the server misbehave on purpose, set through
// environment variables that no deployment should set (they are not
// settings: `shopml serve --help` does not list them). Each variable is read
// once, at first use.
//
//   SHOPML_TESTING_RECOMMEND_DELAY_MS  every Recommend works this many
//       milliseconds longer (after validation, with the bundle in hand),
//       abandoning the wait as soon as the call is cancelled. Default: 0.
//
// Thread safety: safe to call from any thread.
#ifndef SHOPML_SERVER_TEST_HOOKS_H_
#define SHOPML_SERVER_TEST_HOOKS_H_

#include "absl/time/time.h"

namespace shopml::server {

// SHOPML_TESTING_RECOMMEND_DELAY_MS as a duration; zero when unset or
// malformed.
absl::Duration RecommendDelayForTesting();

}  // namespace shopml::server

#endif  // SHOPML_SERVER_TEST_HOOKS_H_
