// The smallest producer built with pkg-config against an installed zpipe
// (tests/install/out_of_tree_test.sh): submits one echo job and prints its id.
#include <chrono>
#include <iostream>

#include <nlohmann/json.hpp>

#include "client/client.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: small_producer VENTILATOR_ENDPOINT MESSAGE\n";
    return 2;
  }
  zpipe::Client client(zpipe::ClientConfig::to(argv[1], std::chrono::seconds(10)));
  zpipe::JobSpec job;
  job.type = "echo";
  job.payload = zpipe::Payload::from_json(argv[2]);
  auto id = client.submit(job);
  if (!id.ok()) {
    std::cerr << "small_producer: " << id.error().message << "\n";
    return 1;
  }
  std::cout << id.value() << "\n";
  return 0;
}
