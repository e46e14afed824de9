// A job that another made (a follow-up, a chain's next step, an on_failure job, a batch's
// callback), as `zpipe show` lists it under its maker.
#pragma once

#include <string>

namespace zpipe {

// `state` as recorded, else as the ventilator tells, else "not recorded yet".
struct JobChild {
  std::string id;
  std::string type;
  std::string state;
};

}  // namespace zpipe
