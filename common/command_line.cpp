#include "common/command_line.hpp"

#include <sys/stat.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "common/config_file.hpp"
#include "common/version.hpp"

namespace zpipe {
namespace {

constexpr const char* kConfigHelp =
    "Read flags from this TOML file: one `key = value` a line, the keys being the long flags "
    "without '--' (concurrency = 4, isolate = true, limit = [\"a=1/s\", \"b=2/s\"]); a key "
    "no flag has is an error. Flags given here override the file, and the file overrides the "
    "ZPIPE_* variables";
constexpr const char* kPrintConfigHelp =
    "Print the settings in effect (defaults, FILE, flags) as a config file and exit: a start "
    "for FILE, or a check of one";

const CLI::App& root_of(const CLI::App& app) {
  const CLI::App* root = &app;
  while (root->get_parent() != nullptr) root = root->get_parent();
  return *root;
}

std::shared_ptr<ConfigFile> config_file_of(const CLI::App& app) {
  return std::dynamic_pointer_cast<ConfigFile>(root_of(app).get_config_formatter());
}

// The program and the commands run, as the user typed them: "zpipe workers pause".
std::string command_run(const CLI::App& app) {
  std::string command = app.get_name();
  for (const CLI::App* sub = &app; !sub->get_subcommands().empty();) {
    sub = sub->get_subcommands().back();
    command += " " + sub->get_name();
  }
  return command;
}

// Why the config file at `path` could not be read.
std::string unreadable_because(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return std::strerror(errno);
  if (S_ISDIR(info.st_mode)) return "it is a directory, not a file";
  std::ifstream in(path);
  if (!in) return std::string("cannot be read: ") + std::strerror(errno);
  return "cannot be read";
}

// " (set in FILE line N)" for the first option of the command run whose value came from the
// config file and whose flag `message` names: a value the file gave was refused.
std::string note_for(const CLI::App& root, const std::string& message) {
  const auto file = config_file_of(root);
  if (!file) return "";
  for (const CLI::App* app = &root; app != nullptr;
       app = app->get_subcommands().empty() ? nullptr : app->get_subcommands().back()) {
    for (const auto* option : app->get_options()) {
      const auto where = file->where_set(*option);
      if (!where || option->get_lnames().empty()) continue;
      const auto flag = "--" + option->get_lnames().front();
      for (auto at = message.find(flag); at != std::string::npos; at = message.find(flag, at + 1)) {
        const auto end = at + flag.size();
        const bool whole = end == message.size() || !(std::isalnum(message[end]) != 0 ||
                                                      message[end] == '-' || message[end] == '_');
        if (whole) return " (set in " + *where + ")";
      }
    }
  }
  return "";
}

}  // namespace

void add_config_options(CLI::App& app) {
  auto& root = const_cast<CLI::App&>(root_of(app));
  if (root.get_config_ptr() == nullptr) {
    auto* config = root.set_config("--config", "", kConfigHelp)->type_name("FILE");
    // One file: the messages name it, and a second would be merged under the first unseen.
    config->multi_option_policy(CLI::MultiOptionPolicy::Throw);
    // A command's own --config (`zpipe up --config FILE`) hands its file to this one, the only
    // one CLI11 reads; given at the top of a program of commands, it is not advertised there.
    if (&app != &root) config->group("");
    root.config_formatter(std::make_shared<ConfigFile>(root));
    root.allow_config_extras(CLI::config_extras_mode::error);
  }
  if (&app != &root) {
    app.add_option_function<std::string>(
           "--config",
           [&root](const std::string& path) {
             auto* config = root.get_config_ptr();
             if (config->count() > 0) {
               throw CLI::ValidationError(
                   "--config",
                   "one file only; " + config->results().front() + " was given already");
             }
             config->add_result(path);
           },
           kConfigHelp)
        ->type_name("FILE")
        ->trigger_on_parse()
        ->configurable(false);
  } else if (root.get_config_ptr()->get_group().empty()) {
    root.get_config_ptr()->group("Options");
  }
  app.add_flag("--print-config", kPrintConfigHelp)->configurable(false);
}

void add_logging_options(CLI::App& app, LogOptions& options) {
  app.set_version_flag("--version", "zpipe " + std::string(kZpipeVersion) + " (protocol " +
                                        std::to_string(kProtocolVersion) + ")");
  app.add_option("--log-level", options.level,
                 "Log level: trace, debug, info, warn, error, critical, off")
      ->capture_default_str();
  app.add_option("--log-file", options.file, "Append logs to this file instead of stderr");
}

std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
    return std::nullopt;
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::FileError& e) {
    // The --config file named is not there or cannot be read (CLI11 says "(missing?)").
    const auto* config = app.get_config_ptr();
    const auto path =
        config != nullptr && !config->results().empty() ? config->results().back() : std::string();
    std::cerr << command_run(app) << ": --config " << path << ": " << unreadable_because(path)
              << "\n";
    return kExitUsage;
  } catch (const CLI::ConfigError& e) {
    // ConfigFile's own text names the file, the line and the key.
    std::cerr << command_run(app) << ": " << e.what() << "\n";
    return kExitUsage;
  } catch (const CLI::ParseError& e) {
    // The options in question are those of the subcommand being parsed when it failed
    // (`zpipe status --nope`: "Run 'zpipe status --help'").
    const auto command = command_run(app);
    std::cerr << command << ": " << e.what() << note_for(app, e.what()) << "\n"
              << "Run '" << command << " --help' for the options.\n";
    return kExitUsage;
  }
}

std::optional<int> print_config_if_asked(const CLI::App& root) {
  for (const CLI::App* app = &root; app != nullptr;
       app = app->get_subcommands().empty() ? nullptr : app->get_subcommands().back()) {
    const auto* print = app->get_option_no_throw("--print-config");
    if (print != nullptr && print->count() > 0) {
      std::cout << effective_config_text(root) << std::flush;
      return kExitOk;
    }
  }
  return std::nullopt;
}

std::string config_file_note(const CLI::App& root, const std::string& flag) {
  const auto file = config_file_of(root);
  const auto* option = root.get_option_no_throw(flag);
  if (!file || option == nullptr) return "";
  const auto where = file->where_set(*option);
  return where ? " (set in " + *where + ")" : "";
}

void add_max_message_bytes_option(CLI::App& app, DecodeLimits& limits, const char* help) {
  app.add_option("--max-message-bytes", limits.max_message_bytes, help)
      ->capture_default_str()
      ->check(CLI::Range(64, 256 << 20));
}

std::optional<int> parse_program_command_line(CLI::App& app, int argc, char** argv, CurveRole role,
                                              LogOptions& log, CurveSetup& curve, bool load_keys) {
  CurveFlags curve_flags;
  add_curve_options(app, curve_flags, role);
  add_logging_options(app, log);
  add_config_options(app);
  if (auto exit_code = parse_command_line(app, argc, argv)) return exit_code;
  if (!load_keys) return std::nullopt;
  return load_curve_setup(curve_flags, role, app.get_name(), curve);
}

}  // namespace zpipe
