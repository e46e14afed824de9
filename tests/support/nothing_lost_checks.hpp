// The checks that end a nothing-lost test: every job the ventilator acknowledged is recorded at
// the sink exactly once, and the ventilator holds nothing more.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tests/support/test_pipeline.hpp"

namespace zpipe::test {

// Every id recorded once as succeeded, and nothing else recorded.
void expect_recorded_exactly_once(TestPipeline& pipeline, const std::vector<std::string>& ids);

// Nothing pending, scheduled, in flight or waiting for a retry; `succeeded` jobs in all.
void expect_nothing_left(TestPipeline& pipeline, std::uint64_t succeeded);

}  // namespace zpipe::test
