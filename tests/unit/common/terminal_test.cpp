#include "common/terminal.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

TerminalFacts a_terminal(std::size_t columns) {
  TerminalFacts facts;
  facts.is_terminal = true;
  facts.ioctl_columns = columns;
  facts.term_variable = "xterm-256color";
  return facts;
}

TEST(TerminalStyle, ATerminalGetsItsWidthAndColours) {
  const auto style = decide_terminal_style(a_terminal(200));
  EXPECT_EQ(style.width, 200u);
  EXPECT_TRUE(style.colour);
}

TEST(TerminalStyle, NotATerminalGetsEveryCharacterAndNoColour) {
  TerminalFacts facts;
  facts.is_terminal = false;
  facts.columns_variable = "100";  // a shell's COLUMNS says nothing of a pipe or a file
  const auto style = decide_terminal_style(facts);
  EXPECT_FALSE(style.width.has_value());
  EXPECT_FALSE(style.colour);
}

TEST(TerminalStyle, NoColorTurnsColoursOffUnlessEmpty) {
  auto facts = a_terminal(120);
  facts.no_color_variable = "1";
  EXPECT_FALSE(decide_terminal_style(facts).colour);
  EXPECT_EQ(decide_terminal_style(facts).width, 120u) << "NO_COLOR does not change the width";
  facts.no_color_variable = "";  // no-color.org: present and not empty
  EXPECT_TRUE(decide_terminal_style(facts).colour);
}

TEST(TerminalStyle, ADumbTerminalGetsNoColour) {
  auto facts = a_terminal(80);
  facts.term_variable = "dumb";
  EXPECT_FALSE(decide_terminal_style(facts).colour);
}

TEST(TerminalStyle, ColumnsVariableOnlyWhenTheTerminalDoesNotSay) {
  auto facts = a_terminal(0);
  facts.columns_variable = "132";
  EXPECT_EQ(decide_terminal_style(facts).width, 132u);
  facts.columns_variable = "wide";
  EXPECT_EQ(decide_terminal_style(facts).width, 80u);
  facts.columns_variable.reset();
  EXPECT_EQ(decide_terminal_style(facts).width, 80u);
  facts.ioctl_columns = 90;
  facts.columns_variable = "132";
  EXPECT_EQ(decide_terminal_style(facts).width, 90u);
}

TEST(TerminalStyle, ColouredWrapsOnlyWhenColoursAreOn) {
  TerminalStyle plain;
  EXPECT_EQ(coloured("dead", Colour::kRed, plain), "dead");
  TerminalStyle colour;
  colour.colour = true;
  EXPECT_EQ(coloured("dead", Colour::kRed, colour), "\033[31mdead\033[0m");
  EXPECT_EQ(coloured("ok", Colour::kGreen, colour), "\033[32mok\033[0m");
  EXPECT_EQ(coloured("wait", Colour::kYellow, colour), "\033[33mwait\033[0m");
}

}  // namespace
}  // namespace zpipe
