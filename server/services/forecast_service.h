// ForecastServiceImpl: shopml.v1.ForecastService. The handler validates the
// request, forecasts with Forecaster and finishes with the converted status
// while recording the call's metrics. The seasonal naive forecast is fitted
// at request time on the store's current sales and needs no model bundle, so
// ModelRef.version is always "live" (the bundle's version would claim a
// provenance the forecast does not have). A call whose client has already gone
// is finished with CANCELLED before any work.
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

// ModelRef.version of a forecast fitted at request time.
inline constexpr char kLiveModelVersion[] = "live";

class ForecastServiceImpl final : public v1::ForecastService::CallbackService {
 public:
  // REQUIRES: every member of `ctx` is set and outlives the service.
  explicit ForecastServiceImpl(const ServiceContext& ctx);

  grpc::ServerUnaryReactor* Forecast(grpc::CallbackServerContext* context,
                                     const v1::ForecastRequest* request,
                                     v1::ForecastResponse* response) override;

 private:
  absl::Status DoForecast(const v1::ForecastRequest& request,
                          v1::ForecastResponse* response);

  const ServiceContext ctx_;
  const Forecaster forecaster_;
  RpcMetrics* const forecast_rpc_;
};

}  // namespace shopml::server

#endif  // SHOPML_SERVER_SERVICES_FORECAST_SERVICE_H_
