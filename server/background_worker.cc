#include "server/background_worker.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

namespace shopml::server {

void LowerCurrentThreadPriority(int increment) {
  const id_t tid = static_cast<id_t>(syscall(SYS_gettid));
  errno = 0;
  const int current = getpriority(PRIO_PROCESS, tid);
  if (current == -1 && errno != 0) return;
  // Failure leaves the priority as it was, which is harmless.
  (void)setpriority(PRIO_PROCESS, tid, current + increment);
}

BackgroundWorker::BackgroundWorker(int nice_increment)
    : thread_([this, nice_increment] {
        LowerCurrentThreadPriority(nice_increment);
        Loop();
      }) {}

BackgroundWorker::~BackgroundWorker() { Stop(); }

bool BackgroundWorker::Post(std::function<void()> job) {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return false;
    jobs_.push_back(std::move(job));
  }
  wake_.Signal();
  return true;
}

void BackgroundWorker::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  wake_.SignalAll();
  if (!thread_.joinable()) return;
  // A job stopping its own worker: the loop ends after the job returns and
  // the destructor joins it.
  if (thread_.get_id() == std::this_thread::get_id()) return;
  thread_.join();
}

void BackgroundWorker::Loop() {
  while (true) {
    std::function<void()> job;
    {
      absl::MutexLock lock(&mu_);
      // A CondVar loop rather than Mutex::Await, as in WorkPool::Loop: the
      // predicate runs under the lock where ThreadSanitizer sees it.
      while (!stopping_ && jobs_.empty()) wake_.Wait(&mu_);
      if (jobs_.empty()) return;  // Stopping, and nothing left to run.
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

}  // namespace shopml::server
