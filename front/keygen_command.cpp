#include "front/keygen_command.hpp"

#include <iostream>
#include <string>

#include "common/command_line.hpp"
#include "common/curve_keys.hpp"

namespace zpipe {
namespace {

class KeygenCommand : public Command {
 public:
  explicit KeygenCommand(CLI::App& parent)
      : app_(*parent.add_subcommand(
            "keygen",
            "Make a CURVE key pair: NAME.key (public: give it to the peers) and NAME.key_secret "
            "(secret, mode 0600: keep it on this host)")) {
    app_.add_option("name", name_, "Name of the key's holder: worker-1, producer, server, ...")
        ->required();
    app_.add_option("--dir", dir_, "Directory to write the two files to")
        ->type_name("DIR")
        ->capture_default_str();
    app_.add_flag("--force", force_, "Replace an existing pair of that name");
  }
  CLI::App& app() override { return app_; }

  int run() override {
    const auto keys = generate_curve_key_pair();
    auto written = write_curve_key_files(dir_, name_, keys, force_);
    if (!written.ok()) {
      std::cerr << "zpipe keygen: " << written.error().message << "\n";
      return written.error().code == ErrorCode::kInvalid ? kExitUsage : kExitFailure;
    }
    const auto base = (std::filesystem::path(dir_) / name_).string();
    std::cout << "public key " << keys.public_key << "\n"
              << "wrote " << base << ".key         public: copy it into the --curve-trust "
              << "directory of the servers that accept " << name_ << "\n"
              << "wrote " << base << ".key_secret  secret: pass it as --curve-secret to " << name_
              << "'s programs; never copy it elsewhere\n";
    return kExitOk;
  }

 private:
  CLI::App& app_;
  std::string name_;
  std::string dir_ = ".";
  bool force_ = false;
};

}  // namespace

std::unique_ptr<Command> make_keygen_command(CLI::App& parent) {
  return std::make_unique<KeygenCommand>(parent);
}

}  // namespace zpipe
