#include "web/jobs_api.hpp"

#include <chrono>

#include "front/outcome_json.hpp"
#include "front/show_json.hpp"
#include "front/time_text.hpp"
#include "web/http_replies.hpp"
#include "web/query_params.hpp"

namespace zpipe {
namespace {

constexpr std::uint64_t kMaxUnixMs = 10'000'000'000'000;  // year 2286

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
// when the ventilator holds the job no more, or does not answer within the lookup's timeout.
// Not asked while the ventilator leaves the live feed's requests unanswered: a page must not
// wait for one that is gone (before, each waited a second and more, or 3 s for one stopped).
void add_where_now(WebContext& context, nlohmann::json& jobs) {
  std::vector<std::string> ids;
  for (const auto& j : jobs) ids.push_back(j["id"].get<std::string>());
  if (ids.empty() || context.feed.ventilator_silent()) return;
  auto states = context.facts.with_lookup_client([&ids](Client& c) { return c.job_statuses(ids); });
  if (!states.ok() || states.value().size() != ids.size()) return;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (states.value()[i].state != JobState::kUnknown) {
      jobs[i]["now"] = job_status_json(states.value()[i]);
    }
  }
}

nlohmann::json type_stats_json(const TypeStats& t) {
  const auto ms = [](double us) { return us / 1000.0; };
  nlohmann::json run = nullptr;
  if (t.run) {
    run = {{"p50", ms(static_cast<double>(t.run->p50_us))},
           {"p95", ms(static_cast<double>(t.run->p95_us))},
           {"p99", ms(static_cast<double>(t.run->p99_us))}};
  }
  return {{"type", t.type},
          {"jobs", t.jobs},
          {"succeeded", t.succeeded},
          {"dead", t.dead},
          {"cancelled", t.cancelled},
          {"attempts", t.attempts},
          {"failed_attempts", t.failed_attempts},
          {"failure_rate", t.failure_rate},
          {"run_ms", run},
          {"cpu_ms_mean", t.cpu_us_mean ? nlohmann::json(ms(*t.cpu_us_mean)) : nullptr},
          {"max_rss_kb", t.max_rss_kb}};
}

void list_jobs(WebContext& context, const httplib::Request& req, httplib::Response& res) {
  auto query = page_query(req);
  if (!query.ok()) return reply_error(res, query.error());
  auto page =
      context.facts.with_store([&](OutcomeStore& store) { return store.page(query.value()); });
  if (!page.ok()) return reply_error(res, page.error());
  auto jobs = nlohmann::json::array();
  for (const auto& paged : page.value().jobs) jobs.push_back(outcome_json(paged.stored));
  add_where_now(context, jobs);
  const auto& next = page.value().next;
  reply_json(res,
             {{"jobs", jobs}, {"next", next ? nlohmann::json(std::to_string(*next)) : nullptr}});
}

void show_job(WebContext& context, const httplib::Request& req, httplib::Response& res) {
  const auto id = req.matches[1].str();
  // The store and the ventilator, each one caller at a time, as `zpipe show` asks them; a
  // ventilator the live feed finds silent is not asked (the job shows what the store knows).
  const auto show_from = [&](Client* ventilator) {
    return context.facts.with_store([&](OutcomeStore& store) {
      ShowSources sources;
      sources.store = &store;
      sources.ventilator = ventilator;
      sources.why_no_ventilator =
          "the ventilator at " + context.options.ventilator + " has not answered for over a second";
      return show_json(sources, id);
    });
  };
  auto shown = context.feed.ventilator_silent()
                   ? show_from(nullptr)
                   : context.facts.with_client([&](Client& client) { return show_from(&client); });
  if (!shown.ok()) return reply_error(res, shown.error());
  if (!shown.value()) {
    return reply_error(res, 404, "no job " + id + " is known to the store or the ventilator");
  }
  reply_json(res, *shown.value());
}

void type_metrics(WebContext& context, const httplib::Request& req, httplib::Response& res) {
  auto window = text_param(req, "window");
  if (window.empty()) window = "1h";
  if (window != "1h" && window != "1d") {
    return reply_error(res, 400, "?window=" + window + ": 1h or 1d is wanted");
  }
  const std::uint64_t span_ms = window == "1h" ? 3'600'000 : 86'400'000;
  const auto since = static_cast<std::uint64_t>(unix_now_ms()) - span_ms;
  auto stats =
      context.facts.with_store([since](OutcomeStore& store) { return store.type_stats(since); });
  if (!stats.ok()) return reply_error(res, stats.error());
  auto types = nlohmann::json::array();
  for (const auto& t : stats.value().types) types.push_back(type_stats_json(t));
  reply_json(res, {{"window", window},
                   {"since_ms", since},
                   {"sampled", stats.value().sampled},
                   {"read_since_ms", stats.value().read_since_ms},
                   {"types", types}});
}

}  // namespace

void add_jobs_routes(httplib::Server& server, WebContext& context) {
  const auto with = [&context](auto handler) {
    return [&context, handler](const httplib::Request& req, httplib::Response& res) {
      handler(context, req, res);
    };
  };
  server.Get("/api/jobs", with_params({"id", "type", "queue", "batch", "status", "from", "to",
                                       "limit", "before"},
                                      with(list_jobs)));
  server.Get("/api/jobs/([^/]+)", with_params({}, with(show_job)));
  server.Get("/api/metrics", with_params({"window"}, with(type_metrics)));
}

}  // namespace zpipe
