// `shopml train --store=DIR --models=DIR`: trains a model bundle from a
// read-only view of the store (a serving process may hold it open) and
// publishes it under the models directory; prints the version and the
// evaluation metrics.
#ifndef SHOPML_SERVER_COMMANDS_TRAIN_COMMAND_H_
#define SHOPML_SERVER_COMMANDS_TRAIN_COMMAND_H_

#include <string>
#include <vector>

namespace shopml::server {

// `args` are the arguments after "train". Returns the exit code: 0 on
// success, 1 when training or publishing fails, 2 for bad flags.
int RunTrainCommand(const std::vector<std::string>& args);

}  // namespace shopml::server

#endif  // SHOPML_SERVER_COMMANDS_TRAIN_COMMAND_H_
