// A complete custom worker: the built-in handlers plus "word_count" and "contact_email"
// (contact_email.hpp), written by a user of zpipe.
//
//   zpipe submit word_count --arg text="the cat and the hat"
//   -> {"words": 5, "distinct": 4, "top": [["the", 2], ...]}
//
// Build it by linking the zpipe::worker CMake target (see CMakeLists.txt beside this file), in
// zpipe's tree or as a project of its own: so its own header is included from beside it.
#include <algorithm>
#include <exception>
#include <filesystem>
#include <iostream>
#include <map>
#include <sstream>

#include "common/command_line.hpp"
#include "common/curve_setup.hpp"
#include "common/stop_flag.hpp"
#include "contact_email.hpp"
#include "worker/worker.hpp"

namespace {

// A handler gets the job and a context (deadline, cancellation) and returns a result or a
// failure. It may run on several threads at once, so it keeps no state between calls.
zpipe::HandlerResult count_words(const zpipe::Job& job, const zpipe::JobContext&) {
  const auto args = job.payload.to_json();
  if (!args.is_object() || !args.contains("text") || !args["text"].is_string()) {
    return zpipe::fail("word_count needs a payload {\"text\": \"...\"}");
  }
  std::map<std::string, int> counts;
  std::istringstream words(args["text"].get<std::string>());
  int total = 0;
  for (std::string word; words >> word; ++total) ++counts[word];
  std::vector<std::pair<std::string, int>> top(counts.begin(), counts.end());
  std::stable_sort(top.begin(), top.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  top.resize(std::min<std::size_t>(top.size(), 3));
  return zpipe::succeed({{"words", total}, {"distinct", counts.size()}, {"top", top}});
}

}  // namespace

int main(int argc, char** argv) {
  zpipe::WorkerConfig config;  // defaults find a pipeline on this host
  zpipe::LogOptions log_options;
  std::filesystem::path mail_spool = "mail-spool";
  CLI::App app{
      "zpipe-example-worker: a zpipe worker with custom word_count and contact_email handlers",
      "zpipe-example-worker"};
  app.add_option("--jobs-from", config.jobs_endpoint, "Ventilator endpoint")->capture_default_str();
  app.add_option("--outcomes-to", config.outcomes_endpoint, "Sink endpoint")->capture_default_str();
  app.add_option("--events-to", config.events_endpoint, "Event hub endpoint")
      ->capture_default_str();
  app.add_option("--concurrency,-c", config.concurrency, "Jobs to run at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  app.add_option("--mail-spool", mail_spool,
                 "Directory contact_email writes its mails to (relative: to the directory the "
                 "worker starts in)")
      ->capture_default_str();
  zpipe::CurveFlags curve_flags;  // --curve-secret, --curve-server-key: a CURVE pipeline
  zpipe::add_curve_options(app, curve_flags, zpipe::CurveRole::kClient);
  zpipe::add_logging_options(app, log_options);
  zpipe::add_config_options(app);  // --config FILE with the same keys, --print-config
  if (auto exit_code = zpipe::parse_command_line(app, argc, argv)) return *exit_code;
  if (auto exit_code = zpipe::print_config_if_asked(app)) return *exit_code;
  if (auto exit_code = zpipe::load_curve_setup(curve_flags, zpipe::CurveRole::kClient,
                                               "zpipe-example-worker", config.curve)) {
    return *exit_code;
  }

  try {
    zpipe::StopFlag stop;
    zpipe::install_stop_signals(stop);
    const auto log = zpipe::make_logger("zpipe-example-worker", log_options);
    zpipe::Worker worker(config, log);
    worker.handle("word_count", count_words);
    // Resolved once, at start: a handler must never change the process's current directory.
    const auto spool = std::filesystem::absolute(mail_spool);
    log->info("contact_email writes mail to {}", spool.string());
    worker.handle("contact_email", example::contact_email_handler(spool));
    return worker.run(stop);
  } catch (const std::exception& e) {
    std::cerr << "zpipe-example-worker: " << e.what() << "\n";
    return zpipe::kExitFailure;
  }
}
