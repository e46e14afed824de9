#include "web/web_options.hpp"

#include <fstream>
#include <iostream>
#include <sstream>

#include "common/command_line.hpp"
#include "common/endpoints.hpp"

namespace zpipe {
namespace {

// A token shorter than this is refused: it would be guessed.
constexpr std::size_t kMinTokenLength = 16;

Result<std::string> read_token(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return Error{ErrorCode::kIo, "--token-file " + path.string() + ": cannot be read"};
  std::string token;
  std::getline(in, token);
  while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
  if (token.size() < kMinTokenLength) {
    return Error{ErrorCode::kInvalid,
                 "--token-file " + path.string() + ": its first line must hold a token of at " +
                     "least " + std::to_string(kMinTokenLength) +
                     " characters (e.g. from `head -c 24 /dev/urandom | base64`)"};
  }
  return token;
}

}  // namespace

std::variant<WebOptions, int> parse_web_options(int argc, char** argv) {
  WebOptions options;
  options.data_dir = default_data_dir();
  options.ventilator = DefaultEndpoints::kSubmit;
  options.events_from = DefaultEndpoints::kEventsOut;
  std::string listen = "127.0.0.1:8080";
  std::filesystem::path token_file;
  CLI::App app{
      "zpipe-web: the pipeline in a browser: a live dashboard, jobs, workers, queues, dead and "
      "scheduled jobs with their buttons, a JSON API (docs/HTTP.md) and Prometheus metrics "
      "(/metrics).",
      "zpipe-web"};
  app.get_formatter()->column_width(36);
  app.add_option("--listen", listen,
                 "HOST:PORT to serve on; an address other than loopback needs --token-file or "
                 "--read-only")
      ->capture_default_str();
  app.add_option("--data-dir", options.data_dir,
                 "The sink's data directory, whose outcomes.db is read (env ZPIPE_DATA_DIR)")
      ->capture_default_str();
  app.add_option("--ventilator", options.ventilator,
                 "Ventilator's submit endpoint, asked for "
                 "its status, workers, queues and actions")
      ->envname(EndpointVariables::kSubmit)
      ->capture_default_str();
  app.add_option("--events-from", options.events_from,
                 "Event hub endpoint to follow for the live view")
      ->envname(EndpointVariables::kEventsOut)
      ->capture_default_str();
  app.add_option("--token-file", token_file,
                 "File whose first line is the token every request needs (sign in at /login, "
                 "or send `Authorization: Bearer TOKEN`)");
  app.add_flag("--read-only", options.read_only,
               "Show everything, change nothing: every action (retry, pause, ...) is refused");
  app.add_option("--target-minutes", options.target_minutes,
                 "Advise how many workers finish the backlog within this many minutes")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 100000.0));
  if (auto exit_code = parse_program_command_line(app, argc, argv, CurveRole::kClient, options.log,
                                                  options.curve)) {
    return *exit_code;
  }
  auto address = parse_listen_address(listen);
  if (!address.ok()) {
    std::cerr << "zpipe-web: " << address.error().message << config_file_note(app, "--listen")
              << "\n";
    return kExitUsage;
  }
  options.listen = address.value();
  if (!token_file.empty()) {
    auto token = read_token(token_file);
    if (!token.ok()) {
      std::cerr << "zpipe-web: " << token.error().message << config_file_note(app, "--token-file")
                << "\n";
      return kExitUsage;
    }
    options.token = token.value();
  }
  if (!options.listen.is_loopback() && options.token.empty() && !options.read_only) {
    std::cerr << "zpipe-web: --listen " << listen
              << " is reachable from other hosts: give --token-file FILE (every request then "
                 "needs its token) or --read-only (no action is taken), or listen on "
                 "127.0.0.1"
              << config_file_note(app, "--listen") << "\n";
    return kExitUsage;
  }
  if (auto exit_code = print_config_if_asked(app)) return *exit_code;
  return options;
}

}  // namespace zpipe
