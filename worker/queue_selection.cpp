#include "worker/queue_selection.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <string_view>

#include "common/decode_limits.hpp"
#include "common/queue_name.hpp"

namespace zpipe {
namespace {

// Weights are proportions: a million to one is already more than any fleet can tell apart.
constexpr std::uint32_t kMaxWeight = 1'000'000;

Error invalid(std::string message) { return Error{ErrorCode::kInvalid, std::move(message)}; }

// The rule the ventilator applies to the queue names of a ready message, checked here first so
// that a bad name is a usage error and not a worker the ventilator refuses.
std::optional<Error> check_name(const std::string& name) {
  if (auto problem = queue_name_problem(name)) return invalid(*problem);
  return std::nullopt;
}

}  // namespace

Result<QueueSelection> parse_queue_selection(const std::vector<std::string>& items) {
  QueueSelection selection;
  std::size_t weighted = 0;
  for (const auto& item : items) {
    const auto colon = item.find(':');
    std::string name = item.substr(0, colon);
    if (auto error = check_name(name)) return *error;
    if (std::find(selection.queues.begin(), selection.queues.end(), name) !=
        selection.queues.end()) {
      return invalid("queue \"" + name + "\" is named twice");
    }
    if (colon != std::string::npos) {
      const auto text = std::string_view(item).substr(colon + 1);
      std::uint32_t weight = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), weight);
      if (text.empty() || ec != std::errc() || end != text.data() + text.size() || weight == 0 ||
          weight > kMaxWeight) {
        return invalid("the weight of queue \"" + name + "\" must be a whole number from 1 to " +
                       std::to_string(kMaxWeight) + ", not \"" + std::string(text) + "\"");
      }
      selection.weights.push_back(weight);
      ++weighted;
    }
    selection.queues.push_back(std::move(name));
  }
  if (weighted != 0 && weighted != selection.queues.size()) {
    return invalid(
        "give every queue a weight (critical:6,default:3,low:1) or none (critical,default,low: "
        "strict order), not some");
  }
  return selection;
}

std::string queue_selection_text(const QueueSelection& selection) {
  std::string text;
  for (std::size_t i = 0; i < selection.queues.size(); ++i) {
    if (i > 0) text += ',';
    text += selection.queues[i];
    if (selection.is_weighted()) text += ':' + std::to_string(selection.weights[i]);
  }
  return text;
}

}  // namespace zpipe
