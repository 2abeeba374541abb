// WorkPool: a fixed set of threads that run admitted calls' work in order of
// arrival. gRPC 1.51 runs callback handlers on a few threads of its own;
// when the handlers do the work there, calls beyond those threads wait
// inside gRPC, where no limit can see or refuse them. Handing the work to a
// pool keeps gRPC's threads free to admit or refuse each new call at once;
// the admission permits bound what waits here. The pool's threads can run
// at a lower CPU priority than gRPC's, so that on a saturated machine
// refusing a call and answering a health check do not wait behind admitted
// work. Linux threads inherit their creator's nice value, so a gRPC thread
// first started from a pool thread would run at the pool's priority too; on
// a server under load, gRPC's executor, event-engine and timer threads were
// all seen at nice 0.
//
// Thread safety: Schedule may be called from any thread. The destructor runs
// what is queued, then joins the threads.
#ifndef SHOPML_SERVER_WORK_POOL_H_
#define SHOPML_SERVER_WORK_POOL_H_

#include <deque>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"

namespace shopml::server {

class WorkPool {
 public:
  // `nice_increment` raises each thread's nice value (see
  // LowerCurrentThreadPriority); 0 keeps the creator's priority.
  // REQUIRES: threads >= 1.
  explicit WorkPool(int threads, int nice_increment = 0);
  ~WorkPool();
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  void Schedule(absl::AnyInvocable<void() &&> work);

 private:
  void Loop();
  bool HasWorkOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  absl::CondVar wake_;  // Signalled on new work and on stopping.
  std::deque<absl::AnyInvocable<void() &&>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace shopml::server

#endif  // SHOPML_SERVER_WORK_POOL_H_
