#include "common/terminal.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>

namespace zpipe {
namespace {

std::optional<std::string> variable(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

std::optional<std::size_t> columns_from(const std::optional<std::string>& text) {
  if (!text || text->empty()) return std::nullopt;
  std::size_t columns = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), columns);
  if (error != std::errc() || end != text->data() + text->size() || columns == 0) {
    return std::nullopt;
  }
  return columns;
}

}  // namespace

TerminalStyle decide_terminal_style(const TerminalFacts& facts) {
  TerminalStyle style;
  if (!facts.is_terminal) return style;
  constexpr std::size_t kDefaultColumns = 80;  // what a terminal that says nothing has
  if (facts.ioctl_columns > 0) {
    style.width = facts.ioctl_columns;
  } else {
    style.width = columns_from(facts.columns_variable).value_or(kDefaultColumns);
  }
  // no-color.org: NO_COLOR "present and not an empty string" turns colours off.
  const bool no_color = facts.no_color_variable && !facts.no_color_variable->empty();
  const bool dumb = facts.term_variable && *facts.term_variable == "dumb";
  style.colour = !no_color && !dumb;
  return style;
}

TerminalStyle terminal_style(int fd) {
  TerminalFacts facts;
  facts.is_terminal = ::isatty(fd) != 0;
  winsize size{};
  if (facts.is_terminal && ::ioctl(fd, TIOCGWINSZ, &size) == 0) facts.ioctl_columns = size.ws_col;
  facts.columns_variable = variable("COLUMNS");
  facts.no_color_variable = variable("NO_COLOR");
  facts.term_variable = variable("TERM");
  return decide_terminal_style(facts);
}

std::string coloured(std::string_view text, Colour colour, const TerminalStyle& style) {
  if (!style.colour) return std::string(text);
  const char* code = colour == Colour::kGreen ? "\033[32m"
                     : colour == Colour::kRed ? "\033[31m"
                                              : "\033[33m";
  return std::string(code).append(text).append("\033[0m");
}

}  // namespace zpipe
