// BackgroundWorker: one thread, at a lower CPU priority than the request
// threads, that runs posted jobs in order. The model manager loads bundles
// and destroys retired ones on it, so that neither competes on equal terms
// with requests for the CPU nor occupies one of gRPC's few callback threads
// (two on a two-core machine) for the length of a load.
//
// Thread safety: Post and Stop may be called from any thread; Stop from a
// job returns without joining its own thread. The worker must not be
// destroyed by one of its own jobs.
#ifndef SHOPML_SERVER_BACKGROUND_WORKER_H_
#define SHOPML_SERVER_BACKGROUND_WORKER_H_

#include <deque>
#include <functional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace shopml::server {

// Raises the calling thread's nice value by `increment` (Linux threads have
// their own). Lowering the priority needs no privilege; failures are
// ignored, the thread then keeps its priority.
void LowerCurrentThreadPriority(int increment);

class BackgroundWorker {
 public:
  // Nice increment of the worker thread. Default of the constructor: 10.
  explicit BackgroundWorker(int nice_increment = 10);
  // Stop().
  ~BackgroundWorker();
  BackgroundWorker(const BackgroundWorker&) = delete;
  BackgroundWorker& operator=(const BackgroundWorker&) = delete;

  // Queues `job`; false (job not queued) once Stop has been called.
  bool Post(std::function<void()> job);
  // Runs the jobs already queued, then ends the thread and joins it. Later
  // Posts fail. Idempotent.
  void Stop();

 private:
  void Loop();

  absl::Mutex mu_;
  absl::CondVar wake_;  // Signalled on a new job and on stopping.
  std::deque<std::function<void()>> jobs_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace shopml::server

#endif  // SHOPML_SERVER_BACKGROUND_WORKER_H_
