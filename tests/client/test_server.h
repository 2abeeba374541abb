// TestServer: a real shopml server in this process for the client tests,
// listening on 127.0.0.1 at a free port, with its store and model bundles in
// a fresh temporary directory that is removed afterwards. Metrics are off.
//
// The small shop of SeedShop: items I00..I07 in categories "bags" (I00-I03)
// and "hats" (I04-I07), I07 out of stock; users U00..U11, each viewing,
// buying and rating (4 + user % 3) four items ((user + 3k) % 8, k = 0..3)
// a day apart, so every item co-occurs with others.
//
// Thread safety: use from the test's thread; the server itself serves calls
// from any thread.
#ifndef SHOPML_TESTS_CLIENT_TEST_SERVER_H_
#define SHOPML_TESTS_CLIENT_TEST_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/server.h"

namespace shopml::client::testing {

inline constexpr int kShopItems = 8;
inline constexpr int kShopUsers = 12;

class TestServer {
 public:
  // Starts a server with no model bundle (health NOT_SERVING).
  static absl::StatusOr<std::unique_ptr<TestServer>> Start();
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  server::Server* server() { return server_.get(); }
  // "127.0.0.1:<port>".
  std::string target() const;

  // Writes the shop described above through IngestService.
  absl::Status SeedShop();
  // Trains a bundle named `version` from the store and publishes it in the
  // models directory; the server loads it on the next reload.
  absl::Status TrainBundle(const std::string& version);

 private:
  TestServer() = default;

  std::string dir_;
  std::unique_ptr<server::Server> server_;
};

}  // namespace shopml::client::testing

#endif  // SHOPML_TESTS_CLIENT_TEST_SERVER_H_
