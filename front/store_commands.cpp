#include "front/store_commands.hpp"

#include <algorithm>
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "common/command_line.hpp"
#include "common/endpoints.hpp"
#include "common/outcome_store.hpp"

namespace zpipe {
namespace {

nlohmann::json to_json(const StoredOutcome& row) {
  const auto& o = row.outcome;
  return {{"id", o.id},
          {"type", o.type},
          {"status", to_string(o.status)},
          {"error_code", o.error_code},
          {"error", o.error},
          {"attempt", o.attempt},
          {"max_attempts", o.max_attempts},
          {"worker", o.worker},
          {"created_ms", o.created_ms},
          {"started_ms", o.started_ms},
          {"finished_ms", o.finished_ms},
          {"recorded_ms", row.recorded_ms},
          {"result", o.result.to_json()}};
}

nlohmann::json attempt_to_json(const Outcome& a) {
  return {{"attempt", a.attempt},
          {"status", to_string(a.status)},
          {"error_code", a.error_code},
          {"error", a.error},
          {"worker", a.worker},
          {"started_ms", a.started_ms},
          {"finished_ms", a.finished_ms},
          {"run_us", a.run_us},
          {"cpu_us", a.cpu_us},
          {"max_rss_kb", a.max_rss_kb},
          {"key", a.key}};
}

std::string dump(const nlohmann::json& j, int indent = -1) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string clip(std::string text, std::size_t width) {
  for (auto& c : text) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  return text.size() > width ? text.substr(0, width - 3) + "..." : text;
}

void print_table(const std::vector<StoredOutcome>& rows) {
  std::printf("%-18s %-10s %-9s %3s %7s  %s\n", "ID", "TYPE", "STATUS", "TRY", "MS",
              "RESULT / ERROR");
  for (const auto& row : rows) {
    const auto& o = row.outcome;
    const auto detail = o.succeeded() ? o.result.to_json_text() : o.error_code + ": " + o.error;
    std::printf(
        "%-18s %-10s %-9s %3u %7llu  %s\n", clip(o.id, 18).c_str(), clip(o.type, 10).c_str(),
        std::string(to_string(o.status)).c_str(), o.attempt,
        static_cast<unsigned long long>(o.finished_ms - std::min(o.finished_ms, o.started_ms)),
        clip(detail, 60).c_str());
  }
}

void print_attempts(const std::vector<Outcome>& attempts) {
  // The KEY column only when some attempt came over CURVE: in the clear it is always empty.
  const bool keyed = std::any_of(attempts.begin(), attempts.end(),
                                 [](const Outcome& a) { return !a.key.empty(); });
  std::printf("attempts\n  %3s %-9s %9s %9s %9s  %-16s %s%s\n", "TRY", "STATUS", "RUN MS", "CPU MS",
              "PEAK MiB", "WORKER", keyed ? "KEY          " : "", "ERROR");
  for (const auto& a : attempts) {
    const bool measured = a.cpu_us != 0 || a.max_rss_kb != 0;
    std::printf("  %3u %-9s %9.1f %9s %9s  %-16s %-*s%s\n", a.attempt,
                std::string(to_string(a.status)).c_str(), static_cast<double>(a.run_us) / 1000,
                measured ? std::to_string(a.cpu_us / 1000).c_str() : "-",
                measured ? std::to_string(a.max_rss_kb / 1024).c_str() : "-",
                clip(a.worker, 16).c_str(), keyed ? 13 : 0, clip(a.key, 12).c_str(),
                a.succeeded() ? "" : clip(a.error_code + ": " + a.error, 60).c_str());
  }
}

// Opens the store read-only; prints the reason and returns nullptr when there is none.
std::unique_ptr<OutcomeStore> open_store(const std::filesystem::path& data_dir,
                                         const char* command) {
  try {
    return std::make_unique<OutcomeStore>(outcome_store_path(data_dir),
                                          OutcomeStore::Access::kReadOnly);
  } catch (const std::exception& e) {
    std::cerr << "zpipe " << command << ": " << e.what() << "\n";
    return nullptr;
  }
}

class ListCommand : public Command {
 public:
  ListCommand(CLI::App& parent, const char* name, const char* description, bool failures_only)
      : app_(*parent.add_subcommand(name, description)),
        name_(name),
        failures_only_(failures_only) {
    app_.add_flag("--json", json_, "Print a JSON array");
    app_.add_option("--type", query_.type, "Only jobs of this type");
    app_.add_option("--limit,-n", query_.limit, "At most this many, newest first")
        ->capture_default_str();
    if (!failures_only) {
      app_.add_option("--status", status_, "Only succeeded or failed")
          ->check(CLI::IsMember({"succeeded", "failed"}));
    }
    app_.add_option("--data-dir", data_dir_, "The sink's data directory (env ZPIPE_DATA_DIR)")
        ->capture_default_str();
  }
  CLI::App& app() override { return app_; }

  int run() override {
    auto store = open_store(data_dir_, name_);
    if (!store) return kExitFailure;
    if (failures_only_) {
      query_.status = OutcomeStatus::kFailed;
    } else if (!status_.empty()) {
      query_.status = outcome_status_from(status_);
    }
    const auto listed = store->list(query_);
    if (!listed.ok()) {
      std::cerr << "zpipe " << name_ << ": " << listed.error().message << "\n";
      return kExitFailure;
    }
    const auto& rows = listed.value();
    if (json_) {
      auto array = nlohmann::json::array();
      for (const auto& row : rows) array.push_back(to_json(row));
      std::cout << dump(array) << "\n";
    } else if (rows.empty()) {
      std::cout << (failures_only_ ? "no failures recorded\n" : "no outcomes recorded\n");
    } else {
      print_table(rows);
    }
    return kExitOk;
  }

 private:
  CLI::App& app_;
  const char* name_;
  bool failures_only_;
  bool json_ = false;
  std::string status_;
  OutcomeQuery query_;
  std::filesystem::path data_dir_ = default_data_dir();
};

class ShowCommand : public Command {
 public:
  explicit ShowCommand(CLI::App& parent)
      : app_(*parent.add_subcommand("show", "Show everything recorded about one job")) {
    app_.add_option("id", id_, "The job's id, as `zpipe submit` printed it")->required();
    app_.add_flag("--json", json_, "Print one JSON object");
    app_.add_option("--data-dir", data_dir_, "The sink's data directory (env ZPIPE_DATA_DIR)")
        ->capture_default_str();
  }
  CLI::App& app() override { return app_; }

  int run() override {
    auto store = open_store(data_dir_, "show");
    if (!store) return kExitFailure;
    const auto found = store->find(id_);
    const auto attempts_found = store->attempts(id_);
    for (const Error* error : {found.ok() ? nullptr : &found.error(),
                               attempts_found.ok() ? nullptr : &attempts_found.error()}) {
      if (error == nullptr) continue;
      std::cerr << "zpipe show: " << error->message << "\n";
      return kExitFailure;
    }
    const auto& row = found.value();
    const auto& attempts = attempts_found.value();
    if (!row && attempts.empty()) {
      std::cerr << "zpipe show: no outcome recorded for job " << id_
                << " (still pending or running? `zpipe status` counts them)\n";
      return kExitFailure;
    }
    auto attempts_json = nlohmann::json::array();
    for (const auto& a : attempts) attempts_json.push_back(attempt_to_json(a));
    if (!row) {
      // Failed attempts so far, and a retry to come.
      if (json_) {
        std::cout << dump({{"id", id_}, {"status", "retrying"}, {"attempts", attempts_json}})
                  << "\n";
      } else {
        std::printf("%-13s %s\n%-13s %s\n", "id", id_.c_str(), "status",
                    "retrying (no final outcome yet)");
        print_attempts(attempts);
      }
      return kExitOk;
    }
    auto j = to_json(*row);
    if (json_) {
      j["attempts"] = attempts_json;
      std::cout << dump(j) << "\n";
      return kExitOk;
    }
    for (const char* key :
         {"id", "type", "status", "error_code", "error", "attempt", "max_attempts", "worker",
          "created_ms", "started_ms", "finished_ms", "recorded_ms"}) {
      const auto& value = j[key];
      if (value.is_string() && value.get<std::string>().empty()) continue;
      std::printf("%-13s %s\n", key,
                  value.is_string() ? value.get<std::string>().c_str() : dump(value).c_str());
    }
    const auto& o = row->outcome;
    std::printf(
        "%-13s %llu ms from acceptance to the start of attempt %u, %llu ms running\n", "timing",
        static_cast<unsigned long long>(o.started_ms - std::min(o.started_ms, o.created_ms)),
        o.attempt,
        static_cast<unsigned long long>(o.finished_ms - std::min(o.finished_ms, o.started_ms)));
    std::printf("result\n%s\n", dump(j["result"], 2).c_str());
    print_attempts(attempts);
    return kExitOk;
  }

 private:
  CLI::App& app_;
  std::string id_;
  bool json_ = false;
  std::filesystem::path data_dir_ = default_data_dir();
};

}  // namespace

std::vector<std::unique_ptr<Command>> make_store_commands(CLI::App& parent) {
  std::vector<std::unique_ptr<Command>> commands;
  commands.push_back(std::make_unique<ListCommand>(parent, "results",
                                                   "List recorded outcomes, newest first", false));
  commands.push_back(std::make_unique<ListCommand>(
      parent, "failures",
      "List dead jobs (failed on their last attempt) with their errors, newest first", true));
  commands.push_back(std::make_unique<ShowCommand>(parent));
  return commands;
}

}  // namespace zpipe
