#include "front/endpoint_list.hpp"

#include <algorithm>

namespace zpipe {

std::vector<EndpointLine> pipeline_endpoint_lines(const PipelineEndpoints& e) {
  return {{"submit", e.submit, ""},
          {"jobs for workers", e.jobs, ""},
          {"outcomes to sink", e.outcomes, ""},
          {"acks to ventilator", e.acks, ""},
          {"events in (publish)", e.events_in, ""},
          {"events out (subscribe)", e.events_out, ""}};
}

std::string endpoint_list(const std::vector<EndpointLine>& lines) {
  std::size_t role_width = 0;
  std::size_t endpoint_width = 0;
  for (const auto& line : lines) {
    role_width = std::max(role_width, line.role.size());
    endpoint_width = std::max(endpoint_width, line.endpoint.size());
  }
  std::string text;
  for (const auto& line : lines) {
    text += "  " + line.role + std::string(role_width - line.role.size() + 2, ' ');
    text += line.endpoint;
    if (!line.hint.empty()) {
      text += std::string(endpoint_width - line.endpoint.size() + 3, ' ') + line.hint;
    }
    text += '\n';
  }
  return text;
}

}  // namespace zpipe
