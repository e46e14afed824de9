#include "front/batch_commands.hpp"

#include <fstream>
#include <iostream>

#include "client/client.hpp"
#include "common/command_line.hpp"
#include "common/plural.hpp"
#include "front/batch_summary_text.hpp"
#include "front/batch_table.hpp"
#include "front/batches_json.hpp"
#include "front/job_spec_parser.hpp"
#include "front/time_text.hpp"
#include "front/ventilator_options.hpp"

namespace zpipe {
namespace {

int usage(const std::string& command, const std::string& message) {
  std::cerr << command << ": " << message << "\nRun '" << command << " --help' for the options.\n";
  return kExitUsage;
}

int failure(const std::string& command, const std::string& message) {
  std::cerr << command << ": " << message << "\n";
  return kExitFailure;
}

// --description, --on-complete and --on-success, of `batch open` and `batch submit`.
struct BatchOptionFlags {
  std::string description;
  std::string on_complete;  // JSON of one job, as a line of --jsonl; empty: none
  std::string on_success;

  void add_options(CLI::App& app) {
    app.add_option("--description", description, "What the batch is, for people (batch show)")
        ->type_name("TEXT");
    app.add_option("--on-complete", on_complete,
                   "The job to run once every job has ended, as a JSON line of --jsonl; the "
                   "batch's counts are added to its payload (batch)")
        ->type_name("JOB_JSON");
    app.add_option("--on-success", on_success,
                   "The job to run once every job has ended, none dead or cancelled (as "
                   "--on-complete)")
        ->type_name("JOB_JSON");
  }

  Result<BatchOptions> read(std::uint64_t now_ms) const {
    BatchOptions options;
    options.description = description;
    for (auto [flag, json, callback] :
         {std::tuple{"--on-complete", &on_complete, &options.on_complete},
          std::tuple{"--on-success", &on_success, &options.on_success}}) {
      if (json->empty()) continue;
      auto spec = batch_callback_from_json(*json, now_ms);
      if (!spec.ok()) {
        return make_error(ErrorCode::kInvalid, std::string(flag) + ": " + spec.error().message);
      }
      *callback = std::move(spec).value();
    }
    return options;
  }
};

class BatchSubmitCommand : public Command {
 public:
  explicit BatchSubmitCommand(CLI::App& parent)
      : app_(*parent.add_subcommand(
            "submit", "Submit the jobs of a JSON lines file as one batch; prints the batch's id")) {
    app_.add_option("--jsonl", jsonl_,
                    "One job per line, as zpipe submit --jsonl takes them ('-': stdin)")
        ->type_name("FILE")
        ->required();
    flags_.add_options(app_);
    ventilator_.add_options(app_);
    app_.add_flag("--quiet,-q", quiet_, "Print nothing but the batch's id and errors");
  }
  CLI::App& app() override { return app_; }

  int run() override {
    const std::string command = "zpipe batch submit";
    if (auto code = ventilator_.load(command)) return *code;
    const auto now_ms = static_cast<std::uint64_t>(unix_now_ms());
    auto options = flags_.read(now_ms);
    if (!options.ok()) return usage(command, options.error().message);
    auto specs = job_specs_from_jsonl_file(jsonl_, now_ms);
    if (!specs.ok()) return usage(command, specs.error().message);
    if (specs.value().empty()) return usage(command, "no jobs in " + jsonl_);
    for (std::size_t i = 0; i < specs.value().size(); ++i) {
      if (!specs.value()[i].batch.empty()) {
        return usage(command, jsonl_ + ": job " + std::to_string(i + 1) + " names batch " +
                                  specs.value()[i].batch +
                                  ": every job goes into the batch opened for them");
      }
    }
    const auto count = specs.value().size();
    Client client(ventilator_.client);
    auto made = client.submit_batch(options.value(), std::move(specs).value());
    if (!made.ok()) return failure(command, made.error().message);
    std::cout << made.value().id << std::endl;
    if (!quiet_) {
      std::cerr << "batch " << made.value().id << ": " << count_noun(count, "job")
                << " submitted, sealed (zpipe batch show " << made.value().id << ")\n";
    }
    return kExitOk;
  }

 private:
  CLI::App& app_;
  std::string jsonl_;
  BatchOptionFlags flags_;
  VentilatorConnection ventilator_{10.0};
  bool quiet_ = false;
};

class BatchOpenCommand : public Command {
 public:
  explicit BatchOpenCommand(CLI::App& parent)
      : app_(*parent.add_subcommand(
            "open", "Open a batch for jobs submitted with --batch ID; prints its id")) {
    flags_.add_options(app_);
    ventilator_.add_options(app_);
  }
  CLI::App& app() override { return app_; }

  int run() override {
    const std::string command = "zpipe batch open";
    if (auto code = ventilator_.load(command)) return *code;
    auto options = flags_.read(static_cast<std::uint64_t>(unix_now_ms()));
    if (!options.ok()) return usage(command, options.error().message);
    Client client(ventilator_.client);
    auto id = client.open_batch(options.value());
    if (!id.ok()) return failure(command, id.error().message);
    std::cout << id.value() << "\n";
    return kExitOk;
  }

 private:
  CLI::App& app_;
  BatchOptionFlags flags_;
  VentilatorConnection ventilator_{5.0};
};

class BatchSealCommand : public Command {
 public:
  explicit BatchSealCommand(CLI::App& parent)
      : app_(*parent.add_subcommand("seal",
                                    "Say that all the jobs of an open batch are in (one left "
                                    "open by a producer that stopped)")) {
    app_.add_option("id", id_, "The batch's id")->required();
    ventilator_.add_options(app_);
  }
  CLI::App& app() override { return app_; }

  int run() override {
    const std::string command = "zpipe batch seal";
    if (auto code = ventilator_.load(command)) return *code;
    Client client(ventilator_.client);
    if (auto sealed = client.seal_batch(id_); !sealed.ok()) {
      return failure(command, sealed.error().message);
    }
    std::cout << "sealed batch " << id_ << ": its callbacks run once all its jobs have ended\n";
    return kExitOk;
  }

 private:
  CLI::App& app_;
  std::string id_;
  VentilatorConnection ventilator_{5.0};
};

class BatchShowCommand : public Command {
 public:
  explicit BatchShowCommand(CLI::App& parent)
      : app_(*parent.add_subcommand(
            "show", "Show a batch: progress, counts, times, callbacks and dead jobs")) {
    app_.add_option("id", id_, "The batch's id")->required();
    app_.add_flag("--json", json_, "Print one JSON object");
    ventilator_.add_options(app_);
  }
  CLI::App& app() override { return app_; }

  int run() override {
    const std::string command = "zpipe batch show";
    if (auto code = ventilator_.load(command)) return *code;
    Client client(ventilator_.client);
    auto reply = client.batches(std::vector<std::string>{id_});
    if (!reply.ok()) return failure(command, reply.error().message);
    const auto& batch = reply.value().at(0);
    if (!batch.known) {
      return failure(command, "the ventilator holds no batch " + id_ +
                                  " (zpipe batch list shows those it holds)");
    }
    std::vector<std::string> callback_ids;
    for (const auto* id : {&batch.on_complete_id, &batch.on_success_id}) {
      if (!id->empty()) callback_ids.push_back(*id);
    }
    // The batch is shown also when its callbacks' states cannot be had.
    std::vector<JobStatus> callbacks;
    if (!callback_ids.empty()) {
      if (auto states = client.job_statuses(callback_ids); states.ok()) {
        callbacks = std::move(states).value();
      }
    }
    if (json_) {
      std::cout << batch_show_json(client.pipeline(), batch, callbacks).dump() << "\n";
      return kExitOk;
    }
    std::cout << batch_summary_text(batch, callbacks, unix_now_ms());
    return kExitOk;
  }

 private:
  CLI::App& app_;
  std::string id_;
  bool json_ = false;
  VentilatorConnection ventilator_{5.0};
};

class BatchListCommand : public Command {
 public:
  explicit BatchListCommand(CLI::App& parent)
      : app_(*parent.add_subcommand("list", "List the latest batches, newest first")) {
    app_.add_flag("--json", json_, "Print one JSON object");
    app_.add_option("--limit", limit_, "List at most this many")
        ->capture_default_str()
        ->check(CLI::Range(std::uint64_t{1}, kMaxBatchesListed));
    ventilator_.add_options(app_);
  }
  CLI::App& app() override { return app_; }

  int run() override {
    const std::string command = "zpipe batch list";
    if (auto code = ventilator_.load(command)) return *code;
    Client client(ventilator_.client);
    auto batches = client.batches(limit_);
    if (!batches.ok()) return failure(command, batches.error().message);
    if (json_) {
      std::cout << batches_json(client.pipeline(), batches.value()).dump() << "\n";
      return kExitOk;
    }
    std::cout << batch_table(batches.value());
    return kExitOk;
  }

 private:
  CLI::App& app_;
  bool json_ = false;
  std::uint64_t limit_ = 100;
  VentilatorConnection ventilator_{5.0};
};

}  // namespace

std::vector<std::unique_ptr<Command>> make_batch_commands(CLI::App& parent) {
  auto& batch = *parent.add_subcommand(
      "batch",
      "Batches of jobs with callbacks run once all have ended: submit, open, seal, show, list");
  batch.require_subcommand(1);
  std::vector<std::unique_ptr<Command>> commands;
  commands.push_back(std::make_unique<BatchSubmitCommand>(batch));
  commands.push_back(std::make_unique<BatchOpenCommand>(batch));
  commands.push_back(std::make_unique<BatchSealCommand>(batch));
  commands.push_back(std::make_unique<BatchShowCommand>(batch));
  commands.push_back(std::make_unique<BatchListCommand>(batch));
  return commands;
}

}  // namespace zpipe
