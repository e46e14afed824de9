#include "front/store_commands.hpp"

#include <algorithm>
#include <iostream>

#include <nlohmann/json.hpp>

#include "common/command_line.hpp"
#include "common/endpoints.hpp"
#include "common/outcome_store.hpp"
#include "common/terminal.hpp"
#include "front/job_payload_text.hpp"
#include "front/outcome_table.hpp"
#include "front/time_text.hpp"

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

// "label         value\n": one field of `zpipe show`.
std::string fieldf(const char* label, const std::string& value) {
  std::string line = label;
  line.resize(std::max<std::size_t>(line.size(), 13), ' ');
  return line + " " + value + "\n";
}

std::string dump(const nlohmann::json& j, int indent = -1) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

// What `show` prints of the job's payload (front/job_payload_text.hpp): as much as fits half the
// terminal, all of it into a file or a pipe.
std::string payload_section(const std::string& id, const std::vector<Outcome>& attempts,
                            const TerminalStyle& style) {
  return job_payload_text(id, attempts, payload_lines_for(terminal_rows()), style.width);
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
      std::cout << outcome_table(rows, terminal_style(), unix_now_ms());
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
        nlohmann::json j{{"id", id_}, {"status", "retrying"}, {"attempts", attempts_json}};
        add_job_payload_fields(j, attempts);
        std::cout << dump(j) << "\n";
      } else {
        const auto style = terminal_style();
        std::cout << fieldf("id", id_)
                  << fieldf("status", state_cell("retrying", 0, style) + " (no final outcome yet)")
                  << payload_section(id_, attempts, style)
                  << attempts_table(attempts, style, unix_now_ms());
      }
      return kExitOk;
    }
    auto j = to_json(*row);
    if (json_) {
      j["attempts"] = attempts_json;
      add_job_payload_fields(j, attempts);
      std::cout << dump(j) << "\n";
      return kExitOk;
    }
    const auto style = terminal_style();
    const auto now_ms = unix_now_ms();
    const auto& o = row->outcome;
    std::cout << fieldf("id", o.id) << fieldf("type", o.type)
              << fieldf("status", state_cell(to_string(o.status), 0, style));
    if (!o.error_code.empty()) std::cout << fieldf("error_code", o.error_code);
    if (!o.error.empty()) std::cout << fieldf("error", o.error);
    std::cout << fieldf("attempt",
                        std::to_string(o.attempt) + " of " + std::to_string(o.max_attempts));
    if (!o.worker.empty()) std::cout << fieldf("worker", o.worker);
    // Local clock time to the millisecond, and how long ago, for each moment of its life.
    const std::pair<const char*, std::uint64_t> moments[] = {{"created", o.created_ms},
                                                             {"started", o.started_ms},
                                                             {"finished", o.finished_ms},
                                                             {"recorded", row->recorded_ms}};
    for (const auto& [label, ms] : moments) {
      const auto at = static_cast<std::int64_t>(ms);
      std::cout << fieldf(label, local_time(at) + " (" + relative_time(at, now_ms) + ")");
    }
    const auto waited_ms = o.started_ms - std::min(o.started_ms, o.created_ms);
    const auto ran_ms = o.finished_ms - std::min(o.finished_ms, o.started_ms);
    std::cout << fieldf(
        "timing", std::to_string(waited_ms) + " ms from acceptance to the start of attempt " +
                      std::to_string(o.attempt) + ", " + std::to_string(ran_ms) + " ms running");
    std::cout << payload_section(id_, attempts, style) << "result\n"
              << dump(j["result"], 2) << "\n"
              << attempts_table(attempts, style, now_ms);
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
