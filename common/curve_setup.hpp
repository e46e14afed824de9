// CurveSetup: a program's CURVE settings, loaded from its --curve-* flags. Empty (the default)
// means the clear: no encryption, no authentication, which is why endpoints default to loopback.
#pragma once

#include <optional>
#include <string>

#include "common/curve_keys.hpp"

namespace zpipe {

// Whether a program binds (server: checks who connects), connects (client: checks whom it
// reaches), or both (the sink binds outcomes and connects to the ventilator's acks).
enum class CurveRole { kServer, kClient, kServerAndClient };

// The flags as given; file and directory paths, empty when not given.
struct CurveFlags {
  std::string secret_file;      // --curve-secret: this program's NAME.key_secret
  std::string trust_dir;        // --curve-trust: NAME.key files of the peers servers accept
  std::string server_key_file;  // --curve-server-key: the servers' NAME.key (clients only)
};

struct CurveSetup {
  std::optional<CurveKeyPair> own;  // set: every socket is CURVE
  std::string own_name;             // the secret file's name without ".key_secret"
  std::string server_key;           // Z85; what clients expect the servers to hold
  TrustedKeys trusted;              // servers: who may connect; includes their own key
  std::string trust_dir;            // for messages

  bool enabled() const { return own.has_value(); }
  // One line for a program's start-up log: "in the clear (...)", or who it is and whom it trusts.
  std::string describe() const;

  // Reads the files `flags` names. Throws std::runtime_error with a message naming the flag
  // and the file when a file is unreadable or a needed flag is missing: a server given a
  // secret key but no trust directory would let nobody in, or everybody, so it refuses.
  // A kServerAndClient program (the sink) holds the ventilator's pair and expects the
  // ventilator to hold it: workers reach both with one server key.
  static CurveSetup load(const CurveFlags& flags, CurveRole role);
};

}  // namespace zpipe
