// The endpoints of a pipeline as `zpipe up` announces them: one line each with its role (what
// goes through it, and for the event hub which end a program takes), the endpoint, and a
// command that uses it, in aligned columns.
#pragma once

#include <string>
#include <vector>

#include "front/pipeline_endpoints.hpp"

namespace zpipe {

struct EndpointLine {
  std::string role;      // "events in (publish)"
  std::string endpoint;  // "tcp://127.0.0.1:5574"
  std::string hint;      // a command that uses it, or ""
};

// The six endpoints of `endpoints` with their roles, in PipelineEndpoints' order: "submit",
// "jobs for workers", "outcomes to sink", "acks to ventilator", "events in (publish)",
// "events out (subscribe)"; no hints.
std::vector<EndpointLine> pipeline_endpoint_lines(const PipelineEndpoints& endpoints);

// One line per entry: two spaces, the role and the endpoint each padded to its column's widest
// entry, then the hint; no trailing spaces; each line ends in '\n'.
std::string endpoint_list(const std::vector<EndpointLine>& lines);

}  // namespace zpipe
