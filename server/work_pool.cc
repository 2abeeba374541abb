#include "server/work_pool.h"

#include <utility>

#include "server/background_worker.h"

namespace shopml::server {

WorkPool::WorkPool(int threads, int nice_increment) {
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back([this, nice_increment] {
      if (nice_increment > 0) LowerCurrentThreadPriority(nice_increment);
      Loop();
    });
  }
}

WorkPool::~WorkPool() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  wake_.SignalAll();
  for (std::thread& thread : threads_) thread.join();
}

void WorkPool::Schedule(absl::AnyInvocable<void() &&> work) {
  {
    absl::MutexLock lock(&mu_);
    queue_.push_back(std::move(work));
  }
  wake_.Signal();
}

bool WorkPool::HasWorkOrStopping() const {
  return stopping_ || !queue_.empty();
}

void WorkPool::Loop() {
  while (true) {
    absl::AnyInvocable<void() &&> work;
    {
      absl::MutexLock lock(&mu_);
      // A CondVar loop rather than Mutex::Await: the predicate runs here,
      // under the lock, where ThreadSanitizer sees it (Debian's abseil is not
      // instrumented, and Await evaluates conditions inside the library).
      while (!HasWorkOrStopping()) wake_.Wait(&mu_);
      if (queue_.empty()) return;  // Stopping, and nothing left to run.
      work = std::move(queue_.front());
      queue_.pop_front();
    }
    std::move(work)();
  }
}

}  // namespace shopml::server
