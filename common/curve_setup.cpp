#include "common/curve_setup.hpp"

#include <stdexcept>

namespace zpipe {
namespace {

template <class T>
T value_or_throw(Result<T> result, const std::string& flag) {
  if (!result.ok()) throw std::runtime_error(flag + ": " + result.error().message);
  return std::move(result).value();
}

}  // namespace

std::string CurveSetup::describe() const {
  if (!enabled()) return "security: none, in the clear (see --curve-secret)";
  std::string text = "security: CURVE as key " + own_name;
  if (!trust_dir.empty()) {
    text += ", trusting " + std::to_string(trusted.size()) + " keys: those in " + trust_dir +
            " and its own";
  }
  return text;
}

CurveSetup CurveSetup::load(const CurveFlags& flags, CurveRole role) {
  CurveSetup setup;
  if (flags.secret_file.empty()) {
    if (!flags.trust_dir.empty() || !flags.server_key_file.empty()) {
      throw std::runtime_error(
          "--curve-trust and --curve-server-key need --curve-secret (this program's own key)");
    }
    return setup;
  }
  setup.own = value_or_throw(read_curve_secret_key(flags.secret_file), "--curve-secret");
  setup.own_name = std::filesystem::path(flags.secret_file).filename().string();
  if (setup.own_name.ends_with(".key_secret")) {
    setup.own_name.resize(setup.own_name.size() - std::string_view(".key_secret").size());
  }
  if (role != CurveRole::kClient) {
    if (flags.trust_dir.empty()) {
      throw std::runtime_error(
          "--curve-secret needs --curve-trust DIR: the public keys allowed to connect");
    }
    setup.trust_dir = flags.trust_dir;
    setup.trusted = value_or_throw(read_trusted_keys(flags.trust_dir), "--curve-trust");
    // Whoever holds this program's own secret can impersonate it anyway; trusting its pair
    // lets a sink that shares the ventilator's pair connect without listing it.
    setup.trusted.emplace(setup.own->public_key, setup.own_name);
  }
  if (role != CurveRole::kServer) {
    if (role == CurveRole::kServerAndClient) {
      // The sink: workers reach it and the ventilator with one server key, so it holds the
      // ventilator's pair and expects the ventilator to hold it too.
      setup.server_key = setup.own->public_key;
    } else if (!flags.server_key_file.empty()) {
      setup.server_key =
          value_or_throw(read_curve_public_key(flags.server_key_file), "--curve-server-key");
    } else {
      throw std::runtime_error(
          "--curve-secret needs --curve-server-key FILE: the servers' public key (NAME.key)");
    }
  }
  return setup;
}

}  // namespace zpipe
