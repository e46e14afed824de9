#include "front/cancel_result_text.hpp"

namespace zpipe {

std::string_view describe_cancel_result(CancelResult result) {
  switch (result) {
    case CancelResult::kCancelled:
      return "cancelled";
    case CancelResult::kCancelling:
      return "cancelling (asked its worker to stop it)";
    case CancelResult::kOver:
      return "already over";
    case CancelResult::kUnknown:
      break;
  }
  return "unknown";
}

}  // namespace zpipe
