#include "common/curve_keys.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>

#include <zmq.h>

namespace zpipe {
namespace {

constexpr std::size_t kZ85KeyLength = 40;

bool is_z85_key(const std::string& text) {
  if (text.size() != kZ85KeyLength) return false;
  std::array<std::uint8_t, 32> bytes{};
  return zmq_z85_decode(bytes.data(), text.c_str()) != nullptr;
}

// The value of `field = "..."` in a certificate file, if the file has that line.
std::optional<std::string> find_field(const std::string& text, const std::string& field) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    const auto start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    if (line.compare(start, field.size(), field) != 0) continue;
    const auto equals = line.find('=', start + field.size());
    const auto open = line.find('"', equals);
    const auto close = line.find('"', open + 1);
    if (equals == std::string::npos || open == std::string::npos || close == std::string::npos) {
      continue;
    }
    return line.substr(open + 1, close - open - 1);
  }
  return std::nullopt;
}

Result<std::string> read_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) {
    return make_error(ErrorCode::kUnavailable,
                      "cannot read key file " + file.string() + ": " + std::strerror(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Result<std::string> key_field(const std::string& text, const std::filesystem::path& file,
                              const std::string& field) {
  auto value = find_field(text, field);
  if (!value) {
    return make_error(ErrorCode::kInvalid, file.string() + " has no " + field + " line (expected " +
                                               field +
                                               " = \"<40 Z85 characters>\"; made by zpipe keygen)");
  }
  if (!is_z85_key(*value)) {
    return make_error(ErrorCode::kInvalid,
                      file.string() + ": " + field + " is not a 40-character Z85 key");
  }
  return *value;
}

std::string certificate(const std::string& name, const CurveKeyPair& keys, bool with_secret) {
  std::string text =
      with_secret
          ? "#   ZeroMQ CURVE **Secret** Certificate, zpipe key \"" + name +
                "\"\n"
                "#   Keep it on the hosts that run as " +
                name + "; never copy it elsewhere. Mode 0600.\n"
          : "#   ZeroMQ CURVE Public Certificate, zpipe key \"" + name +
                "\"\n"
                "#   Copy it into the --curve-trust directory of servers that accept " +
                name + ",\n#   or pass it as --curve-server-key to clients of " + name + ".\n";
  text += "\nmetadata\ncurve\n    public-key = \"" + keys.public_key + "\"\n";
  if (with_secret) text += "    secret-key = \"" + keys.secret_key + "\"\n";
  return text;
}

Result<Ok> write_new_file(const std::filesystem::path& file, const std::string& text, mode_t mode,
                          bool overwrite) {
  if (overwrite) ::unlink(file.c_str());
  // O_EXCL and the mode at creation: the secret is never readable by others, not even briefly.
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    if (errno == EEXIST) {
      return make_error(ErrorCode::kInvalid,
                        file.string() + " exists; pass --force to replace the key pair");
    }
    return make_error(ErrorCode::kIo,
                      "cannot create " + file.string() + ": " + std::strerror(errno));
  }
  ::fchmod(fd, mode);  // the umask may have taken bits away from a public key
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                       ::fsync(fd) == 0;
  const int saved = errno;
  ::close(fd);
  if (!written) {
    return make_error(ErrorCode::kIo,
                      "cannot write " + file.string() + ": " + std::strerror(saved));
  }
  return Ok{};
}

}  // namespace

CurveKeyPair generate_curve_key_pair() {
  std::array<char, kZ85KeyLength + 1> public_key{};
  std::array<char, kZ85KeyLength + 1> secret_key{};
  if (zmq_curve_keypair(public_key.data(), secret_key.data()) != 0) {
    throw std::runtime_error(std::string("cannot make a CURVE key pair: ") +
                             zmq_strerror(zmq_errno()) + " (libzmq built without CURVE?)");
  }
  return CurveKeyPair{public_key.data(), secret_key.data()};
}

Result<Ok> write_curve_key_files(const std::filesystem::path& dir, const std::string& name,
                                 const CurveKeyPair& keys, bool overwrite) {
  if (name.empty() || name.front() == '.' || name.find('/') != std::string::npos) {
    return make_error(ErrorCode::kInvalid, "key name \"" + name +
                                               "\" must be a plain file name (no '/', no "
                                               "leading '.')");
  }
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  const auto public_file = dir / (name + ".key");
  const auto secret_file = dir / (name + ".key_secret");
  if (!overwrite) {
    for (const auto& file : {public_file, secret_file}) {
      if (std::filesystem::exists(file)) {
        return make_error(ErrorCode::kInvalid,
                          file.string() + " exists; pass --force to replace the key pair");
      }
    }
  }
  auto secret = write_new_file(secret_file, certificate(name, keys, true), 0600, overwrite);
  if (!secret.ok()) return secret;
  return write_new_file(public_file, certificate(name, keys, false), 0644, overwrite);
}

Result<std::string> read_curve_public_key(const std::filesystem::path& file) {
  auto text = read_text(file);
  if (!text.ok()) return text.error();
  return key_field(text.value(), file, "public-key");
}

Result<CurveKeyPair> read_curve_secret_key(const std::filesystem::path& file) {
  struct stat info {};
  if (::stat(file.c_str(), &info) != 0) {
    return make_error(ErrorCode::kUnavailable,
                      "cannot read key file " + file.string() + ": " + std::strerror(errno));
  }
  if ((info.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
    return make_error(ErrorCode::kInvalid, "secret key file " + file.string() + " has mode " +
                                               mode +
                                               ": others may have read it; chmod 600 it (or "
                                               "make a new pair with zpipe keygen)");
  }
  auto text = read_text(file);
  if (!text.ok()) return text.error();
  auto secret = key_field(text.value(), file, "secret-key");
  if (!secret.ok()) return secret.error();
  std::array<char, kZ85KeyLength + 1> derived{};
  if (zmq_curve_public(derived.data(), secret.value().c_str()) != 0) {
    return make_error(ErrorCode::kInvalid, file.string() + ": cannot derive the public key");
  }
  CurveKeyPair keys{derived.data(), std::move(secret).value()};
  if (auto listed = find_field(text.value(), "public-key"); listed && *listed != keys.public_key) {
    return make_error(ErrorCode::kInvalid,
                      file.string() + ": public-key does not belong to its secret-key");
  }
  return keys;
}

Result<TrustedKeys> read_trusted_keys(const std::filesystem::path& dir) {
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error)) {
    return make_error(ErrorCode::kUnavailable,
                      "trust directory " + dir.string() + " does not exist or is not a directory");
  }
  TrustedKeys trusted;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    if (entry.path().extension() != ".key" || !entry.is_regular_file()) continue;
    auto key = read_curve_public_key(entry.path());
    if (!key.ok()) return key.error();
    trusted.emplace(std::move(key).value(), entry.path().stem().string());
  }
  if (error) {
    return make_error(ErrorCode::kUnavailable,
                      "cannot list trust directory " + dir.string() + ": " + error.message());
  }
  return trusted;
}

}  // namespace zpipe
