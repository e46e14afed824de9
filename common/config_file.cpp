#include "common/config_file.hpp"

#include <iterator>
#include <set>
#include <sstream>

#include "common/nearest_name.hpp"

namespace zpipe {
namespace {

// The program's apps from the top down to the command run (`zpipe`, `up`).
std::vector<const CLI::App*> command_chain(const CLI::App& root) {
  std::vector<const CLI::App*> chain{&root};
  while (!chain.back()->get_subcommands().empty()) {
    chain.push_back(chain.back()->get_subcommands().back());
  }
  return chain;
}

const CLI::App* find_subcommand(const CLI::App& app, const std::string& name) {
  const auto found = app.get_subcommands(
      [&name](const CLI::App* sub) { return !sub->get_name().empty() && sub->check_name(name); });
  return found.empty() ? nullptr : found.front();
}

// The option that a key names in `app`: its long flag. A positional is not a key.
const CLI::Option* option_named(const CLI::App& app, const std::string& key) {
  if (key.empty() || key.front() == '-') return nullptr;
  return app.get_option_no_throw("--" + key);
}

std::vector<std::string> keys_of(const std::vector<const CLI::App*>& apps) {
  std::vector<std::string> keys;
  for (const auto* app : apps) {
    for (const auto* option : app->get_options()) {
      if (option->get_configurable() && !option->get_lnames().empty()) {
        keys.push_back(option->get_lnames().front());
      }
    }
  }
  return keys;
}

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

std::string unquoted(std::string text) {
  if (text.size() >= 2 && (text.front() == '"' || text.front() == '\'') &&
      text.back() == text.front()) {
    return text.substr(1, text.size() - 2);
  }
  return text;
}

// Where each key of a file is, as CLI11's ConfigBase reads it ("section.key" -> its lines):
// for messages. Throws for a '#' inside a quoted value, which CLI11 would take for the start of
// a comment and so cut the value short without a word.
std::map<std::string, std::vector<int>> key_lines(const std::string& text,
                                                  const std::string& path) {
  std::map<std::string, std::vector<int>> lines;
  std::istringstream in(text);
  std::string section;
  std::string raw;
  for (int number = 1; std::getline(in, raw); ++number) {
    const auto line = trimmed(raw);
    if (line.size() < 3 || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      section = trimmed(line.substr(1, line.size() - 2));
      if (section.size() > 1 && section.front() == '[' && section.back() == ']') {
        section = section.substr(1, section.size() - 2);
      }
      if (section == "default") section.clear();
      lines["[" + section + "]"].push_back(number);
      continue;
    }
    const auto equals = line.find('=');
    auto key =
        unquoted(trimmed(line.substr(0, equals == std::string::npos ? line.find('#') : equals)));
    if (!section.empty()) key = section + "." + key;
    lines[key].push_back(number);
    if (equals == std::string::npos) continue;
    char quote = 0;
    const auto value = trimmed(line.substr(equals + 1));
    for (char c : value) {
      if (quote == 0 && c == '#') break;
      if (quote != 0 && c == '#') {
        throw CLI::ConfigError(path + " line " + std::to_string(number) +
                               ": a '#' inside a value is not supported: it starts a comment");
      }
      if (c == '"' || c == '\'') quote = quote == 0 ? c : (quote == c ? 0 : quote);
    }
    // An array over several lines: its other lines hold no keys.
    if (value.size() > 1 && value.front() == '[' && value.back() != ']') {
      for (std::string more; std::getline(in, more);) {
        ++number;
        const auto part = trimmed(more.substr(0, more.find('#')));
        if (!part.empty() && part.back() == ']') break;
      }
    }
  }
  return lines;
}

std::string joined(const std::vector<std::string>& names, const std::string& separator) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : separator) + name;
  return text;
}

std::string dotted(const std::vector<std::string>& names) { return joined(names, "."); }

std::string joined_path(const std::vector<std::string>& parents, const std::string& name) {
  return parents.empty() ? name : dotted(parents) + "." + name;
}

// `text` as comment lines of at most about `width` characters.
std::string comment_lines(const std::string& text, std::size_t width = 96) {
  std::string out;
  std::string line = "#";
  std::istringstream words(text);
  for (std::string word; words >> word;) {
    if (line.size() > 1 && line.size() + 1 + word.size() > width) {
      out += line + "\n";
      line = "#";
    }
    line += " " + word;
  }
  return out + line + "\n";
}

}  // namespace

std::vector<CLI::ConfigItem> ConfigFile::from_config(std::istream& input) const {
  const auto* config_option = root_.get_config_ptr();
  path_ = config_option != nullptr && !config_option->results().empty()
              ? config_option->results().back()
              : std::string("the config file");
  lines_taken_.clear();
  const std::string text{std::istreambuf_iterator<char>(input), std::istreambuf_iterator<char>()};
  const auto lines = key_lines(text, path_);
  std::istringstream again(text);
  auto read = CLI::ConfigTOML::from_config(again);

  const auto chain = command_chain(root_);
  const auto line_of = [&lines](const std::string& key, std::size_t nth = 0) {
    const auto found = lines.find(key);
    return found == lines.end() || found->second.size() <= nth ? 0 : found->second[nth];
  };
  const auto where = [this, &line_of](const std::string& key, std::size_t nth = 0) {
    const int line = line_of(key, nth);
    return path_ + (line == 0 ? "" : " line " + std::to_string(line));
  };
  std::vector<CLI::ConfigItem> checked;
  std::map<std::string, std::size_t> index_of;  // "command.key" -> its item in `checked`
  for (auto& item : read) {
    const bool is_section = item.name == "++" || item.name == "--";  // a [section]'s start or end
    const auto key =
        is_section ? "[" + dotted(item.parents) + "]" : joined_path(item.parents, item.name);
    // Commands named by a [section] or a dotted key, from the top.
    const CLI::App* app = &root_;
    for (const auto& parent : item.parents) {
      app = find_subcommand(*app, parent);
      if (app == nullptr) {
        std::string commands;
        for (const auto* sub : root_.get_subcommands({})) {
          commands += (commands.empty() ? "" : ", ") + sub->get_name();
        }
        throw CLI::ConfigError(where(key) + ": \"" + parent + "\" names no command of " +
                               root_.get_name() +
                               (commands.empty() ? "" : " (its commands: " + commands + ")"));
      }
    }
    if (is_section) {
      checked.push_back(std::move(item));
      continue;
    }
    const CLI::Option* option = nullptr;
    std::vector<const CLI::App*> searched{app};
    if (item.parents.empty()) {
      // A plain key: a flag of the command run, or else of a command around it.
      searched.assign(chain.rbegin(), chain.rend());
      for (std::size_t i = 0; i < chain.size() && option == nullptr; ++i) {
        const auto* candidate = chain[chain.size() - 1 - i];
        option = option_named(*candidate, item.name);
        if (option != nullptr) {
          for (std::size_t j = 1; j < chain.size() - i; ++j) {
            item.parents.push_back(chain[j]->get_name());
          }
        }
      }
    } else {
      option = option_named(*app, item.name);
    }
    if (option == nullptr) {
      const auto meant = nearest_name(item.name, keys_of(searched));
      std::vector<std::string> names;
      for (const auto* in_chain : chain) names.push_back(in_chain->get_name());
      const auto command = joined(names, " ");
      throw CLI::ConfigError(where(key) + ": unknown key \"" + key + "\"" +
                             (meant ? "; did you mean \"" + *meant + "\"?" : "") +
                             "\nThe keys are the long flags without '--': run '" + command +
                             " --help' for them.");
    }
    if (!option->get_configurable()) {
      throw CLI::ConfigError(where(key) + ": \"" + key + "\" cannot be set in a config file");
    }
    // Said twice: a flag that takes one value would keep the first without a word.
    if (option->get_items_expected_max() <= 1 && line_of(key, 1) != 0) {
      throw CLI::ConfigError(where(key, 1) + ": \"" + key + "\" is set again (first on line " +
                             std::to_string(line_of(key)) + "); it takes one value");
    }
    const auto full = joined_path(item.parents, item.name);
    if (const auto earlier = index_of.find(full); earlier != index_of.end()) {
      auto& inputs = checked[earlier->second].inputs;
      inputs.insert(inputs.end(), item.inputs.begin(), item.inputs.end());
      continue;
    }
    // What the command line gave wins: CLI11 applies the file to the options still unset.
    if (option->count() == 0) lines_taken_[option] = line_of(key);
    index_of.emplace(full, checked.size());
    checked.push_back(std::move(item));
  }
  return checked;
}

std::optional<std::string> ConfigFile::where_set(const CLI::Option& option) const {
  const auto found = lines_taken_.find(&option);
  if (found == lines_taken_.end()) return std::nullopt;
  return path_ + (found->second > 0 ? " line " + std::to_string(found->second) : "");
}

std::vector<std::string> effective_flags(const CLI::App& root) {
  std::vector<std::string> flags;
  for (const auto* app : command_chain(root)) {
    if (app != &root) flags.push_back(app->get_name());
    for (const auto* option : app->get_options()) {
      if (!option->get_configurable() || option->get_lnames().empty() || option->count() == 0) {
        continue;
      }
      const auto flag = "--" + option->get_lnames().front();
      const auto values = option->reduced_results();
      if (option->get_expected_max() == 0) {
        const auto& value = values.empty() ? std::string() : values.back();
        bool set = true;
        if (!value.empty()) (void)CLI::detail::lexical_cast(value, set);
        if (set) flags.push_back(flag);
        continue;
      }
      for (const auto& value : values) flags.push_back(flag + "=" + value);
    }
  }
  return flags;
}

std::string effective_config_text(const CLI::App& root) {
  const auto chain = command_chain(root);
  std::string command;
  for (const auto* app : chain) command += (command.empty() ? "" : " ") + app->get_name();
  std::string out = comment_lines(
      "The settings of " + command +
      " in effect (flags, then its --config file, then ZPIPE_* variables, then defaults), as a "
      "file for `" +
      command +
      " --config FILE`. Keys are the long flags without \"--\"; a "
      "flag given on the command line overrides the file.");
  for (const auto* app : chain) {
    for (const auto* option : app->get_options()) {
      if (!option->get_configurable() || option->get_lnames().empty()) continue;
      const auto& key = option->get_lnames().front();
      const bool is_flag = option->get_expected_max() == 0;
      std::string value;
      if (option->count() > 0) {
        auto results = option->reduced_results();
        // A flag given as `--isolate` holds no text: it is set.
        if (is_flag && (results.empty() || results.front().empty())) results = {"true"};
        value = CLI::detail::ini_join(results);
      } else if (!option->get_default_str().empty()) {
        value = CLI::detail::convert_arg_for_ini(option->get_default_str());
      } else if (is_flag) {
        value = "false";
      }
      out += "\n" + comment_lines(option->get_description());
      out += value.empty() ? "# " + key + " =\n" : key + " = " + value + "\n";
    }
  }
  return out;
}

}  // namespace zpipe
