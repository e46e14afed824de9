#include "monitor/event_filter.hpp"

#include "common/job.hpp"

namespace zpipe {
namespace {

std::string field(const Event& event, const char* key) {
  const auto it = event.fields.find(key);
  return it == event.fields.end() ? std::string() : it->second;
}

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

bool is_periodic_event(const std::string& name) {
  return name == "worker.heartbeat" || name == "ventilator.state" || name == "sink.state";
}

bool names_job_queue(const Event& event) {
  const auto& name = event.name;
  if (name == "job.accepted" || name == "job.started" || name == "job.succeeded" ||
      name == "job.failed" || name == "job.released") {
    return true;
  }
  // The ventilator's job.cancelled (a job cancelled before it ran) does not say.
  return name == "job.cancelled" && event.source.rfind("worker ", 0) == 0;
}

bool EventFilter::matches(const Event& event) const {
  if (!verbose && status.empty() && is_periodic_event(event.name)) {
    bool named = false;
    for (const auto& topic : topics) named = named || topic == event.name;
    if (!named) return false;
  }
  if (!topics.empty()) {
    bool any = false;
    for (const auto& topic : topics) any = any || event.name.rfind(topic, 0) == 0;
    if (!any) return false;
  }
  if (!type.empty() && field(event, "type") != type && field(event, "job_type") != type)
    return false;
  if (!status.empty() && !ends_with(event.name, "." + status)) return false;
  if (!worker.empty()) {
    // The worker's own events, or the sink's about a job a worker ran (job.duplicate).
    const bool from_worker =
        event.source.rfind("worker ", 0) == 0 && event.source.find(worker, 7) != std::string::npos;
    if (!from_worker && field(event, "worker").find(worker) == std::string::npos) return false;
  }
  if (!job.empty() && field(event, "job") != job) return false;
  if (!queue.empty()) {
    // An event that names a queue (queue.paused too); one of the job events that leave out the
    // default queue's name.
    const auto named = field(event, "queue");
    if (!named.empty() ? named != queue : queue != kDefaultQueue || !names_job_queue(event)) {
      return false;
    }
  }
  if (!batch.empty() && field(event, "batch") != batch) return false;
  return true;
}

}  // namespace zpipe
