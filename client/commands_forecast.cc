// shopml-cli forecast: the ForecastService call.
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "client/command.h"
#include "client/table.h"
#include "shopml/v1/forecast_service.grpc.pb.h"

namespace shopml::client {
namespace {

absl::StatusOr<v1::ForecastRequest> BuildForecastRequest(
    const ParsedFlags& flags) {
  v1::ForecastRequest request;
  absl::StatusOr<std::string> series = flags.Required("series");
  if (!series.ok()) return series.status();
  absl::StatusOr<int> horizon = flags.Int("horizon", 14);
  if (!horizon.ok()) return horizon.status();
  absl::StatusOr<std::vector<double>> levels = flags.DoubleList("levels");
  if (!levels.ok()) return levels.status();
  absl::StatusOr<int> lead_time = flags.Int("lead-time", 0);
  if (!lead_time.ok()) return lead_time.status();
  absl::StatusOr<double> service_level = flags.Double("service-level", 0);
  if (!service_level.ok()) return service_level.status();
  if (flags.Has("service-level") && !flags.Has("lead-time")) {
    return absl::InvalidArgumentError(
        "--service-level: needs --lead-time for an inventory suggestion");
  }
  const std::string frequency = flags.String("frequency", "daily");
  if (frequency == "daily") {
    request.set_frequency(v1::FREQUENCY_DAILY);
  } else if (frequency == "weekly") {
    request.set_frequency(v1::FREQUENCY_WEEKLY);
  } else if (frequency == "monthly") {
    request.set_frequency(v1::FREQUENCY_MONTHLY);
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("--frequency: must be daily, weekly or monthly, got \"",
                     frequency, "\""));
  }
  request.set_model(flags.String("model", ""));
  request.set_series_id(*series);
  request.set_horizon(*horizon);
  for (double level : *levels) request.add_levels(level);
  request.set_lead_time_periods(*lead_time);
  request.set_service_level(*service_level);
  return request;
}

// "95" for 95, "97.5" for 97.5.
std::string LevelLabel(double level) { return absl::StrFormat("%g", level); }

void PrintForecast(const v1::ForecastResponse& response, std::ostream& out) {
  std::vector<Table::Column> columns = {{"period"},
                                        {"mean", Table::Align::kRight}};
  std::vector<double> levels;
  if (!response.points().empty()) {
    for (const v1::PredictionInterval& interval :
         response.points(0).intervals()) {
      levels.push_back(interval.level());
      const std::string label = LevelLabel(interval.level());
      columns.push_back({"lo" + label, Table::Align::kRight});
      columns.push_back({"hi" + label, Table::Align::kRight});
    }
  }
  Table table(columns);
  for (const v1::ForecastPoint& point : response.points()) {
    std::vector<std::string> row = {point.period_start(),
                                    FormatFixed(point.mean(), 2)};
    for (const v1::PredictionInterval& interval : point.intervals()) {
      row.push_back(FormatFixed(interval.lower(), 2));
      row.push_back(FormatFixed(interval.upper(), 2));
    }
    table.AddRow(std::move(row));
  }
  table.Print(out);
  out << DescribeModel(response.model()) << " (" << response.model_family()
      << ", "
      << (response.model_source() == v1::MODEL_SOURCE_STORED
              ? "stored structure"
              : "fitted on request")
      << "); "
      << EnumLabel(v1::Frequency_Name(response.frequency()), "FREQUENCY_")
      << " periods; fitted on " << response.history_periods()
      << " periods of history\n";
  if (response.has_inventory()) {
    const v1::InventorySuggestion& inventory = response.inventory();
    out << absl::StrFormat(
        "inventory: lead time %d periods, service level %s%%: lead-time "
        "demand %.2f, safety stock %.2f, reorder point %.2f\n",
        inventory.lead_time_periods(), LevelLabel(inventory.service_level()),
        inventory.lead_time_demand(), inventory.safety_stock(),
        inventory.reorder_point());
  }
  for (const std::string& note : response.notes()) {
    out << "note: " << note << "\n";
  }
}

int RunForecast(CommandContext& context) {
  absl::StatusOr<v1::ForecastRequest> request =
      BuildForecastRequest(context.flags());
  if (!request.ok()) return context.UsageError(request.status());
  auto stub = v1::ForecastService::NewStub(context.channel());
  return RunUnary<v1::ForecastResponse>(
      context,
      [&](grpc::ClientContext* client, v1::ForecastResponse* response) {
        return stub->Forecast(client, *request, response);
      },
      PrintForecast);
}

}  // namespace

std::vector<Command> ForecastCommands() {
  return {Command{
      "forecast",
      "--series=S [--horizon=14] [--frequency=daily|weekly|monthly] "
      "[--levels=80,95] [--lead-time=N [--service-level=95]] [--model=F]",
      "Forecast a sales series (ForecastService/Forecast).",
      "Prints the expected units per period with prediction intervals and, "
      "with\n--lead-time, the reorder point and safety stock.\n",
      {{"series", FlagKind::kValue, "S", "sales series id (required)"},
       {"horizon", FlagKind::kValue, "N",
        "number of future periods (default 14)"},
       {"frequency", FlagKind::kValue, "daily|weekly|monthly",
        "period length (default daily)"},
       {"levels", FlagKind::kValue, "P,...",
        "prediction-interval levels in percent (default 80,95)"},
       {"lead-time", FlagKind::kValue, "N",
        "replenishment lead time in periods; adds reorder point and safety "
        "stock"},
       {"service-level", FlagKind::kValue, "P",
        "chance in percent of not running out during the lead time "
        "(default 95)"},
       {"model", FlagKind::kValue, "F",
        "model family instead of the automatic choice: seasonal_naive, ets, "
        "arima, theta, stl_arima, combination, croston, sba or tsb"}},
      RunForecast}};
}

}  // namespace shopml::client
