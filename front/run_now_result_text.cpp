#include "front/run_now_result_text.hpp"

namespace zpipe {

std::string_view describe_run_now_result(RunNowResult result) {
  switch (result) {
    case RunNowResult::kDue:
      return "due now: it runs as soon as a worker takes it";
    case RunNowResult::kPending:
      return "not made due: it was due already, and waits for a worker";
    case RunNowResult::kRunning:
      return "not made due: it is running";
    case RunNowResult::kOver:
      return "not made due: it has ended (zpipe retry requeues a dead job)";
    case RunNowResult::kUnknown:
      break;
  }
  return "not made due: no such job in this pipeline";
}

}  // namespace zpipe
