// OutcomeStore::page(): keyset pages of recorded jobs with every filter, and the indexes they read.
#include <algorithm>
#include <functional>
#include <set>

#include <gtest/gtest.h>

#include "common/outcome_store.hpp"
#include "tests/support/temp_dir.hpp"

namespace zpipe {
namespace {

// A job as the tests make it, and what a page is expected to find of it.
struct Made {
  std::string id;
  std::string type;
  std::string queue;  // empty: none named (the default queue)
  std::string batch;
  OutcomeStatus status = OutcomeStatus::kSucceeded;
  std::uint64_t recorded_ms = 0;
};

Outcome outcome_of(const Made& made) {
  Outcome o;
  o.id = made.id;
  o.type = made.type;
  o.queue = made.queue;
  o.batch = made.batch;
  o.status = made.status;
  if (made.status == OutcomeStatus::kFailed) {
    o.error_code = "handler_error";
    o.error = "failed on request";
  }
  o.worker = "host:1";
  o.created_ms = o.started_ms = o.finished_ms = made.recorded_ms;
  return o;
}

// 90 jobs of two ventilator runs (ids mxa-0..44, mxb-0..44), three types, named and default
// queues, two batches; every 7th dead, some cancelled; one recorded every 100 ms from 10 s.
std::vector<Made> varied_jobs() {
  const char* types[] = {"echo", "thumbnail", "exec"};
  const char* queues[] = {"critical", "", "low", "default", "default"};
  std::vector<Made> jobs;
  for (int i = 0; i < 90; ++i) {
    Made m;
    m.id = (i < 45 ? "mxa-" : "mxb-") + std::to_string(i % 45);
    m.type = types[i % 3];
    m.queue = queues[i % 5];
    if (i >= 20 && i < 30) m.batch = "mxa-b1";
    if (i >= 60 && i < 64) m.batch = "mxb-b1";
    if (i % 7 == 3) {
      m.status = OutcomeStatus::kFailed;
    } else if (i % 11 == 5) {
      m.status = OutcomeStatus::kCancelled;
    }
    m.recorded_ms = 10'000 + static_cast<std::uint64_t>(i) * 100;
    jobs.push_back(m);
  }
  return jobs;
}

// Whether `made` is one of the jobs `query` asks for, as the store should judge it.
bool matches(const Made& made, const JobPageQuery& query) {
  const auto queue = made.queue.empty() ? std::string("default") : made.queue;
  return made.id.starts_with(query.id_prefix) && (query.type.empty() || made.type == query.type) &&
         (query.queue.empty() || queue == query.queue) &&
         (query.batch.empty() || made.batch == query.batch) &&
         (!query.status || made.status == *query.status) &&
         (!query.from_ms || made.recorded_ms >= *query.from_ms) &&
         (!query.to_ms || made.recorded_ms <= *query.to_ms);
}

class OutcomeStorePageTest : public ::testing::Test {
 protected:
  // Records each job at its own time, in that order (as the sink would).
  void record(const std::vector<Made>& jobs) {
    for (const auto& made : jobs) {
      ASSERT_TRUE(store_.record({outcome_of(made)}, made.recorded_ms).ok()) << made.id;
      made_.push_back(made);
    }
  }

  // The ids `query` should find, newest first.
  std::vector<std::string> expected(const JobPageQuery& query) const {
    std::vector<std::string> ids;
    for (auto made = made_.rbegin(); made != made_.rend(); ++made) {
      if (matches(*made, query)) ids.push_back(made->id);
    }
    return ids;
  }

  // Every page of `query`, following each page's cursor to the last: their ids in order. Fails
  // the test when a page is over its limit, or a page short of it has a next one.
  std::vector<std::string> all_pages(JobPageQuery query) {
    std::vector<std::string> ids;
    for (int pages = 0; pages < 1000; ++pages) {
      auto page = store_.page(query);
      EXPECT_TRUE(page.ok()) << page.error().message;
      if (!page.ok()) break;
      EXPECT_LE(page.value().jobs.size(), query.limit);
      for (const auto& job : page.value().jobs) {
        ids.push_back(job.stored.outcome.id);
        if (query.before) {
          EXPECT_LT(job.row, *query.before) << "newest first, after the cursor";
        }
        query.before = job.row;
      }
      if (!page.value().next) break;
      EXPECT_EQ(page.value().jobs.size(), query.limit) << "only the last page may be short";
      EXPECT_EQ(page.value().next, page.value().jobs.back().row);
      query.before = page.value().next;
    }
    return ids;
  }

  // all_pages() of `query` at several page sizes is expected().
  void expect_every_job_once(JobPageQuery query, const std::string& what) {
    const auto wanted = expected(query);
    for (const std::size_t limit : {std::size_t{1}, std::size_t{4}, std::size_t{50}}) {
      query.limit = limit;
      EXPECT_EQ(all_pages(query), wanted) << what << ", pages of " << limit;
    }
  }

  std::string plan(const JobPageQuery& query) {
    const auto lines = store_.explain_page(query);
    EXPECT_TRUE(lines.ok());
    std::string text;
    for (const auto& line : lines.value()) text += line + "\n";
    return text;
  }

  test::TempDir dir_;
  OutcomeStore store_{dir_.path() / "outcomes.db", OutcomeStore::Access::kReadWrite};
  std::vector<Made> made_;
};

JobPageQuery with(const std::function<void(JobPageQuery&)>& set) {
  JobPageQuery query;
  set(query);
  return query;
}

TEST_F(OutcomeStorePageTest, PagesCoverEveryJobOnceWithEachFilter) {
  record(varied_jobs());
  expect_every_job_once({}, "no filter");
  expect_every_job_once(with([](auto& q) { q.type = "exec"; }), "type");
  expect_every_job_once(with([](auto& q) { q.type = "sleep"; }), "a type of no job");
  expect_every_job_once(with([](auto& q) { q.status = OutcomeStatus::kFailed; }), "dead");
  expect_every_job_once(with([](auto& q) { q.status = OutcomeStatus::kCancelled; }), "cancelled");
  expect_every_job_once(with([](auto& q) { q.status = OutcomeStatus::kSucceeded; }), "succeeded");
  expect_every_job_once(with([](auto& q) { q.queue = "critical"; }), "named queue");
  expect_every_job_once(with([](auto& q) { q.queue = "default"; }), "default queue");
  expect_every_job_once(with([](auto& q) { q.queue = "bulk"; }), "a queue of no job");
  expect_every_job_once(with([](auto& q) { q.batch = "mxa-b1"; }), "batch");
  expect_every_job_once(with([](auto& q) { q.batch = "mxb-b1"; }), "another batch");
  expect_every_job_once(with([](auto& q) { q.batch = "mxb-b2"; }), "no such batch");
  EXPECT_EQ(expected(with([](auto& q) { q.batch = "mxb-b1"; })).size(), 4u);
}

TEST_F(OutcomeStorePageTest, PagesCoverEveryJobOnceWithFiltersCombined) {
  record(varied_jobs());
  expect_every_job_once(with([](auto& q) {
                          q.type = "exec";
                          q.status = OutcomeStatus::kFailed;
                        }),
                        "type and dead");
  expect_every_job_once(with([](auto& q) {
                          q.queue = "critical";
                          q.status = OutcomeStatus::kCancelled;
                        }),
                        "named queue and cancelled");
  expect_every_job_once(with([](auto& q) {
                          q.queue = "default";
                          q.type = "echo";
                          q.status = OutcomeStatus::kSucceeded;
                        }),
                        "default queue, type, succeeded");
  expect_every_job_once(with([](auto& q) {
                          q.batch = "mxa-b1";
                          q.type = "thumbnail";
                        }),
                        "batch and type");
  expect_every_job_once(with([](auto& q) {
                          q.id_prefix = "mxb-1";
                          q.type = "echo";
                        }),
                        "id prefix and type");
  expect_every_job_once(with([](auto& q) {
                          q.from_ms = 11'000;
                          q.to_ms = 16'000;
                          q.type = "exec";
                          q.queue = "low";
                        }),
                        "time range, type and queue");
  expect_every_job_once(with([](auto& q) {
                          q.id_prefix = "mxa";
                          q.from_ms = 12'000;
                        }),
                        "id prefix and time range");
  expect_every_job_once(with([](auto& q) {
                          q.id_prefix = "mxa-2";
                          q.type = "thumbnail";
                          q.queue = "default";
                          q.batch = "mxa-b1";
                          q.status = OutcomeStatus::kSucceeded;
                          q.from_ms = 10'000;
                          q.to_ms = 13'000;
                        }),
                        "every filter");
}

TEST_F(OutcomeStorePageTest, AnIdPrefixFindsTheIdsThatBeginWithIt) {
  record(varied_jobs());
  auto ids = [this](const std::string& prefix) {
    return all_pages(with([&prefix](auto& q) { q.id_prefix = prefix; }));
  };
  EXPECT_EQ(ids("mxb-7"), std::vector<std::string>{"mxb-7"}) << "an exact id";
  EXPECT_EQ(ids("mxa-1"),
            (std::vector<std::string>{"mxa-19", "mxa-18", "mxa-17", "mxa-16", "mxa-15", "mxa-14",
                                      "mxa-13", "mxa-12", "mxa-11", "mxa-10", "mxa-1"}));
  EXPECT_EQ(ids("mx").size(), 90u);
  EXPECT_EQ(ids("mxb-").size(), 45u);
  EXPECT_TRUE(ids("mxc").empty());
  EXPECT_TRUE(ids("mxa-99").empty());
  EXPECT_TRUE(ids("MXA").empty()) << "ids are compared as they are written";
  // Not LIKE: its wildcards are plain characters in a prefix.
  EXPECT_TRUE(ids("mx_-1").empty());
  EXPECT_TRUE(ids("mx%").empty());
}

TEST_F(OutcomeStorePageTest, AnIdPrefixEndingInHighBytesHasNoUpperBoundTrouble) {
  record({{"a\xff", "echo", "", "", OutcomeStatus::kSucceeded, 1},
          {"a\xff\xff-1", "echo", "", "", OutcomeStatus::kSucceeded, 2},
          {"b", "echo", "", "", OutcomeStatus::kSucceeded, 3},
          {"\xff\xff", "echo", "", "", OutcomeStatus::kSucceeded, 4}});
  expect_every_job_once(with([](auto& q) { q.id_prefix = "a\xff"; }), "a\\xff");
  expect_every_job_once(with([](auto& q) { q.id_prefix = "\xff"; }), "\\xff");
  EXPECT_EQ(expected(with([](auto& q) { q.id_prefix = "a\xff"; })).size(), 2u);
}

TEST_F(OutcomeStorePageTest, ATimeRangeHoldsTheJobsRecordedWithinItBothEndsIncluded) {
  record(varied_jobs());
  auto ids = [this](std::optional<std::uint64_t> from, std::optional<std::uint64_t> to) {
    JobPageQuery query;
    query.from_ms = from;
    query.to_ms = to;
    query.limit = 3;
    return all_pages(query);
  };
  EXPECT_EQ(ids(10'100, 10'300), (std::vector<std::string>{"mxa-3", "mxa-2", "mxa-1"}));
  EXPECT_EQ(ids(10'050, 10'299), (std::vector<std::string>{"mxa-2", "mxa-1"}));
  EXPECT_EQ(ids(18'800, std::nullopt), (std::vector<std::string>{"mxb-44", "mxb-43"}));
  EXPECT_EQ(ids(std::nullopt, 10'100), (std::vector<std::string>{"mxa-1", "mxa-0"}));
  EXPECT_EQ(ids(10'400, 10'400), std::vector<std::string>{"mxa-4"});
  EXPECT_TRUE(ids(0, 9'999).empty()) << "before every job";
  EXPECT_TRUE(ids(20'000, std::nullopt).empty()) << "after every job";
  EXPECT_TRUE(ids(10'410, 10'490).empty()) << "between two jobs";
  EXPECT_TRUE(ids(12'000, 11'000).empty()) << "from after to";
  expect_every_job_once(with([](auto& q) { q.from_ms = 13'333; }), "from");
  expect_every_job_once(with([](auto& q) { q.to_ms = 13'333; }), "to");
}

TEST_F(OutcomeStorePageTest, AJobThatEndedAgainIsListedAtItsRowAndNeverCutsATimeRangeShort) {
  record(varied_jobs());
  // mxa-3 died; `zpipe retry` brought it back, and its second attempt succeeded at 30 s: its
  // row stays, its recorded_ms is now the latest of the store.
  auto again = outcome_of(made_[3]);
  again.status = OutcomeStatus::kSucceeded;
  again.error_code.clear();
  again.error.clear();
  again.attempt = 2;
  again.max_attempts = 2;
  ASSERT_TRUE(store_.record({again}, 30'000).ok());
  made_[3].status = OutcomeStatus::kSucceeded;
  made_[3].recorded_ms = 30'000;
  record({{"mxc-0", "echo", "", "", OutcomeStatus::kSucceeded, 40'000},
          {"mxc-1", "echo", "", "", OutcomeStatus::kSucceeded, 40'100}});
  JobPageQuery query;
  query.to_ms = 30'000;  // the range's last job is one that ended again, in an old row
  EXPECT_EQ(all_pages(query).size(), 90u);
  // Its row is older than the range's: a range, read by rows, leaves it out.
  query.from_ms = 25'000;
  EXPECT_TRUE(all_pages(query).empty());
  query.from_ms = 10'300;
  query.to_ms = 10'500;
  EXPECT_EQ(all_pages(query), (std::vector<std::string>{"mxa-5", "mxa-4"}));
  query = {};
  query.to_ms = 18'000;
  EXPECT_EQ(all_pages(query), expected(query));
  EXPECT_EQ(all_pages({}), expected({})) << "in its row's place, as list() shows it";
}

TEST_F(OutcomeStorePageTest, ManyJobsThatEndedAgainDoNotCutATimeRangeShort) {
  // 1,100 dead jobs, then 10 others; all the dead brought back, ending at 3 s; 10 more after.
  std::vector<Outcome> dead;
  std::vector<Outcome> again;
  for (int i = 0; i < 1100; ++i) {
    Made m{"d-" + std::to_string(i), "echo", "", "", OutcomeStatus::kFailed, 1'000};
    dead.push_back(outcome_of(m));
    m.status = OutcomeStatus::kSucceeded;
    m.recorded_ms = 3'000;
    made_.push_back(m);
    again.push_back(outcome_of(m));
    again.back().attempt = again.back().max_attempts = 2;
  }
  ASSERT_TRUE(store_.record(dead, 1'000).ok());
  for (int i = 0; i < 10; ++i) record({{"n-" + std::to_string(i), "echo", "", "", {}, 2'000}});
  ASSERT_TRUE(store_.record(again, 3'000).ok());
  for (int i = 10; i < 20; ++i) record({{"n-" + std::to_string(i), "echo", "", "", {}, 4'000}});
  // The last 1,000 jobs recorded until 3.5 s are all in old rows: the jobs recorded after say
  // where that time's rows end.
  JobPageQuery query;
  query.to_ms = 3'500;
  query.limit = 200;
  EXPECT_EQ(all_pages(query), expected(query));
  EXPECT_EQ(expected(query).size(), 1110u);
}

TEST_F(OutcomeStorePageTest, JobsRecordedAfterAClockWasSetBackAreInTheirTimeRange) {
  record(varied_jobs());
  record({{"mxc-0", "echo", "", "", OutcomeStatus::kSucceeded, 12'050},
          {"mxc-1", "exec", "", "", OutcomeStatus::kSucceeded, 12'060},
          {"mxc-2", "echo", "", "", OutcomeStatus::kSucceeded, 12'070}});
  for (const auto& query : {with([](auto& q) { q.to_ms = 12'100; }),
                            with([](auto& q) { q.from_ms = 12'000; }), with([](auto& q) {
                              q.from_ms = 12'000;
                              q.to_ms = 12'100;
                              q.type = "echo";
                            }),
                            with([](auto& q) { q.from_ms = 12'055; })}) {
    const auto wanted = expected(query);
    EXPECT_EQ(all_pages(query), wanted);
    EXPECT_TRUE(std::any_of(wanted.begin(), wanted.end(),
                            [](const std::string& id) { return id.starts_with("mxc-"); }));
  }
}

TEST_F(OutcomeStorePageTest, EmptyStoresAndFiltersGiveAnEmptyLastPage) {
  const auto empty = store_.page({});
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty.value().jobs.empty());
  EXPECT_FALSE(empty.value().next.has_value());
  record(varied_jobs());
  for (const auto& query : {with([](auto& q) { q.type = "sleep"; }),
                            with([](auto& q) { q.before = 1; }), with([](auto& q) {
                              q.batch = "mxa-b1";
                              q.type = "exec";
                              q.status = OutcomeStatus::kCancelled;
                            })}) {
    const auto page = store_.page(query);
    ASSERT_TRUE(page.ok());
    EXPECT_TRUE(page.value().jobs.empty());
    EXPECT_FALSE(page.value().next.has_value());
  }
  JobPageQuery exact;
  exact.limit = 90;
  const auto all = store_.page(exact);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all.value().jobs.size(), 90u);
  EXPECT_FALSE(all.value().next.has_value()) << "a page that holds the last job is the last";
}

TEST_F(OutcomeStorePageTest, ALimitOutsideOneTo200IsRefused) {
  for (const std::size_t limit : {std::size_t{0}, std::size_t{201}}) {
    JobPageQuery query;
    query.limit = limit;
    const auto page = store_.page(query);
    ASSERT_FALSE(page.ok());
    EXPECT_EQ(page.error().code, ErrorCode::kInvalid);
    EXPECT_EQ(page.error().message, "a page holds 1 to 200 jobs, not " + std::to_string(limit));
  }
  JobPageQuery most;
  most.limit = kJobPageMaxLimit;
  EXPECT_TRUE(store_.page(most).ok());
}

TEST_F(OutcomeStorePageTest, APageKeepsWhatTheStoreRecordedOfEachJob) {
  record(varied_jobs());
  JobPageQuery query;
  query.batch = "mxa-b1";
  query.limit = 1;
  const auto page = store_.page(query).value();
  ASSERT_EQ(page.jobs.size(), 1u);
  const auto& job = page.jobs.front();
  EXPECT_EQ(job.row, 30) << "the 30th job recorded";
  EXPECT_EQ(job.stored.outcome.id, "mxa-29");
  EXPECT_EQ(job.stored.outcome.type, "exec");
  EXPECT_EQ(job.stored.outcome.queue, "default");
  EXPECT_EQ(job.stored.outcome.batch, "mxa-b1");
  EXPECT_EQ(job.stored.recorded_ms, 12'900u);
  EXPECT_EQ(job.stored.outcome, store_.find("mxa-29").value()->outcome);
}

// Each filter reads its index, newest first from the cursor, without sorting; a filter no index
// serves is checked on the rows read through another (or the table).
TEST_F(OutcomeStorePageTest, EachFilterReadsItsIndexFromTheCursor) {
  record(varied_jobs());
  auto expect_plan = [this](const JobPageQuery& query, const std::string& reads,
                            bool sorts = false) {
    const auto text = plan(query);
    EXPECT_NE(text.find(reads), std::string::npos) << text;
    EXPECT_EQ(text.find("TEMP B-TREE") != std::string::npos, sorts) << text;
  };
  expect_plan(with([](auto& q) { q.before = 50; }),
              "SEARCH jobs USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)");
  expect_plan(with([](auto& q) { q.type = "exec"; }),
              "USING INDEX jobs_by_type (type=? AND rowid>? AND rowid<?)");
  expect_plan(with([](auto& q) { q.status = OutcomeStatus::kFailed; }),
              "USING INDEX jobs_failed (status=? AND rowid>? AND rowid<?)");
  expect_plan(with([](auto& q) { q.status = OutcomeStatus::kCancelled; }),
              "USING INDEX jobs_cancelled (status=? AND rowid>? AND rowid<?)");
  expect_plan(with([](auto& q) { q.status = OutcomeStatus::kSucceeded; }),
              "USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)");
  expect_plan(with([](auto& q) { q.queue = "critical"; }),
              "USING INDEX jobs_by_queue (queue=? AND rowid>? AND rowid<?)");
  expect_plan(with([](auto& q) { q.queue = "default"; }),
              "USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)");
  expect_plan(with([](auto& q) { q.batch = "mxa-b1"; }),
              "USING INDEX jobs_by_batch (batch=? AND rowid>? AND rowid<?)");
  // An id prefix is a range of the primary key's index: its few entries are read and sorted.
  expect_plan(with([](auto& q) { q.id_prefix = "mxa-1"; }),
              "USING INDEX sqlite_autoindex_jobs_1 (id>? AND id<?)", true);
  // A time range is a range of rows.
  expect_plan(with([](auto& q) {
                q.from_ms = 11'000;
                q.to_ms = 12'000;
              }),
              "USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)");
  expect_plan(with([](auto& q) {
                q.from_ms = 11'000;
                q.type = "echo";
              }),
              "USING INDEX jobs_by_type (type=? AND rowid>? AND rowid<?)");
  // Of two filters, the one with fewer entries: 13 dead jobs, 30 of a type, 10 in a batch.
  expect_plan(with([](auto& q) {
                q.type = "exec";
                q.status = OutcomeStatus::kFailed;
              }),
              "USING INDEX jobs_failed (status=? AND rowid>? AND rowid<?)");
  expect_plan(with([](auto& q) {
                q.type = "exec";
                q.status = OutcomeStatus::kFailed;
                q.batch = "mxa-b1";
              }),
              "USING INDEX jobs_by_batch (batch=? AND rowid>? AND rowid<?)");
  expect_plan(with([](auto& q) {
                q.type = "exec";
                q.id_prefix = "mxb-4";
              }),
              "USING INDEX sqlite_autoindex_jobs_1 (id>? AND id<?)", true);
}

// A prefix with more ids than a page reads and sorts (2,000) is checked on the rows instead,
// read newest first through the table or another filter's index.
TEST_F(OutcomeStorePageTest, AWideIdPrefixIsCheckedOnTheRowsRead) {
  std::vector<Outcome> outcomes;
  for (int i = 0; i < 2500; ++i) {
    Made m{"mxz-" + std::to_string(i),
           i % 2 == 0 ? "echo" : "exec",
           "",
           "",
           i % 50 == 7 ? OutcomeStatus::kFailed : OutcomeStatus::kSucceeded,
           5'000};
    outcomes.push_back(outcome_of(m));
    made_.push_back(m);
  }
  ASSERT_TRUE(store_.record(outcomes, 5'000).ok());
  record(varied_jobs());
  // Above them, more jobs than a page reads before it looks for the prefix's newest id below.
  outcomes.clear();
  for (int i = 0; i < 21'000; ++i) {
    Made m{"mxy-" + std::to_string(i), "email", "", "", OutcomeStatus::kSucceeded, 20'000};
    outcomes.push_back(outcome_of(m));
    made_.push_back(m);
  }
  ASSERT_TRUE(store_.record(outcomes, 20'000).ok());
  const auto wide = with([](auto& q) {
    q.id_prefix = "mxz-";
    q.limit = 200;
  });
  EXPECT_EQ(all_pages(wide), expected(wide));
  EXPECT_EQ(expected(wide).size(), 2500u);
  auto text = plan(wide);
  EXPECT_NE(text.find("USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)"), std::string::npos)
      << text;
  const auto narrower = with([](auto& q) {
    q.id_prefix = "mxz-1";  // 1,111 ids
    q.limit = 200;
  });
  EXPECT_EQ(all_pages(narrower), expected(narrower));
  text = plan(narrower);
  EXPECT_NE(text.find("sqlite_autoindex_jobs_1"), std::string::npos) << text;
  const auto wide_and_dead = with([](auto& q) {
    q.id_prefix = "mxz-";
    q.status = OutcomeStatus::kFailed;
    q.limit = 7;
  });
  EXPECT_EQ(all_pages(wide_and_dead), expected(wide_and_dead));
  text = plan(wide_and_dead);
  EXPECT_NE(text.find("jobs_failed"), std::string::npos) << text;
  expect_every_job_once(with([](auto& q) {
                          q.id_prefix = "mxz-2";
                          q.type = "echo";
                        }),
                        "narrow prefix and type");
  const auto wide_and_type = with([](auto& q) {
    q.id_prefix = "mxz-";
    q.type = "exec";
    q.limit = 100;
  });
  EXPECT_EQ(all_pages(wide_and_type), expected(wide_and_type));
  EXPECT_EQ(expected(wide_and_type).size(), 1250u);
}

}  // namespace
}  // namespace zpipe
