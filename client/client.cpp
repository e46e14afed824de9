#include "client/client.hpp"

#include <algorithm>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>
#include <variant>

#include "common/plural.hpp"
#include "common/protocol.hpp"
#include "common/receive_frames.hpp"
#include "common/socket.hpp"
#include "common/socket_monitor.hpp"

namespace zpipe {
namespace {

// Jobs per submit request of submit_batch(), fewer when they do not fit one message
// (docs/PROTOCOL.md: "Send large batches in requests of up to 1,000 jobs").
constexpr std::size_t kJobsPerSubmit = 1000;

// The pipeline a reply names, and the request number it answers; nullopt for a message that
// is no reply.
std::optional<std::pair<std::string, std::uint64_t>> reply_header(const Message& message) {
  return std::visit(
      [](const auto& m) -> std::optional<std::pair<std::string, std::uint64_t>> {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, SubmitAccepted> || std::is_same_v<T, SubmitRefused> ||
                      std::is_same_v<T, StatusReply> || std::is_same_v<T, JobStates> ||
                      std::is_same_v<T, WorkersReply> || std::is_same_v<T, CancelReply> ||
                      std::is_same_v<T, QueuesReply> || std::is_same_v<T, ScheduledReply> ||
                      std::is_same_v<T, SchedulesReply> || std::is_same_v<T, BatchesReply> ||
                      std::is_same_v<T, WorkerControlReply> || std::is_same_v<T, RunNowReply>) {
          return std::make_pair(m.pipeline, m.req);
        } else {
          return std::nullopt;
        }
      },
      message);
}

// Whether something accepts connections at `endpoint` within `wait`. A ventilator that is up,
// however busy, completes the TCP (or IPC) connection at once, in its kernel; only where
// nothing listens does it never complete. This tells "nobody there" from "slow to answer"
// without shortening the wait for an answer. True when unsure (an endpoint it cannot connect).
bool accepts_connections(zmq::context_t& context, const std::string& endpoint,
                         std::chrono::milliseconds wait) {
  try {
    zmq::socket_t probe(context, zmq::socket_type::dealer);
    probe.set(zmq::sockopt::linger, 0);
    SocketMonitor monitor(context, probe, ZMQ_EVENT_CONNECTED);  // destroyed before `probe`
    probe.connect(endpoint);
    const auto deadline = std::chrono::steady_clock::now() + wait;
    while (monitor.take_events().empty()) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      zmq::pollitem_t items[] = {{monitor.handle(), 0, ZMQ_POLLIN, 0}};
      poll_sockets(items, 1, left);
    }
    return true;
  } catch (const zmq::error_t&) {
    return true;
  }
}

}  // namespace

Client::Client(ClientConfig config) : config_(std::move(config)), context_(1) { reconnect(); }

void Client::reconnect() {
  SocketOptions options;
  options.linger_ms = 0;           // an unanswered request must not be delivered later
  options.max_message_bytes = -1;  // decode() checks the size; libzmq would cut us off for good
  watch_.reset();                  // it watches the socket about to be replaced
  requests_ = make_socket(context_, zmq::socket_type::dealer, options);
  if (config_.curve.enabled()) {
    watch_ = std::make_unique<HandshakeWatch>(context_, requests_,
                                              "the ventilator at " + config_.ventilator);
  }
  connect_endpoint(requests_, config_.ventilator, "ventilator", config_.curve);
}

Result<Message> Client::request(const std::string& body, std::uint64_t req) {
  // DEALER queues the request until the ventilator is reachable; the reply timeout covers it.
  (void)requests_.send(zmq::buffer(body), zmq::send_flags::dontwait);
  const auto deadline = std::chrono::steady_clock::now() + config_.reply_timeout;
  // No answer this soon: see whether anything listens there at all, and if not, say so
  // within about a second instead of waiting out the reply timeout.
  auto check_at = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::min(deadline, check_at) - std::chrono::steady_clock::now());
    zmq::pollitem_t items[] = {{requests_.handle(), 0, ZMQ_POLLIN, 0}};
    const bool answered = left.count() > 0 && poll_sockets(items, 1, left) != 0;
    if (!answered && check_at < deadline) {
      check_at = deadline;  // once
      const auto check_for = std::min<std::chrono::milliseconds>(
          std::chrono::seconds(1), std::chrono::duration_cast<std::chrono::milliseconds>(
                                       deadline - std::chrono::steady_clock::now()));
      if (!accepts_connections(context_, config_.ventilator, check_for)) {
        reconnect();  // drop the unanswered request
        return make_error(ErrorCode::kUnavailable, "nothing answers at " + config_.ventilator +
                                                       ": is the ventilator running? (zpipe up)");
      }
      continue;
    }
    if (!answered) {
      auto refused = watch_ ? watch_->take_failure() : std::nullopt;
      reconnect();  // drop the unanswered request and any late reply
      if (refused) return make_error(ErrorCode::kUnavailable, *refused);
      return make_error(ErrorCode::kTimeout,
                        "no answer from the ventilator at " + config_.ventilator + " within " +
                            std::to_string(config_.reply_timeout.count()) +
                            " ms (is it running? `zpipe up` starts one" +
                            (config_.curve.enabled() ? "; with CURVE, is this key in its "
                                                       "--curve-trust, and --curve-server-key "
                                                       "its public key?)"
                                                     : "; a ventilator with CURVE does not "
                                                       "answer clients without a key)"));
    }
    // [body], or ["", body] after a delimiter: the body is the last frame kept.
    const auto received = receive_frames(requests_, 2);
    if (received.total == 0) continue;
    const auto& reply = received.frames.back();
    auto decoded = decode(reply.to_string_view(), config_.limits);
    if (!decoded.ok()) {
      return make_error(decoded.error().code,
                        "bad reply from the ventilator: " + decoded.error().message);
    }
    auto& message = decoded.value();
    const auto header = reply_header(message);
    if (!header) continue;
    const auto& [pipeline, answers] = *header;
    const auto* refused = std::get_if<SubmitRefused>(&message);
    // A late reply to an old request (a refusal of an unreadable one says req 0).
    if (answers != req && !(refused != nullptr && answers == 0)) continue;
    const bool refused_as_meant_for_another =
        refused != nullptr && refused->code == to_string(ErrorCode::kWrongPipeline);
    if (!config_.pipeline.empty() && pipeline != config_.pipeline &&
        !refused_as_meant_for_another) {
      return make_error(ErrorCode::kUnavailable,
                        "the ventilator at " + config_.ventilator + " is " +
                            (pipeline.empty() ? std::string("a pipeline that does not say which")
                                              : "pipeline " + pipeline) +
                            ", not pipeline " + config_.pipeline +
                            " (ZPIPE_PIPELINE): nothing was done there");
    }
    pipeline_ = pipeline;
    if (refused != nullptr) {
      return make_error(error_code_from(refused->code).value_or(ErrorCode::kInvalid),
                        "refused (" + refused->code + "): " + refused->message);
    }
    return std::move(message);
  }
}

Result<std::vector<std::string>> Client::submit(const std::vector<JobSpec>& jobs) {
  if (jobs.size() > config_.limits.max_jobs_per_submit) {
    return make_error(
        ErrorCode::kTooLarge,
        "at most " + std::to_string(config_.limits.max_jobs_per_submit) + " jobs per submit");
  }
  const auto give_up = std::chrono::steady_clock::now() + config_.busy_wait;
  auto pause = std::chrono::milliseconds(10);
  Result<Message> reply = make_error(ErrorCode::kBusy, "");
  while (true) {
    const auto req = next_req_++;
    const auto body = encode(SubmitRequest{req, jobs, config_.pipeline});
    if (body.size() > config_.limits.max_message_bytes) {
      return make_error(ErrorCode::kTooLarge,
                        "the submit request is " + std::to_string(body.size()) +
                            " bytes, over the " + std::to_string(config_.limits.max_message_bytes) +
                            "-byte message limit; send fewer jobs at a time");
    }
    reply = request(body, req);
    // A full backlog drains as workers finish jobs, and a full disk is cleared by someone:
    // wait for room rather than fail.
    if (reply.ok() || !is_refused_for_now(reply.error().code) ||
        std::chrono::steady_clock::now() + pause > give_up) {
      break;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(500));
  }
  if (!reply.ok()) return reply.error();
  auto* accepted = std::get_if<SubmitAccepted>(&reply.value());
  if (accepted == nullptr) {
    return make_error(ErrorCode::kUnexpectedKind, "the ventilator answered a submit with " +
                                                      std::string(kind_name(reply.value())));
  }
  if (accepted->ids.size() != jobs.size()) {
    return make_error(ErrorCode::kInvalid, "the ventilator accepted " +
                                               std::to_string(accepted->ids.size()) + " ids for " +
                                               std::to_string(jobs.size()) + " jobs");
  }
  return std::move(accepted->ids);
}

Result<std::string> Client::submit(const JobSpec& job) {
  auto ids = submit(std::vector<JobSpec>{job});
  if (!ids.ok()) return ids.error();
  return ids.value().front();
}

Result<StatusReply> Client::status_report() {
  const auto req = next_req_++;
  auto reply = request(encode(StatusRequest{req}), req);
  if (!reply.ok()) return reply.error();
  auto* status = std::get_if<StatusReply>(&reply.value());
  if (status == nullptr) {
    return make_error(ErrorCode::kUnexpectedKind, "the ventilator answered a status request with " +
                                                      std::string(kind_name(reply.value())));
  }
  return std::move(*status);
}

Result<std::vector<WorkerSummary>> Client::workers() {
  const auto req = next_req_++;
  auto reply = request(encode(WorkersRequest{req}), req);
  if (!reply.ok()) return reply.error();
  auto* workers = std::get_if<WorkersReply>(&reply.value());
  if (workers == nullptr) {
    // A ventilator older than the request refuses it (unexpected_kind or unknown_kind): that
    // refusal is the Error request() returns.
    return make_error(
        ErrorCode::kUnexpectedKind,
        "the ventilator answered a workers request with " + std::string(kind_name(reply.value())));
  }
  return std::move(workers->workers);
}

Result<PipelineCounts> Client::status() {
  auto report = status_report();
  if (!report.ok()) return report.error();
  return report.value().counts;
}

Result<std::vector<JobStatus>> Client::job_statuses(const std::vector<std::string>& ids) {
  std::vector<JobStatus> statuses;
  statuses.reserve(ids.size());
  for (std::size_t first = 0; first < ids.size(); first += kMaxJobsPerQuery) {
    const auto last = std::min(ids.size(), first + kMaxJobsPerQuery);
    JobsQuery query{next_req_++, std::vector<std::string>(ids.begin() + static_cast<long>(first),
                                                          ids.begin() + static_cast<long>(last))};
    auto reply = request(encode(query), query.req);
    if (!reply.ok()) return reply.error();
    auto* states = std::get_if<JobStates>(&reply.value());
    if (states == nullptr || states->jobs.size() != query.ids.size()) {
      return make_error(ErrorCode::kUnexpectedKind,
                        "the ventilator answered a query about " +
                            std::to_string(query.ids.size()) + " jobs with " +
                            (states == nullptr ? std::string(kind_name(reply.value()))
                                               : std::to_string(states->jobs.size()) + " states"));
    }
    for (auto& job : states->jobs) statuses.push_back(std::move(job));
  }
  return statuses;
}

Result<std::vector<std::string>> Client::dead_jobs(DeadJobsRequest request_message) {
  request_message.req = next_req_++;
  request_message.pipeline = config_.pipeline;
  auto reply = request(encode(request_message), request_message.req);
  if (!reply.ok()) return reply.error();
  auto* accepted = std::get_if<SubmitAccepted>(&reply.value());
  if (accepted == nullptr) {
    return make_error(ErrorCode::kUnexpectedKind,
                      "the ventilator answered a " +
                          std::string(kind_name(Message(request_message))) + " request with " +
                          std::string(kind_name(reply.value())));
  }
  return std::move(accepted->ids);
}

template <class Reply, class Request>
Result<Reply> Client::ask(Request request_message) {
  request_message.req = next_req_++;
  auto reply = request(encode(request_message), request_message.req);
  if (!reply.ok()) return reply.error();
  auto* answer = std::get_if<Reply>(&reply.value());
  if (answer == nullptr) {
    // A ventilator older than the request refuses it (unknown_kind): that refusal is the Error
    // request() returns. Anything else is a reply to something else.
    return make_error(ErrorCode::kUnexpectedKind,
                      "the ventilator answered a " +
                          std::string(kind_name(Message(request_message))) + " request with " +
                          std::string(kind_name(reply.value())));
  }
  return std::move(*answer);
}

Result<CancelReply> Client::cancel(const std::vector<std::string>& ids, const std::string& by) {
  CancelReply all;
  all.jobs.reserve(ids.size());
  for (std::size_t first = 0; first < ids.size(); first += kMaxJobsPerQuery) {
    const auto last = std::min(ids.size(), first + kMaxJobsPerQuery);
    CancelRequest cancel_request{0,
                                 std::vector<std::string>(ids.begin() + static_cast<long>(first),
                                                          ids.begin() + static_cast<long>(last)),
                                 by, config_.pipeline};
    auto reply = ask<CancelReply>(cancel_request);
    if (!reply.ok()) return reply.error();
    if (reply.value().jobs.size() != cancel_request.ids.size()) {
      return make_error(ErrorCode::kInvalid, "the ventilator answered a cancel of " +
                                                 std::to_string(cancel_request.ids.size()) +
                                                 " jobs about " +
                                                 std::to_string(reply.value().jobs.size()));
    }
    all.req = reply.value().req;
    all.pipeline = reply.value().pipeline;
    for (auto& job : reply.value().jobs) all.jobs.push_back(std::move(job));
  }
  return all;
}

Result<WorkerControlReply> Client::control_worker(const std::string& worker, WorkerAction action,
                                                  const std::string& by) {
  return ask<WorkerControlReply>(WorkerControl{0, worker, action, by, config_.pipeline});
}

Result<RunNowReply> Client::run_now(const std::vector<std::string>& ids) {
  RunNowReply all;
  all.jobs.reserve(ids.size());
  for (std::size_t first = 0; first < ids.size(); first += kMaxJobsPerQuery) {
    const auto last = std::min(ids.size(), first + kMaxJobsPerQuery);
    RunNowRequest request_message{0,
                                  std::vector<std::string>(ids.begin() + static_cast<long>(first),
                                                           ids.begin() + static_cast<long>(last)),
                                  config_.pipeline};
    auto reply = ask<RunNowReply>(request_message);
    if (!reply.ok()) return reply.error();
    if (reply.value().jobs.size() != request_message.ids.size()) {
      return make_error(ErrorCode::kInvalid, "the ventilator answered a run_now of " +
                                                 std::to_string(request_message.ids.size()) +
                                                 " jobs about " +
                                                 std::to_string(reply.value().jobs.size()));
    }
    all.req = reply.value().req;
    all.pipeline = reply.value().pipeline;
    for (auto& job : reply.value().jobs) all.jobs.push_back(std::move(job));
  }
  return all;
}

Result<QueuesReply> Client::queues() { return ask<QueuesReply>(QueuesRequest{}); }

Result<QueuesReply> Client::pause(const std::string& queue) {
  return ask<QueuesReply>(QueueControl{0, queue, true, config_.pipeline});
}

Result<QueuesReply> Client::resume(const std::string& queue) {
  return ask<QueuesReply>(QueueControl{0, queue, false, config_.pipeline});
}

Result<QueuesReply> Client::set_limit(const std::string& limit) {
  return ask<QueuesReply>(LimitControl{0, false, limit, config_.pipeline});
}

Result<QueuesReply> Client::clear_limit(const std::string& limit) {
  return ask<QueuesReply>(LimitControl{0, true, limit, config_.pipeline});
}

Result<ScheduledReply> Client::scheduled(std::uint64_t limit) {
  return ask<ScheduledReply>(ScheduledRequest{0, limit});
}

Result<SchedulesReply> Client::schedules() {
  return ask<SchedulesReply>(
      ScheduleControl{0, ScheduleControl::Action::kList, RecurringJob{}, config_.pipeline});
}

Result<SchedulesReply> Client::add_schedule(const RecurringJob& schedule) {
  return ask<SchedulesReply>(
      ScheduleControl{0, ScheduleControl::Action::kAdd, schedule, config_.pipeline});
}

Result<SchedulesReply> Client::remove_schedule(const std::string& name) {
  RecurringJob named;
  named.name = name;
  return ask<SchedulesReply>(
      ScheduleControl{0, ScheduleControl::Action::kRemove, named, config_.pipeline});
}

Result<std::string> Client::open_batch(const BatchOptions& options) {
  auto accepted = ask<SubmitAccepted>(
      BatchOpen{0, options.description, options.on_complete, options.on_success, config_.pipeline});
  if (!accepted.ok()) return accepted.error();
  if (accepted.value().ids.size() != 1) {
    return make_error(ErrorCode::kInvalid, "the ventilator answered a batch_open with " +
                                               count_noun(accepted.value().ids.size(), "id"));
  }
  return std::move(accepted.value().ids.front());
}

Result<Ok> Client::seal_batch(const std::string& id) {
  auto accepted = ask<SubmitAccepted>(BatchSeal{0, id, config_.pipeline});
  if (!accepted.ok()) return accepted.error();
  return Ok{};
}

Result<std::vector<BatchSummary>> Client::batches(const std::vector<std::string>& ids) {
  std::vector<BatchSummary> all;
  all.reserve(ids.size());
  for (std::size_t first = 0; first < ids.size(); first += kMaxBatchesListed) {
    const auto last = std::min<std::size_t>(ids.size(), first + kMaxBatchesListed);
    BatchesRequest request_message{0,
                                   std::vector<std::string>(ids.begin() + static_cast<long>(first),
                                                            ids.begin() + static_cast<long>(last))};
    auto reply = ask<BatchesReply>(request_message);
    if (!reply.ok()) return reply.error();
    if (reply.value().batches.size() != request_message.ids.size()) {
      return make_error(ErrorCode::kInvalid,
                        "the ventilator answered a batches_request about " +
                            count_noun(request_message.ids.size(), "batch", "batches") + " with " +
                            std::to_string(reply.value().batches.size()));
    }
    for (auto& batch : reply.value().batches) all.push_back(std::move(batch));
  }
  return all;
}

Result<std::vector<BatchSummary>> Client::batches(std::uint64_t limit) {
  auto reply = ask<BatchesReply>(BatchesRequest{0, {}, std::min(limit, kMaxBatchesListed)});
  if (!reply.ok()) return reply.error();
  return std::move(reply.value().batches);
}

Result<SubmittedBatch> Client::submit_batch(const BatchOptions& options,
                                            std::vector<JobSpec> jobs) {
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    if (!jobs[i].batch.empty()) {
      return make_error(ErrorCode::kInvalid, "job " + std::to_string(i + 1) + " names batch " +
                                                 jobs[i].batch +
                                                 ": every job goes into the batch opened for them");
    }
  }
  auto opened = open_batch(options);
  if (!opened.ok()) return opened.error();
  SubmittedBatch made{std::move(opened).value(), {}};
  made.job_ids.reserve(jobs.size());
  for (auto& job : jobs) job.batch = made.id;
  const auto most = std::min(kJobsPerSubmit, config_.limits.max_jobs_per_submit);
  for (std::size_t first = 0; first < jobs.size();) {
    auto count = std::min(most, jobs.size() - first);
    auto ids = submit(std::vector<JobSpec>(jobs.begin() + static_cast<long>(first),
                                           jobs.begin() + static_cast<long>(first + count)));
    // Over a limit (the message size, checked here before sending, or the ventilator's): none
    // of them was accepted. Fewer at a time.
    while (!ids.ok() && ids.error().code == ErrorCode::kTooLarge && count > 1) {
      count = (count + 1) / 2;
      ids = submit(std::vector<JobSpec>(jobs.begin() + static_cast<long>(first),
                                        jobs.begin() + static_cast<long>(first + count)));
    }
    if (!ids.ok()) {
      return make_error(ids.error().code,
                        "batch " + made.id + " is left open with " + std::to_string(first) +
                            " of its " + count_noun(jobs.size(), "job") + " in (sealing it ends " +
                            "it with those): " + ids.error().message);
    }
    for (auto& id : ids.value()) made.job_ids.push_back(std::move(id));
    first += count;
  }
  auto sealed = seal_batch(made.id);
  if (!sealed.ok()) {
    return make_error(sealed.error().code, "batch " + made.id + " has all its " +
                                               count_noun(jobs.size(), "job") +
                                               " but is not sealed: " + sealed.error().message);
  }
  return made;
}

}  // namespace zpipe
