// `shopml import --store=DIR [--items=F] [--users=F] [--events=F] [--sales=F]
// [--batch-rows=N] [--no-sync]`: loads CSV files into a store, in the order
// items, users, events, sales, each in atomic batches of N rows, and prints a
// summary. The store must not be open in a serving process.
#ifndef SHOPML_SERVER_COMMANDS_IMPORT_COMMAND_H_
#define SHOPML_SERVER_COMMANDS_IMPORT_COMMAND_H_

#include <string>
#include <vector>

namespace shopml::server {

// `args` are the arguments after "import". Returns the exit code: 0 on
// success, 1 when the import fails (the error, naming file, line and field,
// goes to stderr), 2 for bad flags.
int RunImportCommand(const std::vector<std::string>& args);

}  // namespace shopml::server

#endif  // SHOPML_SERVER_COMMANDS_IMPORT_COMMAND_H_
