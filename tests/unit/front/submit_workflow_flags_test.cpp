#include "front/submit_workflow_flags.hpp"

#include <gtest/gtest.h>

#include "tests/support/argv.hpp"

namespace zpipe {
namespace {

// `zpipe submit`'s own options as far as these tests need them, on a subcommand as there.
struct SubmitApp {
  CLI::App app{"zpipe"};
  CLI::App& submit = *app.add_subcommand("submit");
  SubmitArguments arguments;
  SubmitWorkflowFlags workflow;

  SubmitApp() {
    submit.add_option("type", arguments.type);
    submit.add_option("--arg,-a", arguments.args);
    submit.add_option("--queue", arguments.queue);
    workflow.add_options(submit);
  }
  Result<Ok> parse(test::Argv argv) {
    app.parse(argv.argc(), argv.argv());
    return workflow.read(submit, arguments);
  }
};

std::vector<std::string> types(const std::vector<SubmitArguments>& entries) {
  std::vector<std::string> names;
  for (const auto& entry : entries) names.push_back(entry.type);
  return names;
}

TEST(SubmitWorkflowFlags, EachArgGoesToTheJobFlagBeforeItWhateverComesBetween) {
  SubmitApp s;
  auto read = s.parse({"zpipe",      "submit",
                       "resize",     "--arg",
                       "w=10",       "--then",
                       "upload",     "--on-failure",
                       "alert",      "--then-arg",
                       "to=s3",      "--queue",
                       "img",        "--on-failure-arg",
                       "who=ops",    "--then",
                       "notify",     "--then-arg=via=mail",
                       "--then-arg", "to=me",
                       "--arg",      "h=5"});
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(s.arguments.args, (std::vector<std::string>{"w=10", "h=5"}));
  EXPECT_EQ(types(s.arguments.then), (std::vector<std::string>{"upload", "notify"}));
  EXPECT_EQ(s.arguments.then[0].args, std::vector<std::string>{"to=s3"});
  EXPECT_EQ(s.arguments.then[1].args, (std::vector<std::string>{"via=mail", "to=me"}));
  EXPECT_EQ(types(s.arguments.on_failure), std::vector<std::string>{"alert"});
  EXPECT_EQ(s.arguments.on_failure[0].args, std::vector<std::string>{"who=ops"});
}

TEST(SubmitWorkflowFlags, NoneGivenAddsNothing) {
  SubmitApp s;
  ASSERT_TRUE(s.parse({"zpipe", "submit", "echo", "--arg", "x=1"}).ok());
  EXPECT_TRUE(s.arguments.then.empty());
  EXPECT_TRUE(s.arguments.on_failure.empty());
}

TEST(SubmitWorkflowFlags, AnArgBeforeAnyJobItCouldBeForIsRefused) {
  SubmitApp s;
  auto read = s.parse({"zpipe", "submit", "echo", "--then-arg", "to=s3", "--then", "upload"});
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().message, "--then-arg to=s3 comes before any --then TYPE it is for");
  SubmitApp t;
  read = t.parse({"zpipe", "submit", "echo", "--then", "upload", "--on-failure-arg", "x=1"});
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().message,
            "--on-failure-arg x=1 comes before any --on-failure TYPE it is for");
}

}  // namespace
}  // namespace zpipe
