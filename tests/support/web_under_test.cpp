#include "tests/support/web_under_test.hpp"

#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "tests/support/program_run.hpp"
#include "tests/support/wait_until.hpp"

namespace zpipe::test {
namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

WebUnderTest::JsonReply reply_of(const httplib::Result& result) {
  WebUnderTest::JsonReply reply;
  if (!result) return reply;
  reply.status = result->status;
  reply.text = result->body;
  reply.body = nlohmann::json::parse(result->body, nullptr, false);
  return reply;
}

}  // namespace

WebUnderTest::WebUnderTest(TestPipeline& pipeline, std::vector<std::string> extra_args) {
  std::vector<std::string> argv{program("zpipe-web"),
                                "--listen",
                                "127.0.0.1:0",
                                "--data-dir",
                                pipeline.data_dir().string(),
                                "--ventilator",
                                pipeline.endpoints().submit,
                                "--events-from",
                                pipeline.endpoints().events_out};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  process_ = std::make_unique<ChildProcess>(pipeline.start_program("zpipe-web", argv));
  // It says where it serves on stdout before it says "ready" in its log.
  const std::regex serving(R"(serving http://127\.0\.0\.1:(\d+)/)");
  std::smatch match;
  const auto out = read_file(pipeline.dir() / "zpipe-web.out");
  if (!std::regex_search(out, match, serving)) {
    throw std::runtime_error("zpipe-web did not say where it serves: " + out);
  }
  port_ = std::stoi(match[1].str());
}

httplib::Client WebUnderTest::client() const {
  httplib::Client client("127.0.0.1", port_);
  client.set_read_timeout(15, 0);
  return client;
}

WebUnderTest::JsonReply WebUnderTest::get_json(const std::string& path,
                                               const httplib::Headers& headers) const {
  auto c = client();
  return reply_of(c.Get(path.c_str(), headers));
}

WebUnderTest::JsonReply WebUnderTest::post_as_page(const std::string& path,
                                                   const std::string& body) const {
  auto c = client();
  const auto page = c.Get("/");
  if (!page) return {};
  const std::regex csrf_cookie(R"(zpipe_csrf=([0-9a-f]+))");
  std::smatch match;
  const auto set_cookie = page->get_header_value("Set-Cookie");
  if (!std::regex_search(set_cookie, match, csrf_cookie)) return {};
  const auto csrf = match[1].str();
  const httplib::Headers headers{{"Cookie", "zpipe_csrf=" + csrf}, {"X-CSRF-Token", csrf}};
  return reply_of(c.Post(path.c_str(), headers, body, "application/json"));
}

}  // namespace zpipe::test
