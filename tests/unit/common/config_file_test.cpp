// --config FILE as every program reads it (common/command_line, common/config_file): what wins,
// what a file may say, and what a broken one is told.
#include "common/config_file.hpp"

#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/command_line.hpp"
#include "tests/support/argv.hpp"
#include "tests/support/temp_dir.hpp"

namespace zpipe {
namespace {

constexpr const char* kVariable = "ZPIPE_CONFIG_FILE_TEST_ENDPOINT";

// A program with the kinds of flag the real ones have, and --config.
struct Program {
  Program() {
    app.add_option("--endpoint", endpoint, "An endpoint")
        ->envname(kVariable)
        ->capture_default_str();
    app.add_option("--concurrency,-c", concurrency, "Jobs at once")
        ->capture_default_str()
        ->check(CLI::Range(1, 64));
    app.add_flag("--isolate", isolate, "A flag");
    app.add_option("--limit", limits, "Repeatable");
    app.add_option("--types", types, "Comma-separated")->delimiter(',');
    app.add_option("--name", name, "Free text");
    add_config_options(app);
  }

  // Parses `args` after the program name; the exit code, if it says to stop, and stderr.
  std::optional<int> parse(std::initializer_list<std::string> args) {
    std::vector<std::string> all{"zpipe-test"};
    all.insert(all.end(), args);
    std::vector<char*> argv;
    for (auto& arg : all) argv.push_back(arg.data());
    argv.push_back(nullptr);
    testing::internal::CaptureStderr();
    auto code = parse_command_line(app, static_cast<int>(all.size()), argv.data());
    err = testing::internal::GetCapturedStderr();
    return code;
  }

  CLI::App app{"a test program", "zpipe-test"};
  std::string endpoint = "tcp://127.0.0.1:1";
  int concurrency = 1;
  bool isolate = false;
  std::vector<std::string> limits;
  std::vector<std::string> types;
  std::string name;
  std::string err;
};

class ConfigFileTest : public testing::Test {
 protected:
  std::string write(const std::string& text, const std::string& name = "test.conf") {
    const auto path = (dir_.path() / name).string();
    std::ofstream(path) << text;
    return path;
  }
  void TearDown() override { ::unsetenv(kVariable); }

  test::TempDir dir_;
};

TEST_F(ConfigFileTest, TheCommandLineWinsOverTheFileWhichWinsOverTheEnvironment) {
  const auto file = write("endpoint = \"tcp://file:1\"\nconcurrency = 4\n");
  ::setenv(kVariable, "tcp://env:1", 1);

  Program from_file;
  ASSERT_EQ(from_file.parse({"--config", file}), std::nullopt) << from_file.err;
  EXPECT_EQ(from_file.endpoint, "tcp://file:1") << "the file, named on the command line, wins";
  EXPECT_EQ(from_file.concurrency, 4);

  Program from_flags;
  ASSERT_EQ(from_flags.parse({"--config", file, "--endpoint", "tcp://flag:1", "-c", "2"}),
            std::nullopt);
  EXPECT_EQ(from_flags.endpoint, "tcp://flag:1");
  EXPECT_EQ(from_flags.concurrency, 2) << "by its short name too";

  Program from_env;  // the file does not say it: the environment does
  ASSERT_EQ(from_env.parse({"--config", write("concurrency = 3\n", "other.conf")}), std::nullopt);
  EXPECT_EQ(from_env.endpoint, "tcp://env:1");

  ::unsetenv(kVariable);
  Program defaults;
  ASSERT_EQ(defaults.parse({"--config", write("", "empty.conf")}), std::nullopt);
  EXPECT_EQ(defaults.endpoint, "tcp://127.0.0.1:1");
  EXPECT_EQ(defaults.concurrency, 1);
}

TEST_F(ConfigFileTest, RepeatedFlagsComeFromArraysAndFromKeysSaidAgain) {
  Program program;
  const auto file = write(
      "limit = [\"echo=10/s\", \"exec=concurrency:2\"]\n"
      "types = \"echo,sleep\"\n"
      "concurrency = 2\n"
      "limit = \"queue:mail=5/s\"\n");
  ASSERT_EQ(program.parse({"--config", file}), std::nullopt) << program.err;
  EXPECT_EQ(program.limits,
            (std::vector<std::string>{"echo=10/s", "exec=concurrency:2", "queue:mail=5/s"}))
      << "a key said again adds its values, as a flag given again does";
  EXPECT_EQ(program.types, (std::vector<std::string>{"echo", "sleep"}));

  Program overridden;
  ASSERT_EQ(overridden.parse({"--config", file, "--limit", "fail=1/s"}), std::nullopt);
  EXPECT_EQ(overridden.limits, (std::vector<std::string>{"fail=1/s"}))
      << "given on the command line, the file's list is not added to it";
}

TEST_F(ConfigFileTest, FlagsAreTrueOrFalse) {
  Program set;
  ASSERT_EQ(set.parse({"--config", write("isolate = true\n")}), std::nullopt) << set.err;
  EXPECT_TRUE(set.isolate);
  Program unset;
  ASSERT_EQ(unset.parse({"--config", write("isolate = false\n", "false.conf")}), std::nullopt);
  EXPECT_FALSE(unset.isolate);
}

TEST_F(ConfigFileTest, QuotedValuesKeepTheirSpacesAndCommentsFollowValues) {
  Program program;
  ASSERT_EQ(program.parse({"--config", write("name = \"images 1\"   # the first host\n")}),
            std::nullopt)
      << program.err;
  EXPECT_EQ(program.name, "images 1");
}

TEST_F(ConfigFileTest, AnUnknownKeyIsAUsageErrorNamingTheFileTheLineAndTheFlagMeant) {
  Program program;
  const auto file = write("# a comment\nconcurency = 4\n");
  EXPECT_EQ(program.parse({"--config", file}), kExitUsage);
  EXPECT_NE(program.err.find("zpipe-test: " + file +
                             " line 2: unknown key \"concurency\"; did "
                             "you mean \"concurrency\"?"),
            std::string::npos)
      << program.err;
  EXPECT_NE(program.err.find("run 'zpipe-test --help'"), std::string::npos) << program.err;
}

TEST_F(ConfigFileTest, ShortNamesUnknownSectionsAndHelpAreNoKeys) {
  Program short_name;
  EXPECT_EQ(short_name.parse({"--config", write("c = 4\n")}), kExitUsage);
  EXPECT_NE(short_name.err.find("unknown key \"c\""), std::string::npos) << short_name.err;

  Program section;
  EXPECT_EQ(section.parse({"--config", write("[worker]\nconcurrency = 4\n", "s.conf")}),
            kExitUsage);
  EXPECT_NE(section.err.find("s.conf line 1: \"worker\" names no command of zpipe-test"),
            std::string::npos)
      << section.err;

  Program help;
  EXPECT_EQ(help.parse({"--config", write("help = true\n", "h.conf")}), kExitUsage);
  EXPECT_NE(help.err.find("\"help\" cannot be set in a config file"), std::string::npos)
      << help.err;
}

TEST_F(ConfigFileTest, AMissingFileOrADirectoryIsAUsageErrorNamingIt) {
  Program missing;
  const auto path = (dir_.path() / "nope.conf").string();
  EXPECT_EQ(missing.parse({"--config", path}), kExitUsage);
  EXPECT_EQ(missing.err, "zpipe-test: --config " + path + ": No such file or directory\n");

  Program directory;
  EXPECT_EQ(directory.parse({"--config", dir_.path().string()}), kExitUsage);
  EXPECT_NE(directory.err.find("it is a directory, not a file"), std::string::npos)
      << directory.err;
}

TEST_F(ConfigFileTest, AValueRefusedSaysWhereInTheFileItIs) {
  Program program;
  const auto file = write("\nconcurrency = 0\n");
  EXPECT_EQ(program.parse({"--config", file}), kExitUsage);
  EXPECT_NE(
      program.err.find("--concurrency: Value 0 not in range 1 to 64 (set in " + file + " line 2)"),
      std::string::npos)
      << program.err;

  Program on_the_command_line;
  EXPECT_EQ(on_the_command_line.parse({"--config", file, "-c", "0"}), kExitUsage);
  EXPECT_EQ(on_the_command_line.err.find("set in"), std::string::npos)
      << "the command line's value was refused, not the file's: " << on_the_command_line.err;
}

TEST_F(ConfigFileTest, AOneValueKeySaidTwiceIsAnErrorNotTheFirstKeptSilently) {
  Program program;
  EXPECT_EQ(program.parse({"--config", write("concurrency = 2\nname = \"a\"\nconcurrency = 3\n")}),
            kExitUsage);
  EXPECT_NE(program.err.find("line 3: \"concurrency\" is set again (first on line 1)"),
            std::string::npos)
      << program.err;
}

TEST_F(ConfigFileTest, AHashInsideAQuotedValueIsAnErrorRatherThanAValueCutShort) {
  Program program;
  EXPECT_EQ(program.parse({"--config", write("name = \"a#b\"\n")}), kExitUsage);
  EXPECT_NE(program.err.find("line 1: a '#' inside a value is not supported"), std::string::npos)
      << program.err;
}

TEST_F(ConfigFileTest, ACommandsFileSetsItsFlagsAndThoseOfTheProgram) {
  CLI::App app{"a program of commands", "zpipe-test"};
  std::string level = "info";
  int workers = 1;
  int other = 0;
  app.add_option("--log-level", level, "Of the program");
  auto* up = app.add_subcommand("up", "A command");
  up->add_option("--workers", workers, "Of the command");
  add_config_options(*up);
  auto* status = app.add_subcommand("status", "Another");
  status->add_option("--other", other, "Of the other command");
  const auto file = write("workers = 3\nlog-level = \"debug\"\n");
  test::Argv args{"zpipe-test", "up", "--config", file};
  ASSERT_EQ(parse_command_line(app, args.argc(), args.argv()), std::nullopt);
  EXPECT_EQ(workers, 3);
  EXPECT_EQ(level, "debug");

  const auto wrong = write("other = 3\n", "wrong.conf");
  test::Argv wrong_args{"zpipe-test", "up", "--config", wrong};
  testing::internal::CaptureStderr();
  EXPECT_EQ(parse_command_line(app, wrong_args.argc(), wrong_args.argv()), kExitUsage);
  const auto err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("unknown key \"other\""), std::string::npos)
      << "a flag of another command is no key for this one: " << err;
}

TEST_F(ConfigFileTest, ThePrintedSettingsReadBackToTheSameSettings) {
  Program program;
  const auto file = write(
      "limit = [\"echo=10/s\", \"exec=concurrency:2\"]\nisolate = true\nname = \"images 1\"\n");
  ASSERT_EQ(program.parse({"--config", file, "--print-config", "-c", "7"}), std::nullopt);
  testing::internal::CaptureStdout();
  EXPECT_EQ(print_config_if_asked(program.app), kExitOk);
  const auto printed = testing::internal::GetCapturedStdout();
  EXPECT_NE(printed.find("\nconcurrency = 7\n"), std::string::npos) << printed;
  EXPECT_NE(printed.find("\n# types =\n"), std::string::npos) << "unset: commented out";

  Program again;
  ASSERT_EQ(again.parse({"--config", write(printed, "printed.conf")}), std::nullopt) << again.err;
  EXPECT_EQ(again.concurrency, 7);
  EXPECT_EQ(again.limits, program.limits);
  EXPECT_TRUE(again.isolate);
  EXPECT_EQ(again.name, "images 1");
  EXPECT_EQ(again.endpoint, program.endpoint);
  EXPECT_EQ(print_config_if_asked(again.app), std::nullopt) << "not asked this time";
}

TEST_F(ConfigFileTest, TheEffectiveFlagsStartTheProgramAgainWithTheSameSettings) {
  ::setenv(kVariable, "tcp://env:1", 1);
  Program program;
  ASSERT_EQ(program.parse({"--config",
                           write("limit = [\"a=1/s\", \"b=2/s\"]\nisolate = true\n"
                                 "types = \"echo,sleep\"\nname = \"w 1\"\n"),
                           "-c", "5"}),
            std::nullopt);
  const auto flags = effective_flags(program.app);
  EXPECT_EQ(flags, (std::vector<std::string>{"--endpoint=tcp://env:1", "--concurrency=5",
                                             "--isolate", "--limit=a=1/s", "--limit=b=2/s",
                                             "--types=echo", "--types=sleep", "--name=w 1"}));
  ::unsetenv(kVariable);

  Program again;
  std::vector<std::string> args{"zpipe-test"};
  args.insert(args.end(), flags.begin(), flags.end());
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  ASSERT_EQ(parse_command_line(again.app, static_cast<int>(args.size()), argv.data()),
            std::nullopt);
  EXPECT_EQ(again.endpoint, "tcp://env:1");
  EXPECT_EQ(again.concurrency, 5);
  EXPECT_TRUE(again.isolate);
  EXPECT_EQ(again.limits, program.limits);
  EXPECT_EQ(again.types, program.types);
  EXPECT_EQ(again.name, "w 1");

  Program unset;
  ASSERT_EQ(unset.parse({"--config", write("isolate = false\n", "off.conf")}), std::nullopt);
  EXPECT_EQ(effective_flags(unset.app), std::vector<std::string>{}) << "a switch off is no flag";
}

}  // namespace
}  // namespace zpipe
