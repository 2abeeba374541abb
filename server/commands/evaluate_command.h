// `shopml evaluate --store=DIR [--json=FILE]`: the trainer's offline
// evaluation without training a bundle. Every model is trained on the
// training part of three deterministic splits of the store's events (the
// newest 10 % by time, each user's last purchase, a random 80/20 of the
// (user, item) pairs) and measured on the held-out part; prints a table of
// HR, NDCG, Recall and MAP at 10 with user and catalogue coverage, and RMSE
// and MAE for ratings, and writes the figures with every model's parameters
// as JSON on request. The store is opened read-only.
#ifndef SHOPML_SERVER_COMMANDS_EVALUATE_COMMAND_H_
#define SHOPML_SERVER_COMMANDS_EVALUATE_COMMAND_H_

#include <string>
#include <vector>

namespace shopml::server {

// `args` are the arguments after "evaluate". Returns the exit code: 0 on
// success, 1 when evaluation or writing the JSON fails, 2 for bad flags.
int RunEvaluateCommand(const std::vector<std::string>& args);

}  // namespace shopml::server

#endif  // SHOPML_SERVER_COMMANDS_EVALUATE_COMMAND_H_
