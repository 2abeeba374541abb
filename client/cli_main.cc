// shopml-cli: the command-line client of a shopml server. See client/cli.h,
// or run `shopml-cli --help`.
#include <iostream>
#include <string>
#include <vector>

#include "client/cli.h"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  return shopml::client::RunCli(args, std::cout, std::cerr);
}
