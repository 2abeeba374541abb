// AdmissionControl: decides at once whether a call may run, so an overloaded
// server refuses the excess in microseconds instead of queueing it until
// every call is late.
//
// Two limits, checked in this order:
//   1. in flight: at most `max_inflight` calls of one CallClass run at once
//      (0: no limit);
//   2. rate: at most `max_requests_per_second` calls are admitted per second
//      over all classes, from a token bucket that refills continuously and
//      holds one second's worth (0: no limit).
// A refused call costs nothing else: no slot and no token stays taken.
//
// Thread safety: safe to share; Admit may be called concurrently. A Permit
// belongs to one call and is released (destroyed) on any thread.
#ifndef SHOPML_SERVER_ADMISSION_H_
#define SHOPML_SERVER_ADMISSION_H_

#include <array>
#include <atomic>
#include <functional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace shopml::server {

// What a call costs. Health and reflection are never classed: they are
// always admitted.
enum class CallClass {
  kRead,      // Recommend, SimilarItems, Score.
  kForecast,  // Forecast: may choose and fit a model on the request.
  kWrite,     // IngestService, ModelService and StoreService.
};
inline constexpr int kNumCallClasses = 3;

// "reads", "forecasts", "writes".
const char* CallClassName(CallClass call_class);

struct AdmissionLimits {
  // Most calls running at once, indexed by CallClass; 0: no limit.
  std::array<int, kNumCallClasses> max_inflight = {0, 0, 0};
  // Calls admitted per second over all classes; 0: no limit.
  int max_requests_per_second = 0;
};

// Why a call was refused; the label of shopml_rejected_requests_total.
enum class RejectReason {
  kInflightReads,
  kInflightForecasts,
  kInflightWrites,
  kRate,
};
inline constexpr int kNumRejectReasons = 4;
// "max_inflight_reads", ..., "max_requests_per_second": the setting's name.
const char* RejectReasonName(RejectReason reason);

class AdmissionControl {
 public:
  // A slot of one class, released when destroyed. Move-only; an empty
  // (moved-from) permit releases nothing.
  class Permit {
   public:
    Permit() = default;
    Permit(Permit&& other) noexcept;
    Permit& operator=(Permit&& other) noexcept;
    ~Permit();

   private:
    friend class AdmissionControl;
    explicit Permit(std::atomic<int>* inflight) : inflight_(inflight) {}
    std::atomic<int>* inflight_ = nullptr;
  };

  // `on_reject` (may be empty) is called once per refused call, e.g. to
  // count it; it must be cheap and thread-safe.
  AdmissionControl(const AdmissionLimits& limits,
                   std::function<void(RejectReason)> on_reject);

  // A permit, or ResourceExhausted naming the limit, e.g.
  // "max_inflight_reads: 64 calls of this kind are running; retry later".
  absl::StatusOr<Permit> Admit(CallClass call_class);

  // Calls of `call_class` running now.
  int inflight(CallClass call_class) const;

 private:
  bool TakeToken();

  const AdmissionLimits limits_;
  const std::function<void(RejectReason)> on_reject_;
  std::array<std::atomic<int>, kNumCallClasses> inflight_{};

  absl::Mutex bucket_mu_;
  double tokens_ ABSL_GUARDED_BY(bucket_mu_) = 0;
  absl::Time refilled_ ABSL_GUARDED_BY(bucket_mu_);
};

}  // namespace shopml::server

#endif  // SHOPML_SERVER_ADMISSION_H_
