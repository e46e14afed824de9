// zpipe: runs `zpipe worker ...` as `zpipe-worker ...` (likewise ventilator, sink, monitor, web),
// and hosts the whole-pipeline commands.
#include <string.h>
#include <unistd.h>

#include <algorithm>
#include <exception>
#include <iostream>
#include <memory>
#include <set>
#include <vector>

#include "common/command_line.hpp"
#include "common/nearest_name.hpp"
#include "common/version.hpp"
#include "front/batch_commands.hpp"
#include "front/cancel_command.hpp"
#include "front/dead_jobs_commands.hpp"
#include "front/demo_command.hpp"
#include "front/keygen_command.hpp"
#include "front/program_path.hpp"
#include "front/prune_command.hpp"
#include "front/queue_commands.hpp"
#include "front/run_now_command.hpp"
#include "front/scale_command.hpp"
#include "front/schedule_commands.hpp"
#include "front/status_command.hpp"
#include "front/store_commands.hpp"
#include "front/submit_command.hpp"
#include "front/thumbnail_command.hpp"
#include "front/up_command.hpp"
#include "front/worker_control_command.hpp"
#include "front/workers_command.hpp"

namespace {

bool is_command(const CLI::App& app, const std::string& name) {
  const auto commands = app.get_subcommands({});
  return std::any_of(commands.begin(), commands.end(),
                     [&name](const CLI::App* command) { return command->check_name(name); });
}

// `zpipe statu`: names the command meant, rather than CLI11's "A subcommand is required".
int unknown_command(const CLI::App& app, const std::string& typed,
                    const std::set<std::string>& programs) {
  std::vector<std::string> names;
  for (const auto* command : app.get_subcommands({})) names.push_back(command->get_name());
  names.insert(names.end(), programs.begin(), programs.end());
  std::cerr << "zpipe: unknown command \"" << typed << "\"";
  if (const auto meant = zpipe::nearest_name(typed, names)) {
    std::cerr << "; did you mean \"" << *meant << "\"?\n";
  } else {
    std::cerr << "\nRun 'zpipe --help' for the commands.\n";
  }
  return zpipe::kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  static const std::set<std::string> kPrograms{"ventilator", "worker", "sink", "monitor", "web"};
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
      "Programs: zpipe ventilator|worker|sink|monitor|web ... runs zpipe-<program> ...",
      "zpipe"};
  app.get_formatter()->column_width(36);
  app.set_version_flag("--version", "zpipe " + std::string(zpipe::kZpipeVersion) + " (protocol " +
                                        std::to_string(zpipe::kProtocolVersion) + ")");
  app.require_subcommand(1);
  std::vector<std::unique_ptr<zpipe::Command>> commands;
  commands.push_back(zpipe::make_thumbnail_command(app));
  commands.push_back(zpipe::make_up_command(app));
  commands.push_back(zpipe::make_scale_command(app));
  commands.push_back(zpipe::make_demo_command(app));
  commands.push_back(zpipe::make_submit_command(app));
  commands.push_back(zpipe::make_status_command(app));
  commands.push_back(zpipe::make_workers_command(app));
  for (auto& command : zpipe::make_worker_control_commands(commands.back()->app())) {
    commands.push_back(std::move(command));
  }
  for (auto& command : zpipe::make_store_commands(app)) commands.push_back(std::move(command));
  for (auto& command : zpipe::make_dead_jobs_commands(app)) commands.push_back(std::move(command));
  commands.push_back(zpipe::make_cancel_command(app));
  commands.push_back(zpipe::make_run_now_command(app));
  for (auto& command : zpipe::make_queue_commands(app)) commands.push_back(std::move(command));
  for (auto& command : zpipe::make_schedule_commands(app)) commands.push_back(std::move(command));
  for (auto& command : zpipe::make_batch_commands(app)) commands.push_back(std::move(command));
  commands.push_back(zpipe::make_prune_command(app));
  commands.push_back(zpipe::make_keygen_command(app));
  if (argc > 1 && argv[1][0] != '-' && !is_command(app, argv[1])) {
    return unknown_command(app, argv[1], kPrograms);
  }
  if (auto exit_code = zpipe::parse_command_line(app, argc, argv)) return *exit_code;
  if (auto exit_code = zpipe::print_config_if_asked(app)) return *exit_code;

  for (auto& command : commands) {
    // A command given with one of its own ("workers pause") leaves the run to that one.
    if (!command->app().parsed() || !command->app().get_subcommands().empty()) continue;
    try {
      return command->run();
    } catch (const std::exception& e) {
      // A nested command ("schedule add") is named with its parent.
      const auto* parent = command->app().get_parent();
      std::cerr << "zpipe " << (parent != nullptr && parent != &app ? parent->get_name() + " " : "")
                << command->app().get_name() << ": " << e.what() << "\n";
      return zpipe::kExitFailure;
    }
  }
  return zpipe::kExitUsage;
}
