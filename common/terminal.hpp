// TerminalStyle: how wide a program's output may be and whether it may be coloured, decided
// once from the output stream (a terminal or not), its size and the environment.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace zpipe {

// What the decision rests on, gathered by terminal_style() (tests fill it in by hand).
struct TerminalFacts {
  bool is_terminal = false;
  std::size_t ioctl_columns = 0;                 // TIOCGWINSZ's ws_col; 0 when unknown
  std::optional<std::string> columns_variable;   // $COLUMNS
  std::optional<std::string> no_color_variable;  // $NO_COLOR
  std::optional<std::string> term_variable;      // $TERM
};

struct TerminalStyle {
  // Columns to fit lines in; std::nullopt when the output is not a terminal (a file, a pipe):
  // then nothing is cut and a script gets every character.
  std::optional<std::size_t> width;
  // ANSI colours: only on a terminal, never with NO_COLOR set (https://no-color.org) or with
  // TERM=dumb.
  bool colour = false;
};

// A terminal's width: the ioctl's, else a valid $COLUMNS, else 80.
TerminalStyle decide_terminal_style(const TerminalFacts& facts);

// The style of output written to `fd` (STDOUT_FILENO by default), from the real terminal and
// environment.
TerminalStyle terminal_style(int fd = 1);

enum class Colour { kGreen, kRed, kYellow };

// `text` wrapped in the ANSI codes of `colour` when `style.colour`, else `text` itself.
std::string coloured(std::string_view text, Colour colour, const TerminalStyle& style);

}  // namespace zpipe
