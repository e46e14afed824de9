#include "front/ventilator_options.hpp"

#include "common/endpoints.hpp"

namespace zpipe {

void add_ventilator_options(CLI::App& app, ClientConfig& client) {
  app.add_option("--ventilator", client.ventilator, "Ventilator submit endpoint")
      ->envname(EndpointVariables::kSubmit)
      ->capture_default_str();
  app.add_option("--pipeline", client.pipeline,
                 "Act only if the ventilator is this pipeline (its identity, as `zpipe status` "
                 "and `zpipe up` print it); refused otherwise")
      ->envname(kPipelineVariable);
}

}  // namespace zpipe
