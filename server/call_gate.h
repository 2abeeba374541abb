// CallGate: the checks every shopml.v1 handler makes before any work, in
// this order:
//
//   1. authentication: when tokens are configured, IngestService and
//      ModelService calls (and RecommendationService and ForecastService
//      calls with auth_required_for_reads) need a valid bearer token, or get
//      UNAUTHENTICATED "authorization: ..." (the token is never quoted);
//   2. admission (AdmissionControl): RESOURCE_EXHAUSTED naming the limit.
//
// A refused call does nothing else, in particular no write. Refusals are
// counted in shopml_rejected_requests_total{reason}: the limit's setting
// name, or "unauthenticated".
//
// Where the token comes from: on a TLS port TokenAuthProcessor has already
// checked and consumed the `authorization` metadata and left kTokenProperty
// in the AuthContext. gRPC 1.51 cannot run an AuthMetadataProcessor on a
// plaintext port (it aborts), so there the gate checks the metadata itself;
// the handler's logic still never reads it. Tokens on a plaintext port cross
// the network in clear: use TLS wherever the network is not trusted.
//
// Admitted calls run on a WorkPool per call class (work_pool.h), so gRPC's
// own threads stay free to refuse the excess at once. Health and reflection
// do not pass through the gate.
//
// Thread safety: safe to share; Enter may be called concurrently.
#ifndef SHOPML_SERVER_CALL_GATE_H_
#define SHOPML_SERVER_CALL_GATE_H_

#include <array>
#include <memory>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "grpcpp/grpcpp.h"
#include "server/admission.h"
#include "server/config.h"
#include "server/metrics.h"
#include "server/token_auth.h"
#include "server/work_pool.h"

namespace prometheus {
class Counter;
}  // namespace prometheus

namespace shopml::server {

class CallGate {
 public:
  // From the auth and limit settings. `tls`: whether the gRPC port uses TLS
  // (then Processor() must be set on its credentials). Errors of
  // TokenSet::Load.
  static absl::StatusOr<std::unique_ptr<CallGate>> Create(
      const ServerConfig& config, bool tls, Metrics* metrics);

  // The processor to set on the TLS credentials; null when no tokens are
  // configured or the port is plaintext.
  std::shared_ptr<grpc::AuthMetadataProcessor> Processor() const;

  // A permit to hold until the call finishes, or UNAUTHENTICATED /
  // RESOURCE_EXHAUSTED.
  absl::StatusOr<AdmissionControl::Permit> Enter(
      const grpc::CallbackServerContext& context, CallClass call_class);

  // Runs one unary call: Enter, then `work` on the call class's WorkPool,
  // then finishes the call with work's status, recording it in `metrics`. A
  // refused call is finished at once on the calling (gRPC) thread. Returns
  // the reactor for the handler to return. Pools: reads and forecasts get
  // one thread per core (at least 2 and 1), writes 4 (they wait on fsync).
  grpc::ServerUnaryReactor* Dispatch(
      grpc::CallbackServerContext* context, CallClass call_class,
      RpcMetrics* metrics, absl::AnyInvocable<absl::Status() &&> work);

  AdmissionControl& admission() { return admission_; }

 private:
  CallGate(const ServerConfig& config, bool tls,
           std::shared_ptr<const TokenSet> tokens, Metrics* metrics);

  bool NeedsToken(CallClass call_class) const;
  bool HasValidToken(const grpc::CallbackServerContext& context) const;

  const std::shared_ptr<const TokenSet> tokens_;  // Null: no auth.
  const bool tls_;
  const bool auth_required_for_reads_;
  std::array<prometheus::Counter*, kNumRejectReasons> rejected_{};
  prometheus::Counter* unauthenticated_ = nullptr;
  AdmissionControl admission_;
  std::array<std::unique_ptr<WorkPool>, kNumCallClasses> pools_;
};

}  // namespace shopml::server

#endif  // SHOPML_SERVER_CALL_GATE_H_
