#include "web/pipeline_facts.hpp"

#include <stdexcept>

namespace zpipe {

namespace {

ClientConfig waiting_at_most(ClientConfig config, std::chrono::milliseconds timeout) {
  config.reply_timeout = timeout;
  return config;
}

}  // namespace

PipelineFacts::PipelineFacts(ClientConfig client, std::filesystem::path store_path)
    : client_(client),
      lookup_client_(waiting_at_most(client, kLookupTimeout)),
      store_path_(std::move(store_path)) {}

Result<Ok> PipelineFacts::open_store() {
  if (store_) return Ok{};
  try {
    store_ = std::make_unique<OutcomeStore>(store_path_, OutcomeStore::Access::kReadOnly);
    return Ok{};
  } catch (const std::runtime_error& e) {
    return Error{ErrorCode::kUnavailable, e.what()};
  }
}

}  // namespace zpipe
