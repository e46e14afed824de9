#include "front/submit_workflow_flags.hpp"

#include <cassert>
#include <tuple>

namespace zpipe {

void SubmitWorkflowFlags::add_options(CLI::App& app) {
  then_.job = app.add_option("--then", then_.types,
                             "After it succeeds, a job of TYPE with its result in the payload "
                             "(previous_result); repeatable: a chain, run in the order given")
                  ->type_name("TYPE");
  then_.arg = app.add_option("--then-arg", then_.args,
                             "Payload field of the --then before it, as --arg; repeatable")
                  ->type_name("K=V");
  on_failure_.job = app.add_option("--on-failure", on_failure_.types,
                                   "When it (or a step of its chain) is dead, a job of TYPE with "
                                   "why in the payload (failed_job); repeatable")
                        ->type_name("TYPE");
  on_failure_.arg = app.add_option("--on-failure-arg", on_failure_.args,
                                   "Payload field of the --on-failure before it, as --arg; "
                                   "repeatable")
                        ->type_name("K=V");
}

Result<Ok> SubmitWorkflowFlags::read(const CLI::App& app, SubmitArguments& arguments) const {
  for (auto [flags, entries] :
       {std::tuple{&then_, &arguments.then}, std::tuple{&on_failure_, &arguments.on_failure}}) {
    // One entry in the parse order per value taken, in the order of the command line.
    std::size_t types = 0;
    std::size_t args = 0;
    for (const auto* option : app.parse_order()) {
      if (option == flags->job) {
        assert(types < flags->types.size());
        SubmitArguments entry;
        entry.type = flags->types[types++];
        entries->push_back(std::move(entry));
      } else if (option == flags->arg) {
        assert(args < flags->args.size());
        const auto& arg = flags->args[args++];
        if (entries->empty()) {
          return make_error(ErrorCode::kInvalid, flags->arg->get_name() + " " + arg +
                                                     " comes before any " + flags->job->get_name() +
                                                     " TYPE it is for");
        }
        entries->back().args.push_back(arg);
      }
    }
  }
  return Ok{};
}

}  // namespace zpipe
