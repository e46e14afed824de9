// CURVE key files: the pair `zpipe keygen` writes and the programs read. The format is the
// ZeroMQ certificate format (czmq's zcert, pyzmq's zmq.auth): NAME.key holds the public key,
// NAME.key_secret the secret one, each as `public-key = "Z85"` / `secret-key = "Z85"` lines,
// so keys made by those tools work here and the other way round.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "common/result.hpp"

namespace zpipe {

// Z85 text of 32-byte keys (40 characters each).
struct CurveKeyPair {
  std::string public_key;
  std::string secret_key;
};

// Public key (Z85) -> the name of its file without ".key": how logs and records name a peer.
using TrustedKeys = std::map<std::string, std::string>;

// A fresh pair from libzmq's CSPRNG. Throws std::runtime_error when libzmq lacks CURVE.
CurveKeyPair generate_curve_key_pair();

// Writes DIR/NAME.key (mode 0644) and DIR/NAME.key_secret (mode 0600, created that way, never
// readable by others in between). Refuses (kInvalid) to overwrite either file unless
// `overwrite`; a NAME with a path separator or a leading dot is refused too.
Result<Ok> write_curve_key_files(const std::filesystem::path& dir, const std::string& name,
                                 const CurveKeyPair& keys, bool overwrite);

// Reads a public key file (NAME.key; a secret file's public-key line is accepted too).
Result<std::string> read_curve_public_key(const std::filesystem::path& file);

// Reads a secret key file. The public key is derived from the secret one (and must match the
// file's public-key line when there is one). A file that group or others may read is refused,
// as ssh does: the key must be assumed leaked.
Result<CurveKeyPair> read_curve_secret_key(const std::filesystem::path& file);

// Every NAME.key file directly in `dir`. Fails on a missing directory or an unreadable or
// malformed key file (naming it), so that a typo cannot silently trust less or more.
Result<TrustedKeys> read_trusted_keys(const std::filesystem::path& dir);

}  // namespace zpipe
