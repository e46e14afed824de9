// submit_all: submits many jobs through a Client in batches, as a producer with a backlog would.
#pragma once

#include <string>
#include <vector>

#include "client/client.hpp"

namespace zpipe::test {

// Submits `specs` in batches of 1,000; returns the ids the ventilator acknowledged, in order
// (a refused batch fails the test and ends the submitting).
std::vector<std::string> submit_all(Client& client, const std::vector<JobSpec>& specs);
// `count` jobs, all as `spec`.
std::vector<std::string> submit_all(Client& client, int count, const JobSpec& spec);

}  // namespace zpipe::test
