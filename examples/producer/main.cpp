// A producer of one's own: submits COUNT echo jobs to a ventilator and waits until the pipeline
// has finished them. It links zpipe::client alone (libzmq and msgpack), as a web application or
// a cron script that hands work to zpipe would.
//
//   zpipe-example-producer [--ventilator ENDPOINT] [COUNT]
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "client/client.hpp"

namespace {

constexpr std::size_t kBatch = 1000;  // a good request size (up to 10,000 fit in one)

int usage(std::string_view problem) {
  std::cerr << "zpipe-example-producer: " << problem << "\n"
            << "usage: zpipe-example-producer [--ventilator ENDPOINT] [COUNT]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  zpipe::ClientConfig config;
  if (const char* from_env = std::getenv("ZPIPE_VENTILATOR")) config.ventilator = from_env;
  std::size_t count = 10;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--ventilator" && i + 1 < argc) {
      config.ventilator = argv[++i];
    } else if (!arg.empty() && arg.find_first_not_of("0123456789") == std::string_view::npos) {
      count = std::stoul(std::string(arg));
    } else {
      return usage("unexpected argument \"" + std::string(arg) + "\"");
    }
  }

  zpipe::Client client(config);
  std::size_t accepted = 0;
  while (accepted < count) {
    std::vector<zpipe::JobSpec> batch;
    for (std::size_t i = accepted; i < count && batch.size() < kBatch; ++i) {
      auto payload = zpipe::Payload::parse_json("{\"n\": " + std::to_string(i) + "}").value();
      batch.push_back(zpipe::JobSpec{"echo", std::move(payload), 0, 0});  // default limits
    }
    auto ids = client.submit(batch);
    if (!ids.ok()) {
      std::cerr << "zpipe-example-producer: " << ids.error().message << "\n";
      return 1;
    }
    accepted += ids.value().size();
  }
  std::cout << "submitted " << accepted << " jobs to " << config.ventilator << "\n";

  // The ventilator's counts say when every job has an outcome.
  while (true) {
    auto status = client.status();
    if (!status.ok()) {
      std::cerr << "zpipe-example-producer: " << status.error().message << "\n";
      return 1;
    }
    const auto& counts = status.value();
    if (counts.pending + counts.in_flight + counts.retrying == 0) {
      std::cout << "finished: " << counts.succeeded << " succeeded, " << counts.dead << " dead\n";
      return counts.dead == 0 ? 0 : 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}
