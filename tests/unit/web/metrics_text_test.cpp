#include "web/metrics_text.hpp"

#include <regex>
#include <sstream>

#include <gtest/gtest.h>

namespace zpipe {
namespace {

// The value of the sample whose name and labels are exactly `series`.
std::optional<double> sample(const std::string& text, const std::string& series) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  return std::nullopt;
}

TEST(MetricsText, LabelValuesAreEscapedAsTheFormatRequires) {
  EXPECT_EQ(escape_label_value(R"(a\b"c)"
                               "\n"
                               "d"),
            R"(a\\b\"c\nd)");
  EXPECT_EQ(escape_label_value("thumbnail"), "thumbnail");
}

TEST(MetricsText, CountsComeFromTheStatusAndWorkers) {
  MetricsFacts facts;
  StatusReply status;
  status.counts.succeeded = 7;
  status.counts.failed = 3;
  status.counts.dead = 1;
  status.counts.pending = 4;
  status.counts.in_flight = 2;
  facts.status = status;
  WorkerSummary busy;
  busy.slots = 4;
  busy.held = 6;  // prefetched beyond its slots: 4 busy
  WorkerSummary idle;
  idle.slots = 2;
  facts.workers = std::vector<WorkerSummary>{busy, idle};
  facts.dead_recorded = 5;
  const auto text = prometheus_text(facts);
  EXPECT_EQ(sample(text, "zpipe_jobs_succeeded_total"), 7);
  EXPECT_EQ(sample(text, "zpipe_jobs_failed_attempts_total"), 3);
  EXPECT_EQ(sample(text, "zpipe_jobs_dead_total"), 5);
  EXPECT_EQ(sample(text, "zpipe_jobs_dead"), 1);
  EXPECT_EQ(sample(text, "zpipe_jobs_pending"), 4);
  EXPECT_EQ(sample(text, "zpipe_jobs_in_flight"), 2);
  EXPECT_EQ(sample(text, "zpipe_workers"), 2);
  EXPECT_EQ(sample(text, "zpipe_worker_slots"), 6);
  EXPECT_EQ(sample(text, "zpipe_worker_slots_busy"), 4);
  EXPECT_EQ(sample(text, R"(zpipe_up{component="ventilator"})"), 1);
  EXPECT_NE(text.find("# TYPE zpipe_jobs_succeeded_total counter\n"), std::string::npos);
}

TEST(MetricsText, TheBacklogEtaIsSaidOnlyWhenMeasured) {
  MetricsFacts facts;
  EXPECT_EQ(prometheus_text(facts).find("zpipe_backlog_eta_seconds"), std::string::npos);
  facts.backlog_eta_seconds = 79.5;
  const auto text = prometheus_text(facts);
  EXPECT_EQ(sample(text, "zpipe_backlog_eta_seconds"), 79.5);
  EXPECT_NE(text.find("# TYPE zpipe_backlog_eta_seconds gauge\n"), std::string::npos);
}

TEST(MetricsText, WithoutTheVentilatorOnlyUpSaysSo) {
  MetricsFacts facts;
  const auto text = prometheus_text(facts);
  EXPECT_EQ(sample(text, R"(zpipe_up{component="ventilator"})"), 0);
  EXPECT_FALSE(sample(text, "zpipe_jobs_pending"));
}

TEST(MetricsText, HistogramBucketsAreCumulativeAndEndAtTheCount) {
  MetricsFacts facts;
  facts.histograms.add("echo", 500);        // 0.5 ms
  facts.histograms.add("echo", 1000);       // exactly 1 ms: le="0.001"
  facts.histograms.add("echo", 2'000'000);  // 2 s
  facts.histograms.add("odd \"type\"", 10);
  const auto text = prometheus_text(facts);
  EXPECT_EQ(sample(text, R"(zpipe_job_duration_seconds_bucket{type="echo",le="0.001"})"), 2);
  EXPECT_EQ(sample(text, R"(zpipe_job_duration_seconds_bucket{type="echo",le="1"})"), 2);
  EXPECT_EQ(sample(text, R"(zpipe_job_duration_seconds_bucket{type="echo",le="2.5"})"), 3);
  EXPECT_EQ(sample(text, R"(zpipe_job_duration_seconds_bucket{type="echo",le="+Inf"})"), 3);
  EXPECT_EQ(sample(text, R"(zpipe_job_duration_seconds_count{type="echo"})"), 3);
  EXPECT_NEAR(*sample(text, R"(zpipe_job_duration_seconds_sum{type="echo"})"), 2.0015, 1e-9);
  EXPECT_EQ(sample(text, R"(zpipe_job_duration_seconds_count{type="odd \"type\""})"), 1);
  // Every line is a comment or `name{labels} value`.
  std::istringstream lines(text);
  const std::regex line_shape(R"(^(#.*|[a-z_]+(\{.*\})? [-+0-9.e]+|[a-z_]+\{.*\} \+?Inf)$)");
  for (std::string line; std::getline(lines, line);) {
    EXPECT_TRUE(std::regex_match(line, line_shape)) << line;
  }
}

TEST(DurationHistograms, TypesPastTheLimitAreCountedTogether) {
  DurationHistograms histograms;
  for (std::size_t i = 0; i < DurationHistograms::kMaxTypes + 5; ++i) {
    histograms.add("type-" + std::to_string(i), 10);
  }
  EXPECT_EQ(histograms.by_type().size(), DurationHistograms::kMaxTypes + 1);
  EXPECT_EQ(histograms.by_type().at(DurationHistograms::kOtherTypes).count, 5u);
}

}  // namespace
}  // namespace zpipe
