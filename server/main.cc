// The `shopml` command: dispatches to one of the commands in
// server/commands/.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "server/commands/demo_data_command.h"
#include "server/commands/evaluate_command.h"
#include "server/commands/forecast_evaluate_command.h"
#include "server/commands/import_command.h"
#include "server/commands/propensity_table_command.h"
#include "server/commands/serve_command.h"
#include "server/commands/train_command.h"

namespace {

constexpr char kUsage[] =
    "Usage: shopml <command> [flags]\n"
    "\n"
    "Commands:\n"
    "  serve      run the gRPC server (shopml serve --help lists settings)\n"
    "  import     load CSV files into a store\n"
    "  train      train a model bundle from a store and publish it\n"
    "  evaluate   measure every model on hold-out splits of a store\n"
    "  forecast-evaluate  rolling-origin accuracy of the forecasting models\n"
    "  demo-data  write a synthetic shop as CSV files\n"
    "  propensity-table  export the purchase-propensity training table\n"
    "  version    print the version\n"
    "  help       print this text\n"
    "\n"
    "`shopml <command> --help` describes a command's flags.\n";

}  // namespace

int main(int argc, char** argv) {
  // Debian's absl is built with mutex deadlock detection on: a global graph
  // of lock ordering updated on every contended lock, about 2 % of the CPU
  // of a Recommend under load. Tests (which do not run this main) keep it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  const std::string command = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "serve") return shopml::server::RunServeCommand(args);
  if (command == "import") return shopml::server::RunImportCommand(args);
  if (command == "train") return shopml::server::RunTrainCommand(args);
  if (command == "evaluate") return shopml::server::RunEvaluateCommand(args);
  if (command == "forecast-evaluate") {
    return shopml::server::RunForecastEvaluateCommand(args);
  }
  if (command == "demo-data") return shopml::server::RunDemoDataCommand(args);
  if (command == "propensity-table") {
    return shopml::server::RunPropensityTableCommand(args);
  }
  if (command == "version" || command == "--version") {
    std::printf("shopml %s\n", SHOPML_VERSION);
    return 0;
  }
  if (command == "help" || command == "--help" || command == "-h") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  std::fprintf(stderr, "shopml: unknown command \"%s\"\n\n%s", command.c_str(),
               kUsage);
  return 2;
}
