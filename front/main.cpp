// zpipe: runs `zpipe worker ...` as `zpipe-worker ...` (likewise ventilator, sink, monitor),
// and hosts the whole-pipeline commands.
#include <string.h>
#include <unistd.h>

#include <exception>
#include <iostream>
#include <memory>
#include <set>
#include <vector>

#include "common/command_line.hpp"
#include "common/version.hpp"
#include "front/dead_jobs_commands.hpp"
#include "front/demo_command.hpp"
#include "front/keygen_command.hpp"
#include "front/program_path.hpp"
#include "front/status_command.hpp"
#include "front/store_commands.hpp"
#include "front/submit_command.hpp"
#include "front/thumbnail_command.hpp"
#include "front/up_command.hpp"

int main(int argc, char** argv) {
  static const std::set<std::string> kPrograms{"ventilator", "worker", "sink", "monitor"};
  if (argc > 1 && kPrograms.count(argv[1]) != 0) {
    const auto program = zpipe::program_path("zpipe-" + std::string(argv[1]));
    std::vector<char*> args{const_cast<char*>(program.c_str())};
    for (int i = 2; i <= argc; ++i) args.push_back(argv[i]);  // argv[argc] is the null pointer
    ::execvp(args[0], args.data());
    std::cerr << "zpipe: cannot run " << program << ": " << strerror(errno) << "\n";
    return zpipe::kExitFailure;
  }

  CLI::App app{
      "zpipe: a brokerless background-job pipeline on ZeroMQ.\n"
      "Programs: zpipe ventilator|worker|sink|monitor ... runs zpipe-<program> ...",
      "zpipe"};
  app.get_formatter()->column_width(36);
  app.set_version_flag("--version", "zpipe " + std::string(zpipe::kZpipeVersion) + " (protocol " +
                                        std::to_string(zpipe::kProtocolVersion) + ")");
  app.require_subcommand(1);
  std::vector<std::unique_ptr<zpipe::Command>> commands;
  commands.push_back(zpipe::make_thumbnail_command(app));
  commands.push_back(zpipe::make_up_command(app));
  commands.push_back(zpipe::make_demo_command(app));
  commands.push_back(zpipe::make_submit_command(app));
  commands.push_back(zpipe::make_status_command(app));
  for (auto& command : zpipe::make_store_commands(app)) commands.push_back(std::move(command));
  for (auto& command : zpipe::make_dead_jobs_commands(app)) commands.push_back(std::move(command));
  commands.push_back(zpipe::make_keygen_command(app));
  if (auto exit_code = zpipe::parse_command_line(app, argc, argv)) return *exit_code;

  for (auto& command : commands) {
    if (!command->app().parsed()) continue;
    try {
      return command->run();
    } catch (const std::exception& e) {
      std::cerr << "zpipe " << command->app().get_name() << ": " << e.what() << "\n";
      return zpipe::kExitFailure;
    }
  }
  return zpipe::kExitUsage;
}
