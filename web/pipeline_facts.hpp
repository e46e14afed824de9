// PipelineFacts: where zpipe-web's request handlers get their facts, as the zpipe commands get
// theirs: the ventilator through a Client (one request at a time: the client is one socket)
// and the sink's store opened read-only (once it exists). Thread-safe.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>

#include "client/client.hpp"
#include "common/outcome_store.hpp"
#include "common/result.hpp"

namespace zpipe {

class PipelineFacts {
 public:
  PipelineFacts(ClientConfig client, std::filesystem::path store_path);

  // Runs `ask` with the client, one caller at a time.
  template <class Ask>
  auto with_client(Ask&& ask) {
    std::lock_guard lock(client_mutex_);
    return ask(client_);
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
  std::mutex store_mutex_;
  std::filesystem::path store_path_;
  std::unique_ptr<OutcomeStore> store_;
};

}  // namespace zpipe
