// The flags of `zpipe submit` that add jobs to the one submitted: --then TYPE (a step of its
// chain) and --on-failure TYPE, each with payload fields of its own from the --then-arg k=v or
// --on-failure-arg k=v after it. CLI11 keeps the values of each option in order, but not the
// order between options: which --then an --then-arg belongs to is read from the parse order.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "common/result.hpp"
#include "front/job_spec_parser.hpp"

namespace zpipe {

class SubmitWorkflowFlags {
 public:
  SubmitWorkflowFlags() = default;
  // CLI11 holds pointers to its vectors.
  SubmitWorkflowFlags(const SubmitWorkflowFlags&) = delete;
  SubmitWorkflowFlags& operator=(const SubmitWorkflowFlags&) = delete;

  // Adds --then, --then-arg, --on-failure and --on-failure-arg to `app`, which must outlive this.
  void add_options(CLI::App& app);
  // Once `app` has parsed: the steps and on_failure jobs (type and args) into `arguments`, in the
  // order typed. Fails (kInvalid) for an --then-arg before any --then (likewise --on-failure).
  Result<Ok> read(const CLI::App& app, SubmitArguments& arguments) const;

 private:
  struct JobFlags {
    CLI::Option* job = nullptr;  // --then TYPE
    CLI::Option* arg = nullptr;  // --then-arg k=v
    std::vector<std::string> types{};
    std::vector<std::string> args{};
  };
  JobFlags then_;
  JobFlags on_failure_;
};

}  // namespace zpipe
