#include "web/web_options.hpp"

#include <fstream>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/temp_dir.hpp"

namespace zpipe {
namespace {

std::variant<WebOptions, int> parse(std::vector<std::string> args) {
  args.insert(args.begin(), "zpipe-web");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return parse_web_options(static_cast<int>(argv.size()), argv.data());
}

TEST(ListenAddress, ReadsHostAndPortAndKnowsLoopback) {
  auto v4 = parse_listen_address("127.0.0.1:8080");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4.value().host, "127.0.0.1");
  EXPECT_EQ(v4.value().port, 8080);
  EXPECT_TRUE(v4.value().is_loopback());
  auto v6 = parse_listen_address("[::1]:9000");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6.value().host, "::1");
  EXPECT_TRUE(v6.value().is_loopback());
  EXPECT_EQ(v6.value().text(9000), "[::1]:9000");
  auto any = parse_listen_address(":8080");
  ASSERT_TRUE(any.ok());
  EXPECT_EQ(any.value().host, "0.0.0.0");
  EXPECT_FALSE(any.value().is_loopback());
  for (const auto* bad : {"8080", "127.0.0.1:http", "127.0.0.1:70000", "::1:80", "[::1:80"}) {
    auto refused = parse_listen_address(bad);
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_NE(refused.error().message.find(bad), std::string::npos) << refused.error().message;
  }
}

TEST(WebOptions, ListensOnLoopbackByDefault) {
  auto parsed = parse({});
  ASSERT_TRUE(std::holds_alternative<WebOptions>(parsed));
  const auto& options = std::get<WebOptions>(parsed);
  EXPECT_EQ(options.listen.host, "127.0.0.1");
  EXPECT_EQ(options.listen.port, 8080);
  EXPECT_TRUE(options.token.empty());
}

TEST(WebOptions, ElsewhereNeedsATokenOrReadOnly) {
  testing::internal::CaptureStderr();
  auto refused = parse({"--listen", "0.0.0.0:8080"});
  const auto said = testing::internal::GetCapturedStderr();
  ASSERT_TRUE(std::holds_alternative<int>(refused));
  EXPECT_EQ(std::get<int>(refused), 2);
  EXPECT_NE(said.find("--token-file"), std::string::npos) << said;
  EXPECT_TRUE(std::holds_alternative<WebOptions>(parse({"--listen", ":8080", "--read-only"})));

  test::TempDir dir;
  const auto token_file = dir.path() / "token";
  std::ofstream(token_file) << "s3cr3t-t0ken-of-24-chars\n";
  auto with_token = parse({"--listen", ":8080", "--token-file", token_file.string()});
  ASSERT_TRUE(std::holds_alternative<WebOptions>(with_token));
  EXPECT_EQ(std::get<WebOptions>(with_token).token, "s3cr3t-t0ken-of-24-chars");
}

TEST(WebOptions, AShortOrMissingTokenIsRefused) {
  test::TempDir dir;
  const auto token_file = dir.path() / "token";
  std::ofstream(token_file) << "short\n";
  testing::internal::CaptureStderr();
  auto short_token = parse({"--token-file", token_file.string()});
  const auto said = testing::internal::GetCapturedStderr();
  ASSERT_TRUE(std::holds_alternative<int>(short_token));
  EXPECT_NE(said.find("at least 16"), std::string::npos) << said;
  testing::internal::CaptureStderr();
  auto missing = parse({"--token-file", (dir.path() / "none").string()});
  testing::internal::GetCapturedStderr();
  EXPECT_TRUE(std::holds_alternative<int>(missing));
}

}  // namespace
}  // namespace zpipe
