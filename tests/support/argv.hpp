// Argv: a command line as main() gets it, for parsing options in tests.
#pragma once

#include <string>
#include <vector>

namespace zpipe::test {

class Argv {
 public:
  Argv(std::initializer_list<std::string> args) : args_(args) {
    for (auto& arg : args_) pointers_.push_back(arg.data());
    pointers_.push_back(nullptr);
  }
  int argc() const { return static_cast<int>(args_.size()); }
  char** argv() { return pointers_.data(); }

 private:
  std::vector<std::string> args_;
  std::vector<char*> pointers_;
};

}  // namespace zpipe::test
