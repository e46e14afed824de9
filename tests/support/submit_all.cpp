#include "tests/support/submit_all.hpp"

#include <algorithm>

#include <gtest/gtest.h>

namespace zpipe::test {

std::vector<std::string> submit_all(Client& client, const std::vector<JobSpec>& specs) {
  constexpr std::size_t kBatch = 1000;
  std::vector<std::string> ids;
  ids.reserve(specs.size());
  for (std::size_t first = 0; first < specs.size(); first += kBatch) {
    const auto end = std::min(specs.size(), first + kBatch);
    auto accepted =
        client.submit(std::vector<JobSpec>(specs.begin() + static_cast<std::ptrdiff_t>(first),
                                           specs.begin() + static_cast<std::ptrdiff_t>(end)));
    EXPECT_TRUE(accepted.ok()) << accepted.error().message;
    if (!accepted.ok()) break;
    ids.insert(ids.end(), accepted.value().begin(), accepted.value().end());
  }
  return ids;
}

std::vector<std::string> submit_all(Client& client, int count, const JobSpec& spec) {
  return submit_all(client, std::vector<JobSpec>(static_cast<std::size_t>(count), spec));
}

}  // namespace zpipe::test
