// zpipe-web's API and metrics against a real pipeline: what it answers equals what the zpipe
// commands and the ventilator say, its actions act, and nothing passes its guard without the
// token or the CSRF header.
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/program_run.hpp"
#include "tests/support/test_pipeline.hpp"
#include "tests/support/wait_until.hpp"
#include "tests/support/web_under_test.hpp"

namespace zpipe::test {
namespace {

using namespace std::chrono_literals;

JobSpec job(const std::string& type, nlohmann::json payload = nullptr,
            std::uint32_t max_attempts = 0) {
  return JobSpec{type, Payload::from_json(payload), 0, max_attempts};
}

// The samples of a Prometheus text whose name and labels start with `prefix`, by series.
std::map<std::string, double> samples(const std::string& text, const std::string& prefix) {
  std::map<std::string, double> found;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#' || line.rfind(prefix, 0) != 0) continue;
    const auto space = line.rfind(' ');
    found[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return found;
}

std::string metrics(const WebUnderTest& web) {
  auto client = web.client();
  auto res = client.Get("/metrics");
  return res && res->status == 200 ? res->body : "";
}

// Submits `echoes` echo jobs and `dead` fail jobs of one attempt; waits until all are recorded.
void run_jobs(TestPipeline& pipeline, int echoes, int dead) {
  auto client = pipeline.client();
  std::vector<JobSpec> jobs;
  for (int i = 0; i < echoes; ++i) jobs.push_back(job("echo", {{"n", i}}));
  for (int i = 0; i < dead; ++i) jobs.push_back(job("fail", nullptr, 1));
  ASSERT_TRUE(client.submit(jobs).ok());
  ASSERT_TRUE(pipeline.wait_for_finished(static_cast<std::uint64_t>(echoes + dead), 30s));
  ASSERT_TRUE(wait_until(
      [&] {
        auto totals = pipeline.store()->totals();
        return totals.ok() && totals.value().succeeded + totals.value().failed ==
                                  static_cast<std::uint64_t>(echoes + dead);
      },
      20s));
}

TEST(WebApi, StatusAndMetricsEqualWhatTheVentilatorSaysAfterARun) {
  TestPipeline pipeline(TestPipelineOptions(2, 2));
  WebUnderTest web(pipeline);
  run_jobs(pipeline, 40, 3);
  auto counts = pipeline.client().status();
  ASSERT_TRUE(counts.ok());

  const auto status = web.get_json("/api/status");
  ASSERT_EQ(status.status, 200) << status.text;
  EXPECT_EQ(status.body["succeeded"], counts.value().succeeded);
  EXPECT_EQ(status.body["dead"], counts.value().dead);
  EXPECT_EQ(status.body["failed"], counts.value().failed);
  EXPECT_EQ(status.body["store"]["succeeded"], 40);
  EXPECT_EQ(status.body["store"]["dead"], 3);
  EXPECT_EQ(status.body["web"]["read_only"], false);

  // The histograms and the dead counter follow the store, which zpipe-web reads once a second.
  std::map<std::string, double> counted;
  ASSERT_TRUE(wait_until(
      [&] {
        counted = samples(metrics(web), "zpipe_job_duration_seconds_count");
        return counted[R"(zpipe_job_duration_seconds_count{type="echo"})"] == 40 &&
               counted[R"(zpipe_job_duration_seconds_count{type="fail"})"] == 3;
      },
      10s))
      << metrics(web);
  const auto text = metrics(web);
  const auto plain = samples(text, "zpipe_");
  EXPECT_EQ(plain.at("zpipe_jobs_succeeded_total"), static_cast<double>(counts.value().succeeded));
  EXPECT_EQ(plain.at("zpipe_jobs_failed_attempts_total"),
            static_cast<double>(counts.value().failed));
  EXPECT_EQ(plain.at("zpipe_jobs_dead"), static_cast<double>(counts.value().dead));
  EXPECT_EQ(plain.at("zpipe_jobs_dead_total"), 3);
  EXPECT_EQ(plain.at("zpipe_jobs_pending"), 0);
  EXPECT_EQ(plain.at("zpipe_jobs_in_flight"), 0);
  EXPECT_EQ(plain.at("zpipe_workers"), 2);
  EXPECT_EQ(plain.at("zpipe_worker_slots"), 4);
  EXPECT_EQ(plain.at(R"(zpipe_up{component="ventilator"})"), 1);
  // Each type's buckets never fall, and the last (+Inf) is its count.
  for (const std::string type : {"echo", "fail"}) {
    const auto buckets = samples(text, "zpipe_job_duration_seconds_bucket{type=\"" + type + "\"");
    double previous = 0;
    for (const auto bound : {"0.001", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1",
                             "2.5", "5", "10", "30", "120", "+Inf"}) {
      const auto key = "zpipe_job_duration_seconds_bucket{type=\"" + type + "\",le=\"" +
                       std::string(bound) + "\"}";
      ASSERT_TRUE(buckets.contains(key)) << key << "\n" << text;
      EXPECT_GE(buckets.at(key), previous) << key;
      previous = buckets.at(key);
    }
    EXPECT_EQ(previous, counted["zpipe_job_duration_seconds_count{type=\"" + type + "\"}"]);
  }
  EXPECT_EQ(web.get_json("/healthz").text, "ok\n");
}

TEST(WebApi, JobsArePagedByCursorFilteredAndShownOneByOne) {
  TestPipeline pipeline(TestPipelineOptions(2, 2));
  WebUnderTest web(pipeline);
  run_jobs(pipeline, 120, 5);

  std::set<std::string> seen;
  std::string next;
  int pages = 0;
  do {
    const auto page = web.get_json("/api/jobs?limit=50" + (next.empty() ? "" : "&before=" + next));
    ASSERT_EQ(page.status, 200) << page.text;
    for (const auto& j : page.body["jobs"]) {
      EXPECT_TRUE(seen.insert(j["id"].get<std::string>()).second) << "listed twice: " << j;
    }
    next = page.body["next"].is_null() ? "" : page.body["next"].get<std::string>();
    ++pages;
  } while (!next.empty() && pages < 10);
  EXPECT_EQ(seen.size(), 125u);
  EXPECT_EQ(pages, 3);

  const auto dead = web.get_json("/api/jobs?status=dead");
  ASSERT_EQ(dead.status, 200) << dead.text;
  ASSERT_EQ(dead.body["jobs"].size(), 5u);
  for (const auto& j : dead.body["jobs"]) EXPECT_EQ(j["type"], "fail");
  EXPECT_EQ(web.get_json("/api/jobs?type=echo&limit=200").body["jobs"].size(), 120u);

  const auto id = dead.body["jobs"][0]["id"].get<std::string>();
  const auto shown = web.get_json("/api/jobs/" + id);
  ASSERT_EQ(shown.status, 200) << shown.text;
  EXPECT_EQ(shown.body["id"], id);
  EXPECT_EQ(shown.body["status"], "failed");
  ASSERT_EQ(shown.body["attempts"].size(), 1u);
  EXPECT_EQ(shown.body["now"]["state"], "dead");
  EXPECT_EQ(web.get_json("/api/jobs/no-such-job").status, 404);

  // A malformed query says what is wrong.
  for (const auto* bad : {"/api/jobs?limit=0", "/api/jobs?limit=abc", "/api/jobs?status=lost",
                          "/api/jobs?from=9&to=1", "/api/jobs?colour=red"}) {
    const auto refused = web.get_json(bad);
    EXPECT_EQ(refused.status, 400) << bad;
    EXPECT_TRUE(refused.body.contains("error")) << bad << ": " << refused.text;
  }
}

TEST(WebApi, RetryOfADeadJobRunsItAgainAndNeedsTheCsrfHeader) {
  TestPipeline pipeline(TestPipelineOptions(1, 1));
  WebUnderTest web(pipeline);
  run_jobs(pipeline, 0, 1);
  const auto id = web.get_json("/api/jobs?status=dead").body["jobs"][0]["id"].get<std::string>();

  auto bare = web.client();
  const auto forged = bare.Post(("/api/jobs/" + id + "/retry").c_str(), "", "application/json");
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 403) << "no CSRF header: " << forged->body;

  const auto retried = web.post_as_page("/api/jobs/" + id + "/retry");
  ASSERT_EQ(retried.status, 200) << retried.text;
  EXPECT_EQ(retried.body["retried"], nlohmann::json::array({id}));
  // It runs again (and fails again, being a fail job): a second attempt is recorded.
  ASSERT_TRUE(wait_until(
      [&] { return web.get_json("/api/jobs/" + id).body["attempts"].size() == 2; }, 20s));
}

TEST(WebApi, QueuesPauseAndResumeByPost) {
  TestPipeline pipeline(TestPipelineOptions(1, 1));
  WebUnderTest web(pipeline);
  const auto paused = web.post_as_page("/api/queues/mail/pause");
  ASSERT_EQ(paused.status, 200) << paused.text;
  const auto queues = web.get_json("/api/queues");
  ASSERT_EQ(queues.status, 200);
  ASSERT_EQ(queues.body["queues"].size(), 1u) << queues.body;
  EXPECT_EQ(queues.body["queues"][0]["name"], "mail");
  EXPECT_EQ(queues.body["queues"][0]["paused"], true);
  ASSERT_EQ(web.post_as_page("/api/queues/mail/resume").status, 200);
  EXPECT_TRUE(web.get_json("/api/queues").body["queues"].empty());
}

TEST(WebApi, ReadOnlyRefusesEveryAction) {
  TestPipeline pipeline(TestPipelineOptions(1, 1));
  WebUnderTest web(pipeline, {"--read-only"});
  const auto refused = web.post_as_page("/api/queues/mail/pause");
  EXPECT_EQ(refused.status, 403);
  EXPECT_NE(refused.text.find("read-only"), std::string::npos) << refused.text;
  EXPECT_EQ(web.get_json("/api/status").body["web"]["read_only"], true);
}

TEST(WebApi, WithATokenNothingIsServedWithoutIt) {
  TestPipeline pipeline(TestPipelineOptions(1, 1));
  const auto token_file = pipeline.dir() / "token";
  const std::string token = "a-token-for-the-web-test-42";
  std::ofstream(token_file) << token << "\n";
  WebUnderTest web(pipeline, {"--token-file", token_file.string()});

  for (const auto* path : {"/api/status", "/api/jobs", "/api/workers", "/metrics", "/api/events"}) {
    EXPECT_EQ(web.get_json(path).status, 401) << path;
  }
  auto browser = web.client();
  const auto page = browser.Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 303);
  EXPECT_EQ(page->get_header_value("Location"), "/login");
  EXPECT_EQ(web.get_json("/healthz").status, 200);

  const auto wrong =
      browser.Post("/login", "token=not-the-token", "application/x-www-form-urlencoded");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->get_header_value("Location"), "/login?error=1");
  const auto [first_wrong, last_wrong] = wrong->headers.equal_range("Set-Cookie");
  for (auto it = first_wrong; it != last_wrong; ++it) {
    EXPECT_EQ(it->second.find("zpipe_session"), std::string::npos) << "a wrong token signs in";
  }

  const auto signed_in =
      browser.Post("/login", "token=" + token, "application/x-www-form-urlencoded");
  ASSERT_TRUE(signed_in);
  std::string session;  // its Set-Cookie of zpipe_session (the CSRF cookie comes too)
  const auto [first, last] = signed_in->headers.equal_range("Set-Cookie");
  for (auto it = first; it != last; ++it) {
    if (it->second.rfind("zpipe_session=", 0) == 0) session = it->second;
  }
  EXPECT_NE(session.find("HttpOnly"), std::string::npos) << session;
  EXPECT_NE(session.find("SameSite=Strict"), std::string::npos) << session;
  const auto with_cookie =
      browser.Get("/api/status", {{"Cookie", session.substr(0, session.find(';'))}});
  ASSERT_TRUE(with_cookie);
  EXPECT_EQ(with_cookie->status, 200);
  EXPECT_EQ(web.get_json("/api/status", {{"Authorization", "Bearer " + token}}).status, 200);
}

TEST(WebApi, TheEventStreamSendsADigestEachSecond) {
  TestPipeline pipeline(TestPipelineOptions(1, 1));
  WebUnderTest web(pipeline);
  auto client = web.client();
  std::string received;
  int digests = 0;
  client.Get("/api/events", [&](const char* data, std::size_t length) {
    received.append(data, length);
    std::size_t end;
    while ((end = received.find("\n\n")) != std::string::npos) {
      const auto message = received.substr(0, end);
      received.erase(0, end + 2);
      if (message.rfind("event: live\ndata: ", 0) != 0) continue;
      const auto live = nlohmann::json::parse(message.substr(18), nullptr, false);
      EXPECT_TRUE(live.contains("history")) << message;
      EXPECT_TRUE(live.contains("time_ms")) << message;
      ++digests;
    }
    return digests < 2;  // then the client closes the stream
  });
  EXPECT_EQ(digests, 2);
}

TEST(WebApi, RepliesOnAConnectionKeptAliveAreNotHeldBack) {
  // A reply is written as headers, then body: with Nagle's algorithm on, the body waits for the
  // client's acknowledgement of the headers, which it delays by up to 40 ms on a connection kept
  // alive (as a browser keeps it).
  TestPipeline pipeline(TestPipelineOptions(1, 1));
  WebUnderTest web(pipeline);
  auto client = web.client();
  client.set_keep_alive(true);
  std::vector<double> ms;
  for (int i = 0; i < 20; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const auto res = client.Get("/healthz", {{"Accept", "application/json"}});
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                     .count());
  }
  std::sort(ms.begin(), ms.end());
  EXPECT_LT(ms[ms.size() / 2], 20.0) << "the median of 20 requests on one connection, in ms";
}

TEST(WebApi, PagesOfJobsDoNotWaitForAVentilatorThatStoppedAnswering) {
  TestPipeline pipeline(TestPipelineOptions(1, 1));
  WebUnderTest web(pipeline);
  run_jobs(pipeline, 20, 0);
  // While the ventilator answers, each listed job says where it is now.
  ASSERT_TRUE(wait_until(
      [&] {
        const auto page = web.get_json("/api/jobs");
        return page.status == 200 && page.body["jobs"].size() == 20u &&
               page.body["jobs"][0].contains("now");
      },
      10s));

  // Stopped, it still accepts connections in its kernel but answers nothing: before, every
  // page waited out the 3 s reply timeout.
  pipeline.ventilator().send_signal(SIGSTOP);
  struct Resume {
    ChildProcess& ventilator;
    ~Resume() { ventilator.send_signal(SIGCONT); }
  } resume{pipeline.ventilator()};
  for (int i = 0; i < 8; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const auto page = web.get_json("/api/jobs");
    const auto took = std::chrono::steady_clock::now() - start;
    ASSERT_EQ(page.status, 200) << page.text;
    EXPECT_EQ(page.body["jobs"].size(), 20u);
    EXPECT_LT(took, 1s) << "page " << i << " waited for the stopped ventilator";
    std::this_thread::sleep_for(250ms);
  }
  const auto page = web.get_json("/api/jobs");
  for (const auto& j : page.body["jobs"]) EXPECT_FALSE(j.contains("now")) << j;
  // The other reads say at once that it is silent, rather than each waiting for it in turn.
  const auto timed = [&web](const std::string& path) {
    const auto start = std::chrono::steady_clock::now();
    auto reply = web.get_json(path);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1s) << path << " waited";
    return reply;
  };
  const auto status = timed("/api/status");
  ASSERT_EQ(status.status, 200) << status.text;
  EXPECT_NE(status.body["ventilator_problem"].get<std::string>().find("has not answered"),
            std::string::npos)
      << status.text;
  EXPECT_EQ(status.body["store"]["succeeded"], 20) << "the store is still read";
  EXPECT_EQ(timed("/api/workers").status, 503);
  EXPECT_EQ(timed("/api/jobs/" + page.body["jobs"][0]["id"].get<std::string>()).status, 200)
      << "a recorded job shows what the store knows";
  EXPECT_NE(timed("/metrics").text.find("zpipe_up{component=\"ventilator\"} 0"), std::string::npos);

  // Answering again, it is asked again.
  pipeline.ventilator().send_signal(SIGCONT);
  EXPECT_TRUE(wait_until(
      [&] {
        const auto again = web.get_json("/api/jobs");
        return again.status == 200 && !again.body["jobs"].empty() &&
               again.body["jobs"][0].contains("now");
      },
      10s));
}

TEST(WebApi, ElsewhereThanLoopbackWithoutATokenItRefusesToStart) {
  const auto run = run_program({program("zpipe-web"), "--listen", "0.0.0.0:0"}, 10s);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("--token-file"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace zpipe::test
