// Validation of ForecastService requests and their conversion to the plain
// query of Forecaster, defaults resolved (levels [80, 95], service level 95,
// daily frequency). Every error is InvalidArgument naming the field, e.g.
// "horizon: must be in [1, 366], got 0" or "levels[1]: must be in (0, 100),
// got 100".
//
// Thread safety: stateless functions; safe from any thread.
#ifndef SHOPML_SERVER_SERVICES_FORECAST_REQUESTS_H_
#define SHOPML_SERVER_SERVICES_FORECAST_REQUESTS_H_

#include "absl/status/statusor.h"
#include "server/config.h"
#include "server/forecaster.h"
#include "shopml/v1/forecast_service.pb.h"

namespace shopml::server {

// Most prediction-interval levels per request.
inline constexpr int kMaxLevels = 5;
// Service level, in percent, when the request leaves it 0.
inline constexpr double kDefaultServiceLevel = 95;

absl::StatusOr<ForecastQuery> ParseForecastRequest(
    const v1::ForecastRequest& request, const ServerConfig& config);

}  // namespace shopml::server

#endif  // SHOPML_SERVER_SERVICES_FORECAST_REQUESTS_H_
