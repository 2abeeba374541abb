// `shopml forecast-evaluate --store=DIR [...]`: rolling-origin evaluation of
// the forecasting models on the store's sales series
// (server/forecast_evaluation.h): MASE, RMSSE, sMAPE and interval coverage
// per model, overall and by demand pattern, against seasonal naive; JSON on
// request, and the planted-structure report with the demo's
// truth_series.csv. The store is opened read-only.
#ifndef SHOPML_SERVER_COMMANDS_FORECAST_EVALUATE_COMMAND_H_
#define SHOPML_SERVER_COMMANDS_FORECAST_EVALUATE_COMMAND_H_

#include <string>
#include <vector>

namespace shopml::server {

// `args` are the arguments after "forecast-evaluate". Returns the exit code:
// 0 on success, 1 when evaluation or writing fails, 2 for bad flags.
int RunForecastEvaluateCommand(const std::vector<std::string>& args);

}  // namespace shopml::server

#endif  // SHOPML_SERVER_COMMANDS_FORECAST_EVALUATE_COMMAND_H_
