// Default endpoints and data directory: with no flags, every program on one host finds the
// others. The stable ends bind (ventilator, sink); workers, producers and monitors connect.
#pragma once

#include <filesystem>
#include <string>

namespace zpipe {

struct DefaultEndpoints {
  static constexpr const char* kSubmit = "tcp://127.0.0.1:5570";     // ventilator ROUTER
  static constexpr const char* kJobs = "tcp://127.0.0.1:5571";       // ventilator ROUTER
  static constexpr const char* kOutcomes = "tcp://127.0.0.1:5572";   // sink PULL
  static constexpr const char* kAcks = "tcp://127.0.0.1:5573";       // ventilator PULL
  static constexpr const char* kEventsIn = "tcp://127.0.0.1:5574";   // event hub SUB
  static constexpr const char* kEventsOut = "tcp://127.0.0.1:5575";  // event hub PUB
};

// The environment variables that the connecting end of each endpoint reads when its flag is
// not given, so that every command of a shell reaches the same pipeline (`zpipe up` prints
// them as export lines). The flag, when given, wins.
struct EndpointVariables {
  static constexpr const char* kSubmit = "ZPIPE_VENTILATOR";   // --ventilator (clients)
  static constexpr const char* kJobs = "ZPIPE_JOBS";           // worker --jobs-from
  static constexpr const char* kOutcomes = "ZPIPE_OUTCOMES";   // worker --outcomes-to
  static constexpr const char* kAcks = "ZPIPE_ACKS";           // sink --acks-to
  static constexpr const char* kEventsIn = "ZPIPE_EVENTS_IN";  // worker, sink --events-to
  static constexpr const char* kEventsOut = "ZPIPE_EVENTS";    // monitor --events-from
};

// $ZPIPE_DATA_DIR, else $XDG_DATA_HOME/zpipe, else ~/.local/share/zpipe, else ./zpipe-data.
std::filesystem::path default_data_dir();

// The sink's SQLite store inside a data directory.
std::filesystem::path outcome_store_path(const std::filesystem::path& data_dir);

// The ventilator's journal of unfinished and dead jobs inside a data directory.
std::filesystem::path journal_path(const std::filesystem::path& data_dir);

}  // namespace zpipe
