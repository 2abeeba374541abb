// ShopmlProcess: the real `shopml` binary run as a child process, for tests
// that need a separate process (signals, exit codes, the store lock, or
// gRPC reflection, whose server library cannot share a binary with the
// reflection client stubs). The binary's path comes from the SHOPML_BINARY
// compile definition.
//
// Thread safety: use one object from one thread.
#ifndef SHOPML_TESTS_SERVER_SHOPML_PROCESS_H_
#define SHOPML_TESTS_SERVER_SHOPML_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace shopml::server::testing {

class ShopmlProcess {
 public:
  // Runs `shopml serve <args>` and waits until its stderr announces the bound
  // ports. DeadlineExceeded when it does not within `timeout`; Aborted, with
  // its stderr, when it exits first. Its stdout (the JSON log) is appended to
  // `stdout_path`, or discarded when that is empty.
  static absl::StatusOr<std::unique_ptr<ShopmlProcess>> Serve(
      const std::vector<std::string>& args,
      absl::Duration timeout = absl::Seconds(20),
      const std::string& stdout_path = "");

  // Kills the process (SIGKILL) if it still runs.
  ~ShopmlProcess();
  ShopmlProcess(const ShopmlProcess&) = delete;
  ShopmlProcess& operator=(const ShopmlProcess&) = delete;

  int grpc_port() const { return grpc_port_; }
  int metrics_port() const { return metrics_port_; }  // 0 when disabled.
  std::string grpc_target() const;

  pid_t pid() const { return pid_; }
  void Signal(int signal_number);
  // The exit code once the process exits, or -signal when a signal killed
  // it. DeadlineExceeded when it still runs after `timeout`.
  absl::StatusOr<int> WaitForExit(absl::Duration timeout);
  // Everything the process wrote to stderr so far.
  std::string stderr_text() const;

 private:
  ShopmlProcess(pid_t pid, int stderr_fd);
  void ReadStderr();

  pid_t pid_;
  int stderr_fd_;
  bool exited_ = false;
  int grpc_port_ = 0;
  int metrics_port_ = 0;
  std::thread reader_;
  mutable absl::Mutex mu_;
  absl::CondVar changed_;  // Signalled when stderr_ or eof_ change.
  std::string stderr_ ABSL_GUARDED_BY(mu_);
  bool eof_ ABSL_GUARDED_BY(mu_) = false;
};

struct RunResult {
  int exit_code = 0;   // -signal when killed by a signal.
  std::string output;  // stdout and stderr, interleaved.
};

// Runs `shopml <args>` to completion. DeadlineExceeded (after killing it)
// when it runs longer than `timeout`.
absl::StatusOr<RunResult> RunShopml(const std::vector<std::string>& args,
                                    absl::Duration timeout = absl::Seconds(60));

}  // namespace shopml::server::testing

#endif  // SHOPML_TESTS_SERVER_SHOPML_PROCESS_H_
