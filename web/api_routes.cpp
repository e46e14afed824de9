#include "web/api_routes.hpp"

#include <chrono>

#include "common/version.hpp"
#include "front/batches_json.hpp"
#include "front/cancel_json.hpp"
#include "front/outcome_json.hpp"
#include "front/queues_json.hpp"
#include "front/run_now_json.hpp"
#include "front/schedules_json.hpp"
#include "front/show_json.hpp"
#include "front/status_json.hpp"
#include "front/workers_json.hpp"
#include "web/http_replies.hpp"
#include "web/jobs_api.hpp"
#include "web/query_params.hpp"

namespace zpipe {
namespace {

// Who an action is taken by, kept with a cancelled job's record as `zpipe cancel --by` keeps it.
std::string actor(const httplib::Request& req) { return "zpipe-web (" + req.remote_addr + ")"; }

// The JSON body of a POST; an empty body reads as {}.
Result<nlohmann::json> json_body(const httplib::Request& req) {
  if (req.body.empty()) return nlohmann::json::object();
  auto body = nlohmann::json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return Error{ErrorCode::kInvalid, "the body is not a JSON object"};
  }
  return body;
}

// The ids of a body's "ids": a list of strings.
Result<std::vector<std::string>> ids_of(const nlohmann::json& body) {
  std::vector<std::string> ids;
  if (!body.contains("ids")) return ids;
  if (!body["ids"].is_array()) return Error{ErrorCode::kInvalid, "\"ids\" must be a list"};
  for (const auto& id : body["ids"]) {
    if (!id.is_string() || id.get<std::string>().empty()) {
      return Error{ErrorCode::kInvalid, "\"ids\" must hold job ids (strings)"};
    }
    ids.push_back(id.get<std::string>());
  }
  return ids;
}

// Cancels the job the path names (its first match), as `zpipe cancel ID` does.
void cancel_one(WebContext& context, const httplib::Request& req, httplib::Response& res) {
  const std::vector<std::string> ids{req.matches[1].str()};
  auto done = context.facts.with_client([&](Client& c) { return c.cancel(ids, actor(req)); });
  if (!done.ok()) return reply_error(res, done.error());
  auto body = cancel_json(done.value());
  body["ok"] = true;
  reply_json(res, body);
}

void add_status_routes(httplib::Server& server, WebContext& context) {
  server.Get(
      "/api/status", with_params({}, [&context](const httplib::Request&, httplib::Response& res) {
        nlohmann::json body = nlohmann::json::object();
        auto status = context.read_from_ventilator([](Client& c) { return c.status_report(); });
        if (status.ok()) {
          body = status_json(status.value());
        } else {
          body["ventilator_problem"] = status.error().message;
        }
        auto totals = context.facts.with_store([](OutcomeStore& s) { return s.totals(); });
        if (totals.ok()) {
          body["store"] = {{"succeeded", totals.value().succeeded},
                           {"dead", totals.value().failed},
                           {"cancelled", totals.value().cancelled}};
        } else {
          body["store_problem"] = totals.error().message;
        }
        const auto digest = context.feed.latest();
        body["live"] = digest.live ? *digest.live : nlohmann::json(nullptr);
        body["web"] = {{"read_only", context.guard.read_only()},
                       {"token", context.guard.needs_token()},
                       {"version", std::string(kZpipeVersion)}};
        reply_json(res, body);
      }));
}

void add_worker_routes(httplib::Server& server, WebContext& context) {
  server.Get("/api/workers",
             with_params({}, [&context](const httplib::Request&, httplib::Response& res) {
               std::string pipeline;
               auto workers = context.read_from_ventilator([&pipeline](Client& c) {
                 auto found = c.workers();
                 pipeline = c.pipeline();
                 return found;
               });
               if (!workers.ok()) return reply_error(res, workers.error());
               auto body = workers_json(pipeline, workers.value());
               const auto lives = context.feed.worker_lives();
               for (auto& worker : body["workers"]) {
                 const auto live = lives.find(worker["name"].get<std::string>());
                 if (live != lives.end()) worker["live"] = live->second;
               }
               reply_json(res, body);
             }));
  server.Post("/api/workers/([^/]+)/(pause|resume|stop)", [&context](const httplib::Request& req,
                                                                     httplib::Response& res) {
    const auto name = req.matches[1].str();
    const auto action = req.matches[2].str();
    // The route's pattern lets only the three actions through.
    const auto order = *worker_action_from(action);
    auto done = context.facts.with_client(
        [&](Client& c) { return c.control_worker(name, order, actor(req)); });
    if (!done.ok()) return reply_error(res, done.error());
    context.log->info("{} worker {} ({})", action, done.value().worker, actor(req));
    reply_json(res, {{"ok", true}, {"worker", done.value().worker}, {"action", action}});
  });
}

void add_queue_routes(httplib::Server& server, WebContext& context) {
  server.Get("/api/queues",
             with_params({}, [&context](const httplib::Request&, httplib::Response& res) {
               auto queues = context.read_from_ventilator([](Client& c) { return c.queues(); });
               if (!queues.ok()) return reply_error(res, queues.error());
               reply_json(res, queues_json(queues.value()));
             }));
  server.Post("/api/queues/([^/]+)/(pause|resume)", [&context](const httplib::Request& req,
                                                               httplib::Response& res) {
    const auto queue = req.matches[1].str();
    const bool pause = req.matches[2].str() == "pause";
    auto queues = context.facts.with_client(
        [&](Client& c) { return pause ? c.pause(queue) : c.resume(queue); });
    if (!queues.ok()) return reply_error(res, queues.error());
    context.log->info("{} queue {} ({})", pause ? "paused" : "resumed", queue, actor(req));
    auto body = queues_json(queues.value());
    body["ok"] = true;
    reply_json(res, body);
  });
}

// Retry or discard dead jobs: by ids, by type, or all.
void act_on_dead(WebContext& context, const httplib::Request& req, httplib::Response& res,
                 DeadJobsRequest::Action action, DeadSelection selection) {
  DeadJobsRequest request;
  request.action = action;
  request.selection = std::move(selection);
  auto done = context.facts.with_client([&](Client& c) { return c.dead_jobs(request); });
  if (!done.ok()) return reply_error(res, done.error());
  const auto verb = action == DeadJobsRequest::Action::kRetry ? "retried" : "discarded";
  context.log->info("{} {} dead job(s) ({})", verb, done.value().size(), actor(req));
  reply_json(res, {{"ok", true}, {verb, done.value()}, {"count", done.value().size()}});
}

void add_job_action_routes(httplib::Server& server, WebContext& context) {
  server.Post("/api/jobs/([^/]+)/(retry|discard)", [&context](const httplib::Request& req,
                                                              httplib::Response& res) {
    DeadSelection selection;
    selection.ids = {req.matches[1].str()};
    const auto action = req.matches[2].str() == "retry" ? DeadJobsRequest::Action::kRetry
                                                        : DeadJobsRequest::Action::kDiscard;
    act_on_dead(context, req, res, action, std::move(selection));
  });
  server.Post("/api/jobs/([^/]+)/cancel",
              [&context](const httplib::Request& req, httplib::Response& res) {
                cancel_one(context, req, res);
              });
  server.Post(
      "/api/dead/(retry|discard)", [&context](const httplib::Request& req, httplib::Response& res) {
        auto body = json_body(req);
        if (!body.ok()) return reply_error(res, body.error());
        DeadSelection selection;
        auto ids = ids_of(body.value());
        if (!ids.ok()) return reply_error(res, ids.error());
        selection.ids = std::move(ids).value();
        const auto& b = body.value();
        if (b.contains("type")) {
          if (!b["type"].is_string() || b["type"].get<std::string>().empty()) {
            return reply_error(res, 400, "\"type\" must name a job type");
          }
          selection.type = b["type"].get<std::string>();
        }
        selection.all_dead = !selection.type.empty() || (b.contains("all") && b["all"] == true);
        if (selection.ids.empty() == !selection.all_dead) {
          return reply_error(
              res, 400, "say which dead jobs: {\"ids\": [...]}, {\"type\": T} or {\"all\": true}");
        }
        const auto action = req.matches[1].str() == "retry" ? DeadJobsRequest::Action::kRetry
                                                            : DeadJobsRequest::Action::kDiscard;
        act_on_dead(context, req, res, action, std::move(selection));
      });
}

void add_schedule_routes(httplib::Server& server, WebContext& context) {
  server.Get(
      "/api/scheduled",
      with_params({"limit"}, [&context](const httplib::Request& req, httplib::Response& res) {
        auto limit = number_param(req, "limit", 100, 1, 1000);
        if (!limit.ok()) return reply_error(res, limit.error());
        auto reply =
            context.read_from_ventilator([&](Client& c) { return c.scheduled(limit.value()); });
        if (!reply.ok()) return reply_error(res, reply.error());
        reply_json(res, scheduled_jobs_json(reply.value()));
      }));
  server.Post("/api/scheduled/([^/]+)/run",
              [&context](const httplib::Request& req, httplib::Response& res) {
                const std::vector<std::string> ids{req.matches[1].str()};
                auto done = context.facts.with_client([&](Client& c) { return c.run_now(ids); });
                if (!done.ok()) return reply_error(res, done.error());
                auto body = run_now_json(done.value());
                body["ok"] = true;
                reply_json(res, body);
              });
  server.Post("/api/scheduled/([^/]+)/delete",
              [&context](const httplib::Request& req, httplib::Response& res) {
                cancel_one(context, req, res);
              });
  server.Get("/api/schedules",
             with_params({}, [&context](const httplib::Request&, httplib::Response& res) {
               auto reply = context.read_from_ventilator([](Client& c) { return c.schedules(); });
               if (!reply.ok()) return reply_error(res, reply.error());
               reply_json(res, schedules_json(reply.value()));
             }));
  server.Post("/api/schedules/([^/]+)/run", [&context](const httplib::Request& req,
                                                       httplib::Response& res) {
    const auto name = req.matches[1].str();
    auto id = context.facts.with_client([&](Client& c) -> Result<std::string> {
      auto schedules = c.schedules();
      if (!schedules.ok()) return schedules.error();
      for (const auto& s : schedules.value().schedules) {
        if (s.name == name) return c.submit(s.job);
      }
      return Error{ErrorCode::kInvalid, "no recurring job named " + name};
    });
    if (!id.ok()) return reply_error(res, id.error());
    context.log->info("ran recurring job {} now as {} ({})", name, id.value(), actor(req));
    reply_json(res, {{"ok", true}, {"schedule", name}, {"job", id.value()}});
  });
  server.Post("/api/schedules/([^/]+)/delete", [&context](const httplib::Request& req,
                                                          httplib::Response& res) {
    const auto name = req.matches[1].str();
    auto reply = context.facts.with_client([&](Client& c) { return c.remove_schedule(name); });
    if (!reply.ok()) return reply_error(res, reply.error());
    context.log->info("removed recurring job {} ({})", name, actor(req));
    auto body = schedules_json(reply.value());
    body["ok"] = true;
    reply_json(res, body);
  });
}

void add_batch_routes(httplib::Server& server, WebContext& context) {
  server.Get("/api/batches", with_params({"limit"}, [&context](const httplib::Request& req,
                                                               httplib::Response& res) {
               auto limit = number_param(req, "limit", 100, 1, 1000);
               if (!limit.ok()) return reply_error(res, limit.error());
               std::string pipeline;
               auto batches = context.read_from_ventilator([&](Client& c) {
                 auto found = c.batches(limit.value());
                 pipeline = c.pipeline();
                 return found;
               });
               if (!batches.ok()) return reply_error(res, batches.error());
               reply_json(res, batches_json(pipeline, batches.value()));
             }));
  server.Get("/api/batches/([^/]+)",
             with_params({}, [&context](const httplib::Request& req, httplib::Response& res) {
               const auto id = req.matches[1].str();
               auto body = context.read_from_ventilator([&](Client& c) -> Result<nlohmann::json> {
                 auto found = c.batches(std::vector<std::string>{id});
                 if (!found.ok()) return found.error();
                 const auto& batch = found.value().at(0);
                 if (!batch.known) return Error{ErrorCode::kInvalid, "no batch " + id};
                 std::vector<std::string> callback_ids;
                 for (const auto* cb : {&batch.on_complete_id, &batch.on_success_id}) {
                   if (!cb->empty()) callback_ids.push_back(*cb);
                 }
                 std::vector<JobStatus> callbacks;
                 if (!callback_ids.empty()) {
                   if (auto states = c.job_statuses(callback_ids); states.ok())
                     callbacks = states.value();
                 }
                 return batch_show_json(c.pipeline(), batch, callbacks);
               });
               if (!body.ok()) {
                 return reply_error(
                     res, body.error().code == ErrorCode::kInvalid ? 404 : status_of(body.error()),
                     body.error().message);
               }
               reply_json(res, body.value());
             }));
}

}  // namespace

void add_api_routes(httplib::Server& server, WebContext& context) {
  add_status_routes(server, context);
  add_worker_routes(server, context);
  add_queue_routes(server, context);
  add_job_action_routes(server, context);
  add_schedule_routes(server, context);
  add_batch_routes(server, context);
  add_jobs_routes(server, context);
}

}  // namespace zpipe
