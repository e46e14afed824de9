// PipelineFacts: where zpipe-web's request handlers get their facts, as the zpipe commands get
// theirs: the ventilator through a Client (one request at a time: the client is one socket), a
// second one for the lookups a page can do without, and the sink's store opened read-only (once
// it exists). Thread-safe.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>

#include "client/client.hpp"
#include "common/outcome_store.hpp"
#include "common/result.hpp"

namespace zpipe {

class PipelineFacts {
 public:
  // How long a lookup waits for the ventilator: within a page's 200 ms, with room for the store.
  static constexpr std::chrono::milliseconds kLookupTimeout{150};

  PipelineFacts(ClientConfig client, std::filesystem::path store_path);

  // Runs `ask` with the client, one caller at a time.
  template <class Ask>
  auto with_client(Ask&& ask) {
    std::lock_guard lock(client_mutex_);
    return ask(client_);
  }
  // Runs `ask` with a client of its own that waits at most kLookupTimeout for each answer, one
  // caller at a time: for what a page can do without (a listed job's `now`), so that a
  // ventilator that is slow or gone neither makes the page slow nor keeps it waiting behind
  // with_client()'s requests.
  template <class Ask>
  auto with_lookup_client(Ask&& ask) {
    std::lock_guard lock(lookup_mutex_);
    return ask(lookup_client_);
  }
  // Runs `read` with the store, one caller at a time; kUnavailable, saying why, when the store
  // cannot be opened (no sink has run with this data directory yet).
  template <class Read>
  auto with_store(Read&& read) -> decltype(read(std::declval<OutcomeStore&>())) {
    std::lock_guard lock(store_mutex_);
    if (auto opened = open_store(); !opened.ok()) return opened.error();
    return read(*store_);
  }
  const std::filesystem::path& store_path() const { return store_path_; }

 private:
  Result<Ok> open_store();

  std::mutex client_mutex_;
  Client client_;
  std::mutex lookup_mutex_;
  Client lookup_client_;
  std::mutex store_mutex_;
  std::filesystem::path store_path_;
  std::unique_ptr<OutcomeStore> store_;
};

}  // namespace zpipe
