// Data and model bundles for server tests: a small planted shop written to a
// Store, bundles built with core's models and published with
// ModelBundle::Publish (no store needed), and a helper that corrupts one.
#ifndef SHOPML_TESTS_SERVER_TEST_BUNDLES_H_
#define SHOPML_TESTS_SERVER_TEST_BUNDLES_H_

#include <string>

#include "absl/status/status.h"
#include "storage/store.h"

namespace shopml::server::testing {

// Writes the planted shop into `store`: items "sku-0".."sku-7" (categories
// "shoes" and "socks"), and views, purchases and ratings of users
// "user-0".."user-11".
absl::Status WriteTestShop(storage::Store& store);

// Trains every baseline model on a small planted shop (12 users, 8 items,
// views, purchases and ratings) and publishes it as models_dir/<version>.
absl::Status PublishTestBundle(const std::string& models_dir,
                               const std::string& version);

// Flips one byte in the middle of models_dir/<version>/<file>.
absl::Status FlipByte(const std::string& models_dir, const std::string& version,
                      const std::string& file);

}  // namespace shopml::server::testing

#endif  // SHOPML_TESTS_SERVER_TEST_BUNDLES_H_
