#include "server/background_worker.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace shopml::server {
namespace {

using ::testing::ElementsAre;

int ThreadNice() {
  return getpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)));
}

TEST(BackgroundWorkerTest, RunsJobsInOrderOnALowerPriorityThread) {
  const int caller_nice = ThreadNice();
  const std::thread::id caller = std::this_thread::get_id();
  absl::Mutex mu;
  std::vector<int> order;
  std::vector<int> nice;
  bool other_thread = true;
  {
    BackgroundWorker worker(/*nice_increment=*/5);
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(worker.Post([&, i] {
        absl::MutexLock lock(&mu);
        order.push_back(i);
        nice.push_back(ThreadNice());
        other_thread = other_thread && std::this_thread::get_id() != caller;
      }));
    }
  }  // The destructor runs what is queued.
  EXPECT_THAT(order, ElementsAre(0, 1, 2));
  EXPECT_TRUE(other_thread);
  const int want = std::min(caller_nice + 5, 19);
  EXPECT_THAT(nice, ElementsAre(want, want, want));
  // The caller's own priority is untouched.
  EXPECT_EQ(ThreadNice(), caller_nice);
}

TEST(BackgroundWorkerTest, PostAfterStopFails) {
  BackgroundWorker worker;
  worker.Stop();
  bool ran = false;
  EXPECT_FALSE(worker.Post([&] { ran = true; }));
  worker.Stop();  // Idempotent.
  EXPECT_FALSE(ran);
}

TEST(BackgroundWorkerTest, StopFromAJobDoesNotDeadlock) {
  BackgroundWorker worker;
  absl::Notification done;
  ASSERT_TRUE(worker.Post([&] {
    worker.Stop();
    done.Notify();
  }));
  EXPECT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(10)));
}

}  // namespace
}  // namespace shopml::server
