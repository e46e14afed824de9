#include "front/batch_summary_text.hpp"

#include <algorithm>

#include "front/batch_table.hpp"
#include "front/job_state_text.hpp"
#include "front/outcome_table.hpp"
#include "front/time_text.hpp"

namespace zpipe {
namespace {

constexpr std::size_t kBarWidth = 30;

std::string line(std::string_view label, const std::string& text) {
  std::string padded(label);
  padded.resize(std::max<std::size_t>(padded.size() + 1, 13), ' ');
  return padded + text + "\n";
}

std::string moment(std::uint64_t unix_ms, std::int64_t now_ms) {
  const auto at = static_cast<std::int64_t>(unix_ms);
  return local_time(at) + " (" + relative_time(at, now_ms) + ")";
}

// "[##########....................]  1/3 ended, 33%"
std::string progress_bar(std::uint64_t ended, std::uint64_t total) {
  const auto filled = total == 0 ? kBarWidth : kBarWidth * ended / std::max(total, ended);
  return "[" + std::string(filled, '#') + std::string(kBarWidth - filled, '.') + "]  " +
         std::to_string(ended) + "/" + std::to_string(total) + " ended, " +
         std::to_string(total == 0 ? 100 : 100 * ended / total) + "%";
}

}  // namespace

std::string batch_summary_text(const BatchSummary& batch, const std::vector<JobStatus>& callbacks,
                               std::int64_t now_ms) {
  const auto ended = batch.succeeded + batch.dead + batch.cancelled;
  std::string text = line("batch", batch.id);
  if (!batch.description.empty()) text += line("description", one_line(batch.description, 200));
  const auto state = batch_state(batch);
  text += line("state",
               std::string(state) + (state == "open" ? " (jobs may still join; zpipe batch seal " +
                                                           batch.id + " says they are all in)"
                                                     : std::string()));
  text += line("progress", progress_bar(ended, batch.total));
  text +=
      line("jobs", std::to_string(batch.pending) + " pending, " + std::to_string(batch.running) +
                       " running, " + std::to_string(batch.succeeded) + " succeeded, " +
                       std::to_string(batch.dead) + " dead, " + std::to_string(batch.cancelled) +
                       " cancelled");
  text += line("created", moment(batch.created_ms, now_ms));
  if (batch.finished_ms != 0) text += line("finished", moment(batch.finished_ms, now_ms));
  for (const auto& [label, id] : {std::pair{"on_complete", &batch.on_complete_id},
                                  std::pair{"on_success", &batch.on_success_id}}) {
    if (id->empty()) continue;
    const auto status = std::find_if(callbacks.begin(), callbacks.end(),
                                     [&](const JobStatus& job) { return job.id == *id; });
    text +=
        line(label, *id + (status == callbacks.end() ? std::string()
                                                     : "  " + describe_job_state(*status, now_ms)));
  }
  if (!batch.dead_ids.empty()) {
    const auto shown = std::min(batch.dead_ids.size(), kDeadIdsShown);
    std::string dead;
    for (std::size_t i = 0; i < shown; ++i) dead += (i == 0 ? "" : ", ") + batch.dead_ids[i];
    if (batch.dead > shown) {
      dead += " and " + std::to_string(batch.dead - shown) + " more";
      if (batch.dead_ids.size() > shown)
        dead += " (--json lists " + std::to_string(batch.dead_ids.size()) + ")";
    }
    text += line("dead", dead);
  }
  return text;
}

}  // namespace zpipe
