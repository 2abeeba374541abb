#include "server/admission.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace shopml::server {
namespace {

RejectReason InflightReason(CallClass call_class) {
  switch (call_class) {
    case CallClass::kRead:
      return RejectReason::kInflightReads;
    case CallClass::kForecast:
      return RejectReason::kInflightForecasts;
    case CallClass::kWrite:
      return RejectReason::kInflightWrites;
  }
  return RejectReason::kInflightReads;
}

}  // namespace

const char* CallClassName(CallClass call_class) {
  switch (call_class) {
    case CallClass::kRead:
      return "reads";
    case CallClass::kForecast:
      return "forecasts";
    case CallClass::kWrite:
      return "writes";
  }
  return "unknown";
}

const char* RejectReasonName(RejectReason reason) {
  switch (reason) {
    case RejectReason::kInflightReads:
      return "max_inflight_reads";
    case RejectReason::kInflightForecasts:
      return "max_inflight_forecasts";
    case RejectReason::kInflightWrites:
      return "max_inflight_writes";
    case RejectReason::kRate:
      return "max_requests_per_second";
  }
  return "unknown";
}

AdmissionControl::Permit::Permit(Permit&& other) noexcept
    : inflight_(std::exchange(other.inflight_, nullptr)) {}

AdmissionControl::Permit& AdmissionControl::Permit::operator=(
    Permit&& other) noexcept {
  if (this != &other) {
    if (inflight_ != nullptr) inflight_->fetch_sub(1);
    inflight_ = std::exchange(other.inflight_, nullptr);
  }
  return *this;
}

AdmissionControl::Permit::~Permit() {
  if (inflight_ != nullptr) inflight_->fetch_sub(1);
}

AdmissionControl::AdmissionControl(const AdmissionLimits& limits,
                                   std::function<void(RejectReason)> on_reject)
    : limits_(limits), on_reject_(std::move(on_reject)) {
  absl::MutexLock lock(&bucket_mu_);
  tokens_ = limits_.max_requests_per_second;
  refilled_ = absl::Now();
}

absl::StatusOr<AdmissionControl::Permit> AdmissionControl::Admit(
    CallClass call_class) {
  const int index = static_cast<int>(call_class);
  const int limit = limits_.max_inflight[index];
  std::atomic<int>& inflight = inflight_[index];
  // Taken first and given back on refusal, so concurrent callers never pass
  // the limit together.
  Permit permit(&inflight);
  if (inflight.fetch_add(1) >= limit && limit > 0) {
    const RejectReason reason = InflightReason(call_class);
    if (on_reject_) on_reject_(reason);
    return absl::ResourceExhaustedError(
        absl::StrCat(RejectReasonName(reason), ": ", limit, " ",
                     CallClassName(call_class), " are running; retry later"));
  }
  if (!TakeToken()) {
    if (on_reject_) on_reject_(RejectReason::kRate);
    return absl::ResourceExhaustedError(absl::StrCat(
        "max_requests_per_second: more than ", limits_.max_requests_per_second,
        " calls per second; retry later"));
  }
  return permit;
}

int AdmissionControl::inflight(CallClass call_class) const {
  return inflight_[static_cast<int>(call_class)].load();
}

bool AdmissionControl::TakeToken() {
  const int rate = limits_.max_requests_per_second;
  if (rate <= 0) return true;
  const absl::Time now = absl::Now();
  absl::MutexLock lock(&bucket_mu_);
  tokens_ = std::min<double>(
      rate, tokens_ + absl::ToDoubleSeconds(now - refilled_) * rate);
  refilled_ = std::max(refilled_, now);
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

}  // namespace shopml::server
