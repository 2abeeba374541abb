#include "tests/server/shopml_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"

extern char** environ;

namespace shopml::server::testing {
namespace {

struct BannerPorts {
  int grpc = 0;
  int metrics = 0;  // 0 when metrics are disabled.
};

// The port after the last ':' of `address` ("127.0.0.1:50051"), or 0.
int PortOf(absl::string_view address) {
  const size_t colon = address.rfind(':');
  int port = 0;
  if (colon == absl::string_view::npos ||
      !absl::SimpleAtoi(address.substr(colon + 1), &port)) {
    return 0;
  }
  return port;
}

// Reads the ports out of the server's start-up line, "serving gRPC on
// <host>:<port>, metrics on http://<host>:<port>/metrics" (or ", metrics
// disabled"). nullopt until the whole line has arrived.
std::optional<BannerPorts> ParseBanner(absl::string_view text) {
  constexpr absl::string_view kGrpc = "serving gRPC on ";
  constexpr absl::string_view kMetrics = ", metrics on http://";
  const size_t start = text.find(kGrpc);
  if (start == absl::string_view::npos) return std::nullopt;
  const size_t end = text.find('\n', start);
  if (end == absl::string_view::npos) return std::nullopt;
  const absl::string_view line = text.substr(start, end - start);
  const size_t comma = line.find(',');
  if (comma == absl::string_view::npos) return std::nullopt;
  BannerPorts ports;
  ports.grpc = PortOf(line.substr(kGrpc.size(), comma - kGrpc.size()));
  if (ports.grpc == 0) return std::nullopt;
  if (absl::StartsWith(line.substr(comma), kMetrics)) {
    absl::string_view rest = line.substr(comma + kMetrics.size());
    ports.metrics = PortOf(rest.substr(0, rest.find('/')));
    if (ports.metrics == 0) return std::nullopt;
  } else if (line.substr(comma) != ", metrics disabled") {
    return std::nullopt;
  }
  return ports;
}

// Starts SHOPML_BINARY with `args`; its stdout goes to `stdout_fd`, else
// is appended to `stdout_path`, else to /dev/null, and its stderr to
// `stderr_fd`.
absl::StatusOr<pid_t> Spawn(const std::vector<std::string>& args, int stdout_fd,
                            int stderr_fd,
                            const std::string& stdout_path = "") {
  std::vector<std::string> argv_strings = {SHOPML_BINARY};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_strings) argv.push_back(arg.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (stdout_fd >= 0) {
    posix_spawn_file_actions_adddup2(&actions, stdout_fd, STDOUT_FILENO);
  } else if (!stdout_path.empty()) {
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO,
                                     stdout_path.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
  } else {
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null",
                                     O_WRONLY, 0);
  }
  posix_spawn_file_actions_adddup2(&actions, stderr_fd, STDERR_FILENO);
  pid_t pid = 0;
  const int error =
      posix_spawn(&pid, SHOPML_BINARY, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) {
    return absl::InternalError(
        absl::StrCat("posix_spawn ", SHOPML_BINARY, " failed: ", error));
  }
  return pid;
}

int ExitCode(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return -WTERMSIG(wait_status);
  return -1;
}

// Polls for the child's exit until `deadline`.
absl::StatusOr<int> WaitPid(pid_t pid, absl::Time deadline) {
  while (true) {
    int wait_status = 0;
    const pid_t done = waitpid(pid, &wait_status, WNOHANG);
    if (done == pid) return ExitCode(wait_status);
    if (done < 0) return absl::InternalError("waitpid failed");
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat("process ", pid, " still runs"));
    }
    absl::SleepFor(absl::Milliseconds(5));
  }
}

}  // namespace

ShopmlProcess::ShopmlProcess(pid_t pid, int stderr_fd)
    : pid_(pid), stderr_fd_(stderr_fd), reader_([this] { ReadStderr(); }) {}

ShopmlProcess::~ShopmlProcess() {
  if (!exited_) {
    kill(pid_, SIGKILL);
    int wait_status = 0;
    waitpid(pid_, &wait_status, 0);
  }
  reader_.join();
  close(stderr_fd_);
}

absl::StatusOr<std::unique_ptr<ShopmlProcess>> ShopmlProcess::Serve(
    const std::vector<std::string>& args, absl::Duration timeout,
    const std::string& stdout_path) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return absl::InternalError("pipe failed");
  std::vector<std::string> serve_args = {"serve"};
  serve_args.insert(serve_args.end(), args.begin(), args.end());
  absl::StatusOr<pid_t> pid = Spawn(serve_args, -1, fds[1], stdout_path);
  close(fds[1]);
  if (!pid.ok()) {
    close(fds[0]);
    return pid.status();
  }
  std::unique_ptr<ShopmlProcess> process(new ShopmlProcess(*pid, fds[0]));

  std::string text;
  bool exited = false;
  {
    absl::MutexLock lock(&process->mu_);
    auto ready = [&]() ABSL_SHARED_LOCKS_REQUIRED(process->mu_) {
      return process->eof_ || ParseBanner(process->stderr_).has_value();
    };
    // A CondVar loop, not Mutex::AwaitWithTimeout, so that ThreadSanitizer
    // sees the predicate run under the lock (see server/work_pool.cc).
    const absl::Time deadline = absl::Now() + timeout;
    while (!ready() &&
           !process->changed_.WaitWithDeadline(&process->mu_, deadline)) {
    }
    text = process->stderr_;
    exited = process->eof_;
  }
  const std::optional<BannerPorts> ports = ParseBanner(text);
  if (!ports.has_value()) {
    const std::string message =
        absl::StrCat("shopml serve did not announce its ports: ", text);
    return exited ? absl::AbortedError(message)
                  : absl::DeadlineExceededError(message);
  }
  process->grpc_port_ = ports->grpc;
  process->metrics_port_ = ports->metrics;
  return process;
}

std::string ShopmlProcess::grpc_target() const {
  return absl::StrCat("127.0.0.1:", grpc_port_);
}

void ShopmlProcess::ReadStderr() {
  char buffer[4096];
  while (true) {
    const ssize_t n = read(stderr_fd_, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    absl::MutexLock lock(&mu_);
    changed_.SignalAll();
    if (n <= 0) {
      eof_ = true;
      return;
    }
    stderr_.append(buffer, n);
  }
}

void ShopmlProcess::Signal(int signal_number) { kill(pid_, signal_number); }

absl::StatusOr<int> ShopmlProcess::WaitForExit(absl::Duration timeout) {
  absl::StatusOr<int> code = WaitPid(pid_, absl::Now() + timeout);
  if (code.ok()) exited_ = true;
  return code;
}

std::string ShopmlProcess::stderr_text() const {
  absl::MutexLock lock(&mu_);
  return stderr_;
}

absl::StatusOr<RunResult> RunShopml(const std::vector<std::string>& args,
                                    absl::Duration timeout) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return absl::InternalError("pipe failed");
  absl::StatusOr<pid_t> pid = Spawn(args, fds[1], fds[1]);
  close(fds[1]);
  if (!pid.ok()) {
    close(fds[0]);
    return pid.status();
  }
  RunResult result;
  std::thread reader([&] {
    char buffer[4096];
    ssize_t n;
    while ((n = read(fds[0], buffer, sizeof(buffer))) > 0 ||
           (n < 0 && errno == EINTR)) {
      if (n > 0) result.output.append(buffer, n);
    }
  });
  absl::StatusOr<int> code = WaitPid(*pid, absl::Now() + timeout);
  if (!code.ok()) {
    kill(*pid, SIGKILL);
    int wait_status = 0;
    waitpid(*pid, &wait_status, 0);
  }
  reader.join();
  close(fds[0]);
  if (!code.ok()) return code.status();
  result.exit_code = *code;
  return result;
}

}  // namespace shopml::server::testing
