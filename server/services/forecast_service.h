// ForecastServiceImpl: shopml.v1.ForecastService. The handler validates the
// request, forecasts with Forecaster and finishes with the converted status
// while recording the call's metrics. A series the current bundle stores a
// model for is answered with it (ModelRef.version is the bundle's); any other
// is fitted at request time on the store's current sales (version "live"),
// its model chosen within forecast_fit_ms or three quarters of the time left
// before the call's deadline, whichever ends first. No bundle is needed. A
// call whose client has already gone is finished with CANCELLED before any
// work.
//
// Thread safety: handlers run concurrently on gRPC's callback threads.
#ifndef SHOPML_SERVER_SERVICES_FORECAST_SERVICE_H_
#define SHOPML_SERVER_SERVICES_FORECAST_SERVICE_H_

#include "absl/status/status.h"
#include "server/forecaster.h"
#include "server/metrics.h"
#include "server/service_context.h"
#include "shopml/v1/forecast_service.grpc.pb.h"

namespace shopml::server {

class ForecastServiceImpl final : public v1::ForecastService::CallbackService {
 public:
  // REQUIRES: every member of `ctx` is set and outlives the service.
  explicit ForecastServiceImpl(const ServiceContext& ctx);

  grpc::ServerUnaryReactor* Forecast(grpc::CallbackServerContext* context,
                                     const v1::ForecastRequest* request,
                                     v1::ForecastResponse* response) override;

 private:
  // When the automatic model choice must end: forecast_fit_ms from now, or
  // sooner for a closer call deadline.
  absl::Time ChoiceDeadline(const grpc::CallbackServerContext& context) const;
  absl::Status DoForecast(const v1::ForecastRequest& request,
                          absl::Time choice_deadline,
                          v1::ForecastResponse* response);

  const ServiceContext ctx_;
  const Forecaster forecaster_;
  RpcMetrics* const forecast_rpc_;
};

}  // namespace shopml::server

#endif  // SHOPML_SERVER_SERVICES_FORECAST_SERVICE_H_
