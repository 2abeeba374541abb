// `shopml demo-data --out=DIR [--seed=N --users=N --items=N --events=N
// --days=N]`: writes a synthetic shop (items.csv, users.csv, events.csv,
// sales.csv) for `shopml import`.
#ifndef SHOPML_SERVER_COMMANDS_DEMO_DATA_COMMAND_H_
#define SHOPML_SERVER_COMMANDS_DEMO_DATA_COMMAND_H_

#include <string>
#include <vector>

namespace shopml::server {

// `args` are the arguments after "demo-data". Returns the exit code: 0 on
// success, 1 when generation or writing fails, 2 for bad flags.
int RunDemoDataCommand(const std::vector<std::string>& args);

}  // namespace shopml::server

#endif  // SHOPML_SERVER_COMMANDS_DEMO_DATA_COMMAND_H_
