// CurveKeySets: key pairs for CURVE tests, made with the real key tool, and the pipeline
// options that use them.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/curve_keys.hpp"
#include "common/curve_setup.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_pipeline.hpp"

namespace zpipe::test {

// server: the ventilator's and the sink's pair. worker, producer, ops: trusted. mallory: made
// by the same tool but not in the trust directory.
struct CurveKeySets {
  CurveKeySets() {
    for (const char* name : {"server", "worker", "producer", "ops"}) make(name, dir.path());
    std::filesystem::create_directory(trust());
    for (const char* name : {"worker", "producer", "ops"}) {
      std::filesystem::copy_file(dir.path() / (std::string(name) + ".key"),
                                 trust() / (std::string(name) + ".key"));
    }
    make("mallory", dir.path() / "untrusted");
  }
  void make(const std::string& name, const std::filesystem::path& where) {
    keys[name] = generate_curve_key_pair();
    if (!write_curve_key_files(where, name, keys[name], false).ok()) {
      throw std::runtime_error("cannot write test keys to " + where.string());
    }
  }
  std::filesystem::path trust() const { return dir.path() / "trust"; }
  std::string secret(const std::string& name) const {
    const auto base = name == "mallory" ? dir.path() / "untrusted" : dir.path();
    return (base / (name + ".key_secret")).string();
  }
  std::string server_key() const { return (dir.path() / "server.key").string(); }
  std::vector<std::string> server_args() const {
    return {"--curve-secret", secret("server"), "--curve-trust", trust().string()};
  }
  std::vector<std::string> client_args(const std::string& name) const {
    return {"--curve-secret", secret(name), "--curve-server-key", server_key()};
  }
  CurveSetup client(const std::string& name) const {
    CurveSetup setup;
    setup.own = keys.at(name);
    setup.server_key = keys.at("server").public_key;
    return setup;
  }

  TempDir dir;
  std::map<std::string, CurveKeyPair> keys;
};

// A pipeline whose ventilator and sink hold "server", whose workers hold "worker", and whose
// client() holds "producer".
inline TestPipelineOptions curve_pipeline(const CurveKeySets& keys, int workers, int slots) {
  TestPipelineOptions options(workers, slots);
  options.ventilator_args = keys.server_args();
  options.sink_args = keys.server_args();
  options.worker_args = keys.client_args("worker");
  options.client_curve = keys.client("producer");
  return options;
}

}  // namespace zpipe::test
