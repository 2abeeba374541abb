#include "core/util/parallel_for.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <new>
#include <system_error>
#include <thread>
#include <vector>

namespace shopml::core {

absl::Status ParallelFor(size_t n, size_t grain, int threads,
                         absl::FunctionRef<void(size_t, size_t)> fn) {
  grain = std::max<size_t>(grain, 1);
  const size_t num_blocks = (n + grain - 1) / grain;
  std::atomic<size_t> next_block{0};
  // 0 while fine; else the first failure: 1 out of memory, 2 anything else.
  std::atomic<int> failure{0};
  auto work = [&] {
    for (;;) {
      if (failure.load(std::memory_order_relaxed) != 0) return;
      const size_t block = next_block.fetch_add(1, std::memory_order_relaxed);
      if (block >= num_blocks) return;
      const size_t begin = block * grain;
      // Exceptions cannot leave a thread; record them for the caller.
      try {
        fn(begin, std::min(n, begin + grain));
      } catch (const std::bad_alloc&) {
        int expected = 0;
        failure.compare_exchange_strong(expected, 1);
      } catch (...) {
        int expected = 0;
        failure.compare_exchange_strong(expected, 2);
      }
    }
  };

  const size_t wanted = std::min<size_t>(std::max(threads, 1), num_blocks);
  std::vector<std::thread> helpers;
  try {
    helpers.reserve(wanted > 0 ? wanted - 1 : 0);
    for (size_t t = 1; t < wanted; ++t) helpers.emplace_back(work);
  } catch (const std::exception&) {
    // std::system_error (no more threads) or std::bad_alloc: the threads
    // started so far, and this one, take the remaining blocks.
  }
  work();
  for (std::thread& t : helpers) t.join();

  switch (failure.load()) {
    case 0:
      return absl::OkStatus();
    case 1:
      return absl::ResourceExhaustedError("out of memory in a parallel loop");
    default:
      return absl::InternalError("unexpected exception in a parallel loop");
  }
}

}  // namespace shopml::core
