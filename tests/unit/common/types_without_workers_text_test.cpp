#include "common/types_without_workers_text.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

TEST(TypesWithoutWorkersText, NamesTheTypesThatWaitForAWorkerWithTheirJobs) {
  std::vector<TypeCounts> by_type(2);
  by_type[0].type = "echo";
  by_type[0].pending = 4;
  by_type[1].type = "word_count";
  by_type[1].pending = 2;
  EXPECT_EQ(types_without_workers_text({"word_count", "resize"}, by_type),
            "2 jobs of type word_count wait: no connected worker handles word_count\n"
            "jobs of type resize wait: no connected worker handles resize\n");
  by_type[1].pending = 1;
  EXPECT_EQ(types_without_workers_text({"word_count"}, by_type),
            "1 job of type word_count waits: no connected worker handles word_count\n");
  EXPECT_EQ(types_without_workers_text({}, by_type), "");
}

}  // namespace
}  // namespace zpipe
