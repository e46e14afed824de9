#include "front/endpoint_list.hpp"

#include <sstream>

#include <gtest/gtest.h>

namespace zpipe {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(EndpointList, NamesEveryEndpointOfAPipelineWithItsRole) {
  const auto lines = pipeline_endpoint_lines(PipelineEndpoints::on_loopback(9998));
  const std::vector<std::pair<std::string, std::string>> expected{
      {"submit", "tcp://127.0.0.1:9998"},
      {"jobs for workers", "tcp://127.0.0.1:9999"},
      {"outcomes to sink", "tcp://127.0.0.1:10000"},
      {"acks to ventilator", "tcp://127.0.0.1:10001"},
      {"events in (publish)", "tcp://127.0.0.1:10002"},
      {"events out (subscribe)", "tcp://127.0.0.1:10003"}};
  ASSERT_EQ(lines.size(), expected.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i].role, expected[i].first);
    EXPECT_EQ(lines[i].endpoint, expected[i].second);
  }
}

TEST(EndpointList, AlignsEndpointsAndHintsWithoutTrailingSpaces) {
  auto entries = pipeline_endpoint_lines(PipelineEndpoints::on_loopback(9998));
  entries[0].hint = "zpipe submit";
  entries[5].hint = "zpipe monitor tail";
  const auto lines = lines_of(endpoint_list(entries));
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_EQ(lines[0], "  submit                  tcp://127.0.0.1:9998    zpipe submit");
  EXPECT_EQ(lines[2], "  outcomes to sink        tcp://127.0.0.1:10000");
  EXPECT_EQ(lines[5], "  events out (subscribe)  tcp://127.0.0.1:10003   zpipe monitor tail");
  for (const auto& line : lines) {
    EXPECT_EQ(line.find("tcp://"), 26u) << line;
    EXPECT_NE(line.back(), ' ') << line;
  }
  EXPECT_EQ(endpoint_list({}), "");
}

}  // namespace
}  // namespace zpipe
