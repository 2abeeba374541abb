#include "server/call_gate.h"

#include <algorithm>
#include <thread>
#include <utility>

#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/registry.h"
#include "server/status_util.h"

namespace shopml::server {
namespace {

// Nice increment of the work pools' threads: weight 335 against gRPC's
// threads' 1024 on Linux, so a runnable gRPC thread gets about three times
// the CPU share of a worker; the model manager's loads run at +10.
constexpr int kWorkNice = 5;

AdmissionLimits Limits(const ServerConfig& config) {
  AdmissionLimits limits;
  limits.max_inflight[static_cast<int>(CallClass::kRead)] =
      config.max_inflight_reads;
  limits.max_inflight[static_cast<int>(CallClass::kForecast)] =
      config.max_inflight_forecasts;
  limits.max_inflight[static_cast<int>(CallClass::kWrite)] =
      config.max_inflight_writes;
  limits.max_requests_per_second = config.max_requests_per_second;
  return limits;
}

}  // namespace

absl::StatusOr<std::unique_ptr<CallGate>> CallGate::Create(
    const ServerConfig& config, bool tls, Metrics* metrics) {
  std::shared_ptr<const TokenSet> tokens;
  if (!config.auth_tokens_file.empty()) {
    absl::StatusOr<std::shared_ptr<const TokenSet>> loaded =
        TokenSet::Load(config.auth_tokens_file);
    if (!loaded.ok()) return loaded.status();
    tokens = *std::move(loaded);
  }
  return std::unique_ptr<CallGate>(
      new CallGate(config, tls, std::move(tokens), metrics));
}

CallGate::CallGate(const ServerConfig& config, bool tls,
                   std::shared_ptr<const TokenSet> tokens, Metrics* metrics)
    : tokens_(std::move(tokens)),
      tls_(tls),
      auth_required_for_reads_(config.auth_required_for_reads),
      admission_(Limits(config), [this](RejectReason reason) {
        rejected_[static_cast<int>(reason)]->Increment();
      }) {
  auto& family =
      prometheus::BuildCounter()
          .Name("shopml_rejected_requests_total")
          .Help(
              "Calls refused before any work, by the limit that refused "
              "them (its setting name) or \"unauthenticated\".")
          .Register(metrics->registry());
  for (int i = 0; i < kNumRejectReasons; ++i) {
    rejected_[i] = &family.Add(
        {{"reason", RejectReasonName(static_cast<RejectReason>(i))}});
  }
  unauthenticated_ = &family.Add({{"reason", "unauthenticated"}});
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  // Admitted work runs below gRPC's threads (nice +kWorkNice), which take
  // every call first: under overload they still refuse the excess and answer
  // health checks at once instead of waiting for a core.
  pools_[static_cast<int>(CallClass::kRead)] =
      std::make_unique<WorkPool>(std::max(2, cores), kWorkNice);
  pools_[static_cast<int>(CallClass::kForecast)] =
      std::make_unique<WorkPool>(std::max(1, cores), kWorkNice);
  pools_[static_cast<int>(CallClass::kWrite)] =
      std::make_unique<WorkPool>(4, kWorkNice);
}

grpc::ServerUnaryReactor* CallGate::Dispatch(
    grpc::CallbackServerContext* context, CallClass call_class,
    RpcMetrics* metrics, absl::AnyInvocable<absl::Status() &&> work) {
  auto scope = std::make_unique<RpcScope>(metrics);
  absl::StatusOr<AdmissionControl::Permit> permit = Enter(*context, call_class);
  if (!permit.ok()) return FinishUnary(context, permit.status(), *scope);
  // DefaultReactor may be taken only once per call: here, not in the work.
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  pools_[static_cast<int>(call_class)]->Schedule(
      [reactor, scope = std::move(scope), permit = *std::move(permit),
       work = std::move(work)]() mutable {
        grpc::Status status = ToGrpcStatus(std::move(work)());
        scope->Finish(status);
        reactor->Finish(std::move(status));
      });
  return reactor;
}

std::shared_ptr<grpc::AuthMetadataProcessor> CallGate::Processor() const {
  if (tokens_ == nullptr || !tls_) return nullptr;
  return std::make_shared<TokenAuthProcessor>(tokens_);
}

bool CallGate::NeedsToken(CallClass call_class) const {
  if (tokens_ == nullptr) return false;
  return call_class == CallClass::kWrite || auth_required_for_reads_;
}

bool CallGate::HasValidToken(const grpc::CallbackServerContext& context) const {
  if (tls_) {
    const std::shared_ptr<const grpc::AuthContext> auth =
        context.auth_context();
    return auth != nullptr && !auth->FindPropertyValues(kTokenProperty).empty();
  }
  bool valid = false;
  const auto [begin, end] =
      context.client_metadata().equal_range(kAuthorizationKey);
  for (auto it = begin; it != end; ++it) {
    valid = tokens_->AcceptsHeader(
                absl::string_view(it->second.data(), it->second.size())) ||
            valid;
  }
  return valid;
}

absl::StatusOr<AdmissionControl::Permit> CallGate::Enter(
    const grpc::CallbackServerContext& context, CallClass call_class) {
  if (NeedsToken(call_class) && !HasValidToken(context)) {
    unauthenticated_->Increment();
    return absl::UnauthenticatedError(
        "authorization: this call needs a valid `authorization: Bearer "
        "<token>` header");
  }
  return admission_.Admit(call_class);
}

}  // namespace shopml::server
