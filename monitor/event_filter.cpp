#include "monitor/event_filter.hpp"

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
  return true;
}

}  // namespace zpipe
