#include "front/job_facts.hpp"

#include <map>

#include "client/client.hpp"
#include "common/follow_ups.hpp"

namespace zpipe {
namespace {

// The jobs that job `id` made, as the store knows them: the follow-ups and the chain's next step
// of its recorded success (`row`), by the ids they get, then the other recorded jobs that name it
// as their parent (`recorded`, OutcomeStore::children(): on_failure jobs, callbacks). A child
// recorded has its recorded status as its state; the others have none yet.
std::vector<JobChild> job_children(const std::string& id, const std::optional<StoredOutcome>& row,
                                   const std::vector<StoredOutcome>& recorded) {
  std::vector<JobChild> children;
  if (row) {
    const auto& follow_ups = row->outcome.follow_ups;
    for (std::size_t n = 1; n <= follow_ups.size(); ++n) {
      children.push_back({follow_up_id(id, n), follow_ups[n - 1].type, ""});
    }
    if (row->next) children.push_back({chain_step_id(id), row->next->type, ""});
  }
  std::map<std::string, const Outcome*> unlisted;
  for (const auto& child : recorded) unlisted.emplace(child.outcome.id, &child.outcome);
  for (auto& child : children) {
    if (const auto found = unlisted.find(child.id); found != unlisted.end()) {
      child.state = to_string(found->second->status);
      unlisted.erase(found);
    }
  }
  for (const auto& child : recorded) {
    if (unlisted.contains(child.outcome.id)) {
      children.push_back(
          {child.outcome.id, child.outcome.type, std::string(to_string(child.outcome.status))});
    }
  }
  return children;
}

// Reads what the store has of job `id` into `facts`; Error when the store cannot say.
Result<Ok> read_store(OutcomeStore& store, const std::string& id, JobFacts& facts,
                      std::vector<StoredOutcome>& made) {
  auto found = store.find(id);
  if (!found.ok()) return found.error();
  auto attempts = store.attempts(id);
  if (!attempts.ok()) return attempts.error();
  auto children = store.children(id);
  if (!children.ok()) return children.error();
  facts.row = std::move(found).value();
  facts.attempts = std::move(attempts).value();
  made = std::move(children).value();
  return Ok{};
}

}  // namespace

Result<JobFacts> gather_job_facts(const ShowSources& sources, const std::string& id) {
  JobFacts facts;
  facts.id = id;
  std::vector<StoredOutcome> made;
  if (sources.store != nullptr) {
    if (auto read = read_store(*sources.store, id, facts, made); !read.ok()) return read.error();
  } else {
    facts.store_problem =
        sources.why_no_store.empty() ? "no outcome store here" : sources.why_no_store;
  }
  facts.children = job_children(id, facts.row, made);
  // The ventilator says where the job is now, and its children not recorded yet.
  if (sources.ventilator != nullptr) {
    std::vector<std::string> asked{id};
    for (const auto& child : facts.children) {
      if (child.state.empty()) asked.push_back(child.id);
    }
    if (auto states = sources.ventilator->job_statuses(asked); states.ok()) {
      if (states.value().front().state != JobState::kUnknown) facts.now = states.value().front();
      std::map<std::string, JobState> live;
      for (const auto& job : states.value()) live.emplace(job.id, job.state);
      for (auto& child : facts.children) {
        const auto found = live.find(child.id);
        if (child.state.empty() && found != live.end() && found->second != JobState::kUnknown) {
          child.state = to_string(found->second);
        }
      }
    } else {
      facts.ventilator_problem = states.error().message;
    }
  } else {
    facts.ventilator_problem = sources.why_no_ventilator.empty() ? "the ventilator was not asked"
                                                                 : sources.why_no_ventilator;
  }
  for (auto& child : facts.children) {
    if (child.state.empty()) child.state = kNotRecordedYet;
  }
  return facts;
}

}  // namespace zpipe
