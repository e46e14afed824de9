// WebUnderTest: a zpipe-web started for a TestPipeline on a free port (it binds port 0 and says
// which it got), with an HTTP client to it and the CSRF value its pages set.
#pragma once

#include <httplib.h>

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "front/child_process.hpp"
#include "tests/support/test_pipeline.hpp"

namespace zpipe::test {

class WebUnderTest {
 public:
  // Starts zpipe-web on 127.0.0.1:0 for `pipeline`, with `extra_args`; waits until it serves.
  explicit WebUnderTest(TestPipeline& pipeline, std::vector<std::string> extra_args = {});

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // A fresh client (httplib's clients are one thread each).
  httplib::Client client() const;
  // GET `path`; its JSON body (discarded when not JSON) and status.
  struct JsonReply {
    int status = 0;
    nlohmann::json body;
    std::string text;
  };
  JsonReply get_json(const std::string& path, const httplib::Headers& headers = {}) const;
  // POST `path` as the page does: with the CSRF cookie and header of a GET before it.
  JsonReply post_as_page(const std::string& path, const std::string& body = "") const;
  ChildProcess& process() { return *process_; }

 private:
  std::unique_ptr<ChildProcess> process_;
  int port_ = 0;
};

}  // namespace zpipe::test
