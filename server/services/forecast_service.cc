#include "server/services/forecast_service.h"

#include <memory>
#include <string>

#include "core/util/status_macros.h"
#include "server/services/forecast_requests.h"
#include "server/status_util.h"

namespace shopml::server {

ForecastServiceImpl::ForecastServiceImpl(const ServiceContext& ctx)
    : ctx_(ctx),
      forecaster_(*ctx.store),
      forecast_rpc_(ctx.metrics->Rpc(v1::ForecastService::service_full_name(),
                                     "Forecast")) {}

grpc::ServerUnaryReactor* ForecastServiceImpl::Forecast(
    grpc::CallbackServerContext* context, const v1::ForecastRequest* request,
    v1::ForecastResponse* response) {
  RpcScope scope(forecast_rpc_);
  const absl::Status status =
      context->IsCancelled()
          ? absl::CancelledError("the call was cancelled before it started")
          : DoForecast(*request, response);
  return FinishUnary(context, status, scope);
}

absl::Status ForecastServiceImpl::DoForecast(const v1::ForecastRequest& request,
                                             v1::ForecastResponse* response) {
  SHOPML_ASSIGN_OR_RETURN(ForecastQuery query,
                          ParseForecastRequest(request, *ctx_.config));
  SHOPML_ASSIGN_OR_RETURN(*response,
                          forecaster_.Forecast(query, kLiveModelVersion));
  return absl::OkStatus();
}

}  // namespace shopml::server
