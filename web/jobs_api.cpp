#include "web/jobs_api.hpp"

#include <chrono>

#include "front/outcome_json.hpp"
#include "front/show_json.hpp"
#include "web/http_replies.hpp"
#include "web/query_params.hpp"

namespace zpipe {
namespace {

constexpr std::uint64_t kMaxUnixMs = 10'000'000'000'000;  // year 2286

std::uint64_t unix_now_ms() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

// The page query of /api/jobs' parameters, or why they make none.
Result<JobPageQuery> page_query(const httplib::Request& req) {
  JobPageQuery query;
  query.id_prefix = text_param(req, "id");
  query.type = text_param(req, "type");
  query.queue = text_param(req, "queue");
  query.batch = text_param(req, "batch");
  if (const auto status = text_param(req, "status"); !status.empty()) {
    // "dead" is how people say it; the store says "failed".
    const auto stored = status == "dead"     ? std::optional(OutcomeStatus::kFailed)
                        : status == "failed" ? std::nullopt
                                             : outcome_status_from(status);
    if (!stored) {
      return Error{ErrorCode::kInvalid,
                   "?status=" + status + ": one of succeeded, dead, cancelled is wanted"};
    }
    query.status = stored;
  }
  auto from = optional_number_param(req, "from", kMaxUnixMs);
  if (!from.ok()) return from.error();
  query.from_ms = from.value();
  auto to = optional_number_param(req, "to", kMaxUnixMs);
  if (!to.ok()) return to.error();
  query.to_ms = to.value();
  if (query.from_ms && query.to_ms && *query.from_ms > *query.to_ms) {
    return Error{ErrorCode::kInvalid, "?from= is after ?to="};
  }
  auto limit = number_param(req, "limit", 50, 1, 200);
  if (!limit.ok()) return limit.error();
  query.limit = limit.value();
  auto before = optional_number_param(req, "before", std::uint64_t{1} << 62);
  if (!before.ok()) return before.error();
  if (before.value()) query.before = static_cast<std::int64_t>(*before.value());
  return query;
}

// Adds to each listed job where the ventilator holds it now ("now", as `zpipe show` says it): a
// dead job retried or discarded since it was recorded says so. Asked in one request; left out
// when the ventilator does not answer or holds the job no more.
void add_where_now(WebContext& context, nlohmann::json& jobs) {
  std::vector<std::string> ids;
  for (const auto& j : jobs) ids.push_back(j["id"].get<std::string>());
  if (ids.empty()) return;
  auto states = context.facts.with_client([&ids](Client& c) { return c.job_statuses(ids); });
  if (!states.ok() || states.value().size() != ids.size()) return;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (states.value()[i].state != JobState::kUnknown) {
      jobs[i]["now"] = job_status_json(states.value()[i]);
    }
  }
}

nlohmann::json type_stats_json(const TypeStats& t) {
  return {{"type", t.type},
          {"jobs", t.jobs},
          {"succeeded", t.succeeded},
          {"dead", t.dead},
          {"cancelled", t.cancelled},
          {"failed_attempts", t.failed_attempts},
          {"failure_rate", t.failure_rate},
          {"run_ms",
           {{"p50", t.p50_us / 1000.0}, {"p95", t.p95_us / 1000.0}, {"p99", t.p99_us / 1000.0}}},
          {"cpu_ms_mean", t.cpu_us_mean / 1000.0},
          {"max_rss_kb", t.max_rss_kb}};
}

}  // namespace

void add_jobs_routes(httplib::Server& server, WebContext& context) {
  server.Get(
      "/api/jobs",
      with_params({"id", "type", "queue", "batch", "status", "from", "to", "limit", "before"},
                  [&context](const httplib::Request& req, httplib::Response& res) {
                    auto query = page_query(req);
                    if (!query.ok()) return reply_error(res, query.error());
                    auto page = context.facts.with_store(
                        [&](OutcomeStore& store) { return store.page(query.value()); });
                    if (!page.ok()) return reply_error(res, page.error());
                    reply_json(res,
                               {{"jobs", outcomes_json(page.value().jobs)},
                                {"next", page.value().next
                                             ? nlohmann::json(std::to_string(*page.value().next))
                                             : nlohmann::json(nullptr)}});
                  }));
  server.Get("/api/jobs/([^/]+)",
             with_params({}, [&context](const httplib::Request& req, httplib::Response& res) {
               const auto id = req.matches[1].str();
               // The store and the ventilator, each one caller at a time, as `zpipe show` asks
               // them.
               auto shown = context.facts.with_client([&](Client& client) {
                 return context.facts.with_store([&](OutcomeStore& store) {
                   ShowSources sources;
                   sources.store = &store;
                   sources.ventilator = &client;
                   return show_json(sources, id);
                 });
               });
               if (!shown.ok()) return reply_error(res, shown.error());
               if (!shown.value()) {
                 return reply_error(res, 404,
                                    "no job " + id + " is known to the store or the ventilator");
               }
               reply_json(res, *shown.value());
             }));
  server.Get("/api/metrics", with_params({"window"}, [&context](const httplib::Request& req,
                                                                httplib::Response& res) {
               auto window = text_param(req, "window");
               if (window.empty()) window = "1h";
               if (window != "1h" && window != "1d") {
                 return reply_error(res, 400, "?window=" + window + ": 1h or 1d is wanted");
               }
               const std::uint64_t span_ms = window == "1h" ? 3'600'000 : 86'400'000;
               const auto since = unix_now_ms() - span_ms;
               auto stats = context.facts.with_store(
                   [since](OutcomeStore& store) { return store.type_stats(since); });
               if (!stats.ok()) return reply_error(res, stats.error());
               auto types = nlohmann::json::array();
               for (const auto& t : stats.value().types) types.push_back(type_stats_json(t));
               reply_json(res, {{"window", window},
                                {"since_ms", since},
                                {"sampled", stats.value().sampled},
                                {"types", types}});
             }));
}

}  // namespace zpipe
