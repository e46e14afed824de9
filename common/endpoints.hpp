// Default endpoints and data directory: with no flags, every program on one host finds the
// others. The stable ends bind (ventilator, sink); workers, producers and monitors connect.
#pragma once

#include <filesystem>
#include <string>

namespace zpipe {

struct DefaultEndpoints {
  static constexpr const char* kSubmit = "tcp://127.0.0.1:5570";     // ventilator ROUTER
  static constexpr const char* kJobs = "tcp://127.0.0.1:5571";       // ventilator PUSH
  static constexpr const char* kOutcomes = "tcp://127.0.0.1:5572";   // sink PULL
  static constexpr const char* kAcks = "tcp://127.0.0.1:5573";       // ventilator PULL
  static constexpr const char* kEventsIn = "tcp://127.0.0.1:5574";   // event hub XSUB
  static constexpr const char* kEventsOut = "tcp://127.0.0.1:5575";  // event hub XPUB
};

// $ZPIPE_DATA_DIR, else $XDG_DATA_HOME/zpipe, else ~/.local/share/zpipe, else ./zpipe-data.
std::filesystem::path default_data_dir();

// The sink's SQLite store inside a data directory.
std::filesystem::path outcome_store_path(const std::filesystem::path& data_dir);

// The ventilator's journal of unfinished and dead jobs inside a data directory.
std::filesystem::path journal_path(const std::filesystem::path& data_dir);

}  // namespace zpipe
