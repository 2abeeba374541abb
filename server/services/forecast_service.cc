#include "server/services/forecast_service.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>

#include "core/util/status_macros.h"
#include "server/call_gate.h"
#include "server/cancellation.h"
#include "server/services/forecast_requests.h"

namespace shopml::server {

ForecastServiceImpl::ForecastServiceImpl(const ServiceContext& ctx)
    : ctx_(ctx),
      forecaster_(*ctx.store),
      forecast_rpc_(ctx.metrics->Rpc(v1::ForecastService::service_full_name(),
                                     "Forecast")) {}

grpc::ServerUnaryReactor* ForecastServiceImpl::Forecast(
    grpc::CallbackServerContext* context, const v1::ForecastRequest* request,
    v1::ForecastResponse* response) {
  return ctx_.gate->Dispatch(
      context, CallClass::kForecast, forecast_rpc_,
      [this, context, request, response] {
        absl::Status status = AbandonedStatus(*context, "before it started");
        if (status.ok()) {
          status = DoForecast(*request, ChoiceDeadline(*context), response);
        }
        if (IsAbandoned(status)) ctx_.metrics->RecordCancelledWork();
        return status;
      });
}

absl::Time ForecastServiceImpl::ChoiceDeadline(
    const grpc::CallbackServerContext& context) const {
  const absl::Time now = absl::Now();
  absl::Duration budget = absl::Milliseconds(ctx_.config->forecast_fit_ms);
  const auto deadline = context.deadline();
  if (deadline != std::chrono::system_clock::time_point::max()) {
    // The final fit after the choice costs about one candidate's fit: keep a
    // quarter of the time left for it and the answer.
    budget = std::min(budget, (absl::FromChrono(deadline) - now) * 0.75);
  }
  return now + budget;
}

absl::Status ForecastServiceImpl::DoForecast(const v1::ForecastRequest& request,
                                             absl::Time choice_deadline,
                                             v1::ForecastResponse* response) {
  SHOPML_ASSIGN_OR_RETURN(ForecastQuery query,
                          ParseForecastRequest(request, *ctx_.config));
  const std::shared_ptr<const core::ModelBundle> bundle =
      ctx_.models->Current();
  SHOPML_ASSIGN_OR_RETURN(
      *response, forecaster_.Forecast(query, bundle.get(), choice_deadline));
  return absl::OkStatus();
}

}  // namespace shopml::server
