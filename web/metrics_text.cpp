#include "web/metrics_text.hpp"

#include <charconv>

namespace zpipe {
namespace {

// A number as Prometheus reads it: the shortest text that reads back as the same double
// ("0.005", not "0.0050000000000000001"; integers without a point).
std::string number(double value) {
  char text[32];
  const auto [end, error] = std::to_chars(text, text + sizeof text, value);
  return error == std::errc() ? std::string(text, end) : "NaN";
}

class Exposition {
 public:
  void family(std::string_view name, std::string_view type, std::string_view help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += help;
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }
  // `labels`: already escaped, `name="value"` pairs joined by commas; empty for none.
  void sample(std::string_view name, const std::string& labels, double value) {
    out_ += name;
    if (!labels.empty()) out_ += "{" + labels + "}";
    out_ += ' ';
    out_ += number(value);
    out_ += '\n';
  }
  void counter(std::string_view name, std::string_view help, double value) {
    family(name, "counter", help);
    sample(name, "", value);
  }
  void gauge(std::string_view name, std::string_view help, double value) {
    family(name, "gauge", help);
    sample(name, "", value);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

std::string label(std::string_view name, std::string_view value) {
  return std::string(name) + "=\"" + escape_label_value(value) + "\"";
}

void add_counts(Exposition& out, const StatusReply& status) {
  const auto& c = status.counts;
  out.counter("zpipe_jobs_accepted_total", "Jobs the ventilator accepted.",
              static_cast<double>(c.accepted));
  out.counter("zpipe_jobs_succeeded_total", "Jobs that succeeded.",
              static_cast<double>(c.succeeded));
  out.counter("zpipe_jobs_failed_attempts_total",
              "Attempts that failed (each retried or, at the last, dead).",
              static_cast<double>(c.failed));
  out.counter("zpipe_jobs_cancelled_total", "Jobs cancelled.", static_cast<double>(c.cancelled));
  out.gauge("zpipe_jobs_dead", "Jobs that failed on their last attempt, held for retry now.",
            static_cast<double>(c.dead));
  out.gauge("zpipe_jobs_pending", "Jobs waiting for a worker.", static_cast<double>(c.pending));
  out.gauge("zpipe_jobs_scheduled", "Jobs waiting for their time.",
            static_cast<double>(c.scheduled));
  out.gauge("zpipe_jobs_retrying", "Failed jobs waiting out their retry delay.",
            static_cast<double>(c.retrying));
  out.gauge("zpipe_jobs_in_flight", "Jobs sent to a worker, outcome not recorded yet.",
            static_cast<double>(c.in_flight));
  out.family("zpipe_type_jobs_pending", "gauge", "Jobs waiting for a worker, by type.");
  for (const auto& t : status.by_type) {
    out.sample("zpipe_type_jobs_pending", label("type", t.type), static_cast<double>(t.pending));
  }
}

void add_workers(Exposition& out, const std::vector<WorkerSummary>& workers) {
  std::uint64_t slots = 0, busy = 0;
  for (const auto& w : workers) {
    slots += w.slots;
    busy += std::min(w.held, w.slots);
  }
  out.gauge("zpipe_workers", "Workers connected to the ventilator.",
            static_cast<double>(workers.size()));
  out.gauge("zpipe_worker_slots", "Jobs the connected workers can run at once.",
            static_cast<double>(slots));
  out.gauge("zpipe_worker_slots_busy", "Worker slots holding a job.", static_cast<double>(busy));
}

void add_queues(Exposition& out, const QueuesReply& queues) {
  out.family("zpipe_queue_pending", "gauge", "Jobs waiting for a worker, by queue.");
  for (const auto& q : queues.queues) {
    out.sample("zpipe_queue_pending", label("queue", q.name), static_cast<double>(q.pending));
  }
  out.family("zpipe_queue_latency_seconds", "gauge", "Age of each queue's oldest waiting job.");
  for (const auto& q : queues.queues) {
    out.sample("zpipe_queue_latency_seconds", label("queue", q.name),
               static_cast<double>(q.latency_ms) / 1000);
  }
  out.family("zpipe_queue_paused", "gauge", "1 while a queue is paused.");
  for (const auto& q : queues.queues) {
    out.sample("zpipe_queue_paused", label("queue", q.name), q.paused ? 1 : 0);
  }
}

void add_histograms(Exposition& out, const DurationHistograms& histograms) {
  constexpr std::string_view name = "zpipe_job_duration_seconds";
  out.family(name, "histogram",
             "Run time of each recorded job's final attempt, by type, since zpipe-web started.");
  for (const auto& [type, series] : histograms.by_type()) {
    const auto type_label = label("type", type);
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < DurationHistograms::kBounds.size(); ++i) {
      cumulative += series.buckets[i];
      out.sample("zpipe_job_duration_seconds_bucket",
                 type_label + ",le=\"" + number(DurationHistograms::kBounds[i]) + "\"",
                 static_cast<double>(cumulative));
    }
    out.sample("zpipe_job_duration_seconds_bucket", type_label + ",le=\"+Inf\"",
               static_cast<double>(series.count));
    out.sample("zpipe_job_duration_seconds_sum", type_label, series.sum_s);
    out.sample("zpipe_job_duration_seconds_count", type_label, static_cast<double>(series.count));
  }
}

}  // namespace

std::string escape_label_value(std::string_view value) {
  std::string escaped;
  escaped.reserve(value.size());
  for (const char c : value) {
    if (c == '\\') {
      escaped += "\\\\";
    } else if (c == '"') {
      escaped += "\\\"";
    } else if (c == '\n') {
      escaped += "\\n";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

std::string prometheus_text(const MetricsFacts& facts) {
  Exposition out;
  out.family("zpipe_up", "gauge", "1 when the component answered zpipe-web for this scrape.");
  out.sample("zpipe_up", label("component", "ventilator"), facts.status ? 1 : 0);
  out.sample("zpipe_up", label("component", "store"), facts.store_readable ? 1 : 0);
  if (facts.status) add_counts(out, *facts.status);
  if (facts.backlog_eta_seconds) {
    // What `zpipe scale` acts on: HPA's rule on it (target 5) is zpipe scale's --target-wait 5s.
    out.gauge("zpipe_backlog_eta_seconds",
              "Seconds the pending and in-flight jobs would take at the finish rate of the last "
              "5 s; 0 with no backlog; left out while nothing has finished to measure by.",
              *facts.backlog_eta_seconds);
  }
  // A counter, unlike the dead jobs held now (which retry and discard take away).
  out.counter("zpipe_jobs_dead_total",
              "Jobs the sink recorded dead (failed on their last attempt) since zpipe-web started.",
              static_cast<double>(facts.dead_recorded));
  if (facts.workers) add_workers(out, *facts.workers);
  if (facts.queues) add_queues(out, *facts.queues);
  add_histograms(out, facts.histograms);
  return out.take();
}

}  // namespace zpipe
