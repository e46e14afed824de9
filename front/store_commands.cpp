#include "front/store_commands.hpp"

#include <algorithm>
#include <iostream>

#include <nlohmann/json.hpp>

#include "client/client.hpp"
#include "common/command_line.hpp"
#include "common/curve_options.hpp"
#include "common/endpoints.hpp"
#include "common/outcome_store.hpp"
#include "common/plural.hpp"
#include "common/terminal.hpp"
#include "front/job_facts.hpp"
#include "front/job_payload_text.hpp"
#include "front/job_state_text.hpp"
#include "front/outcome_json.hpp"
#include "front/outcome_table.hpp"
#include "front/show_json.hpp"
#include "front/time_text.hpp"
#include "front/ventilator_options.hpp"

namespace zpipe {
namespace {

// The worker a cancelled outcome names when the ventilator recorded it: the job never ran.
constexpr std::string_view kCancelledByVentilator = "ventilator";

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

// What a command that reads the store also asks of the ventilator: where the jobs are now.
struct VentilatorAsk {
  VentilatorConnection connection{3.0};

  // The states of `ids`, or why the ventilator could not tell (nothing answers there, ...).
  Result<std::vector<JobStatus>> states(const std::vector<std::string>& ids,
                                        const std::string& command) {
    if (connection.load("zpipe " + command)) {
      return make_error(ErrorCode::kInvalid, "its CURVE keys could not be loaded");
    }
    Client asking(connection.client);
    return asking.job_statuses(ids);
  }
};

class ListCommand : public Command {
 public:
  ListCommand(CLI::App& parent, const char* name, const char* description, bool failures_only)
      : app_(*parent.add_subcommand(name, description)),
        name_(name),
        failures_only_(failures_only) {
    app_.add_flag("--json", json_, "Print a JSON array");
    app_.add_option("--type", query_.type, "Only jobs of this type");
    app_.add_option("--queue", query_.queue, "Only jobs of this queue");
    app_.add_option("--batch", query_.batch, "Only jobs of this batch");
    app_.add_option("--limit,-n", query_.limit, "At most this many, newest first")
        ->capture_default_str();
    if (!failures_only) {
      app_.add_option("--status", status_,
                      "Only jobs that ended so: succeeded, failed (dead) or cancelled")
          ->check(CLI::IsMember({"succeeded", "failed", "cancelled"}));
    }
    app_.add_option("--data-dir", data_dir_, "The sink's data directory (env ZPIPE_DATA_DIR)")
        ->capture_default_str();
    if (failures_only) {
      app_.add_flag("--all", all_,
                    "Also jobs no longer dead: retried or discarded since (the ventilator says "
                    "which are still dead)");
      ventilator_.connection.add_options(app_);
    }
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
    auto rows = listed.value();
    if (failures_only_ && !all_ && !rows.empty()) keep_still_dead(rows);
    if (json_) {
      std::cout << dump(outcomes_json(rows)) << "\n";
    } else if (rows.empty()) {
      std::cout << (failures_only_ ? "no failures recorded\n" : "no outcomes recorded\n");
    } else {
      std::cout << outcome_table(rows, terminal_style(), unix_now_ms());
    }
    return kExitOk;
  }

 private:
  // The store keeps every job's last failure; the ventilator knows which are still dead (not
  // retried or discarded since): only those stay, so that `failures` agrees with `retry`.
  void keep_still_dead(std::vector<StoredOutcome>& rows) {
    std::vector<std::string> ids;
    for (const auto& row : rows) ids.push_back(row.outcome.id);
    const auto states = ventilator_.states(ids, name_);
    if (!states.ok()) {
      std::cerr << "zpipe " << name_
                << ": cannot tell which are still dead: " << states.error().message << "\n";
      return;
    }
    std::vector<StoredOutcome> dead;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (states.value()[i].state == JobState::kDead) dead.push_back(std::move(rows[i]));
    }
    const auto left_out = rows.size() - dead.size();
    rows = std::move(dead);
    if (left_out > 0) {
      std::cerr << count_noun(left_out, "failed job") << " retried or discarded since "
                << (left_out == 1 ? "is" : "are") << " not listed (--all lists them)\n";
    }
  }

  CLI::App& app_;
  const char* name_;
  bool failures_only_;
  bool all_ = false;
  VentilatorAsk ventilator_;
  bool json_ = false;
  std::string status_;
  OutcomeQuery query_;
  std::filesystem::path data_dir_ = default_data_dir();
};

class ShowCommand : public Command {
 public:
  explicit ShowCommand(CLI::App& parent)
      : app_(*parent.add_subcommand(
            "show",
            "Show everything known about one job: its outcome and attempts as the sink "
            "recorded them, where it is now as the ventilator tells, and the jobs it made")) {
    app_.add_option("id", id_, "The job's id, as `zpipe submit` printed it")->required();
    app_.add_flag("--json", json_, "Print one JSON object");
    app_.add_option("--data-dir", data_dir_, "The sink's data directory (env ZPIPE_DATA_DIR)")
        ->capture_default_str();
    ventilator_.connection.add_options(app_);
  }
  CLI::App& app() override { return app_; }

  int run() override {
    // The store may not be here (a sink on another host): the ventilator may still know.
    ShowSources sources;
    const auto store = open_quietly(sources.why_no_store);
    sources.store = store.get();
    std::unique_ptr<Client> client;
    if (ventilator_.connection.load("zpipe show")) {
      sources.why_no_ventilator = "its CURVE keys could not be loaded";
    } else {
      client = std::make_unique<Client>(ventilator_.connection.client);
      sources.ventilator = client.get();
    }
    auto gathered = gather_job_facts(sources, id_);
    if (!gathered.ok()) {
      std::cerr << "zpipe show: " << gathered.error().message << "\n";
      return kExitFailure;
    }
    const auto& facts = gathered.value();
    const auto& row = facts.row;
    const auto& attempts = facts.attempts;
    const auto& now = facts.now;
    const auto& children = facts.children;
    const auto& store_problem = facts.store_problem;
    const auto& ventilator_problem = facts.ventilator_problem;
    if (!facts.is_known()) {
      std::cerr << "zpipe show: nothing known of job " << id_ << ": "
                << (store_problem.empty()
                        ? "no outcome recorded in " + outcome_store_path(data_dir_).string()
                        : store_problem)
                << "; "
                << (ventilator_problem.empty()
                        ? "the ventilator at " + ventilator_.connection.client.ventilator +
                              " does not hold it"
                        : ventilator_problem)
                << "\n";
      return kExitFailure;
    }
    if (json_) {
      std::cout << dump(show_json(facts)) << "\n";
      return kExitOk;
    }
    const auto style = terminal_style();
    const auto now_ms = unix_now_ms();
    if (!row) {
      std::cout << fieldf("id", id_)
                << fieldf("status",
                          now ? state_cell(std::string(to_string(now->state)), 0, style)
                              : state_cell("retrying", 0, style) + " (no final outcome yet)");
      if (now) std::cout << fieldf("now", describe_job_state(*now, now_ms));
      if (!attempts.empty()) {
        std::cout << payload_section(id_, attempts, style)
                  << attempts_table(attempts, style, now_ms);
      } else {
        // Only the ventilator answered: the payload is in the store, once an attempt ends.
        std::cout << fieldf("payload", store_problem.empty()
                                           ? "not recorded yet (the store has it once an "
                                             "attempt of the job ends)"
                                           : "not known here: the outcome store was not read "
                                             "(see below)");
      }
      if (!children.empty()) std::cout << children_table(children, style);
      note_what_was_not_asked(store_problem, ventilator_problem);
      return kExitOk;
    }
    const auto j = outcome_json(*row);
    const auto& o = row->outcome;
    const bool is_cancelled = o.status == OutcomeStatus::kCancelled;
    // The ventilator records a job it cancelled before any worker had it, under its own name.
    const bool ran = !(is_cancelled && o.worker == kCancelledByVentilator);
    std::cout << fieldf("id", o.id) << fieldf("type", o.type)
              << fieldf("queue", j["queue"].get<std::string>());
    if (!o.parent.empty()) std::cout << fieldf("parent", o.parent);
    if (!o.batch.empty()) std::cout << fieldf("batch", o.batch);
    if (is_cancelled) {
      // "cancelled by alice@web1 at 2026-12-04 10:00:03.000 (3m ago)": the error says who.
      const auto at = static_cast<std::int64_t>(o.finished_ms);
      std::cout << fieldf("status", state_cell(outcome_error_text(o), 0, style) + " at " +
                                        local_time(at) + " (" + relative_time(at, now_ms) + ")");
    } else {
      std::cout << fieldf("status", state_cell(to_string(o.status), 0, style));
    }
    // Said when it adds something: a job retried since its recorded end, or still dead.
    const bool said = (now && now->state == JobState::kSucceeded && o.succeeded()) ||
                      (now && now->state == JobState::kCancelled && is_cancelled);
    if (now && !said) std::cout << fieldf("now", describe_job_state(*now, now_ms));
    if (!is_cancelled) {
      if (!o.error_code.empty()) std::cout << fieldf("error_code", o.error_code);
      if (!o.error.empty()) std::cout << fieldf("error", o.error);
    }
    std::cout << fieldf("attempt",
                        std::to_string(o.attempt) + " of " + std::to_string(o.max_attempts));
    if (!ran) {
      std::cout << fieldf("worker", o.worker + " (cancelled before it ran)");
    } else if (!o.worker.empty()) {
      std::cout << fieldf("worker", o.worker);
    }
    // Local clock time to the millisecond, and how long ago, for each moment of its life.
    const std::pair<const char*, std::uint64_t> moments[] = {{"created", o.created_ms},
                                                             {"started", o.started_ms},
                                                             {"finished", o.finished_ms},
                                                             {"recorded", row->recorded_ms}};
    for (const auto& [label, ms] : moments) {
      if (!ran && ms == 0) continue;  // a job cancelled before it ran never started
      const auto at = static_cast<std::int64_t>(ms);
      std::cout << fieldf(label, local_time(at) + " (" + relative_time(at, now_ms) + ")");
    }
    if (ran) {
      const auto waited_ms = o.started_ms - std::min(o.started_ms, o.created_ms);
      const auto ran_ms = o.finished_ms - std::min(o.finished_ms, o.started_ms);
      std::cout << fieldf(
          "timing", std::to_string(waited_ms) + " ms from acceptance to the start of attempt " +
                        std::to_string(o.attempt) + ", " + std::to_string(ran_ms) + " ms running");
    }
    std::cout << payload_section(id_, attempts, style) << "result\n"
              << dump(j["result"], 2) << "\n"
              << attempts_table(attempts, style, now_ms);
    if (!children.empty()) std::cout << children_table(children, style);
    note_what_was_not_asked(store_problem, ventilator_problem);
    return kExitOk;
  }

 private:
  // The store, or nullptr with why in `problem` (said only if nothing else knows the job).
  std::unique_ptr<OutcomeStore> open_quietly(std::string& problem) const {
    try {
      return std::make_unique<OutcomeStore>(outcome_store_path(data_dir_),
                                            OutcomeStore::Access::kReadOnly);
    } catch (const std::exception& e) {
      problem = e.what();
      return nullptr;
    }
  }

  static void note_what_was_not_asked(const std::string& store_problem,
                                      const std::string& ventilator_problem) {
    if (!store_problem.empty()) std::cerr << "(not from the store: " << store_problem << ")\n";
    if (!ventilator_problem.empty()) {
      std::cerr << "(where it is now is not known: " << ventilator_problem << ")\n";
    }
  }

  CLI::App& app_;
  std::string id_;
  bool json_ = false;
  std::filesystem::path data_dir_ = default_data_dir();
  VentilatorAsk ventilator_;
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
