#include "common/command_line.hpp"

#include <iostream>
#include <string>

#include "common/version.hpp"

namespace zpipe {

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
  } catch (const CLI::ParseError& e) {
    // The options in question are those of the subcommand being parsed when it failed
    // (`zpipe status --nope`: "Run 'zpipe status --help'").
    std::string command = app.get_name();
    for (const CLI::App* sub = &app; !sub->get_subcommands().empty();) {
      sub = sub->get_subcommands().back();
      command += " " + sub->get_name();
    }
    std::cerr << command << ": " << e.what() << "\n"
              << "Run '" << command << " --help' for the options.\n";
    return kExitUsage;
  }
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
  if (auto exit_code = parse_command_line(app, argc, argv)) return exit_code;
  if (!load_keys) return std::nullopt;
  return load_curve_setup(curve_flags, role, app.get_name(), curve);
}

}  // namespace zpipe
