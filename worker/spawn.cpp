#include "worker/spawn.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <cerrno>

extern char** environ;

namespace zpipe {
namespace {

// posix_spawn's file actions and attributes, destroyed on every path out.
struct SpawnSettings {
  posix_spawn_file_actions_t actions{};
  posix_spawnattr_t attributes{};
  SpawnSettings() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attributes);
  }
  SpawnSettings(const SpawnSettings&) = delete;
  SpawnSettings& operator=(const SpawnSettings&) = delete;
  ~SpawnSettings() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
  }
};

Error pipe_error(int error) {
  return Error{ErrorCode::kIo, std::string("cannot make a pipe: ") + ::strerror(error)};
}

// A new pipe ({read end, write end}), both ends close-on-exec and numbered `lowest_fd` or above.
Result<std::array<UniqueFd, 2>> make_pipe(int lowest_fd) {
  int raw[2];
  if (::pipe2(raw, O_CLOEXEC) != 0) return pipe_error(errno);
  std::array<UniqueFd, 2> ends{UniqueFd(raw[0]), UniqueFd(raw[1])};
  for (auto& end : ends) {
    if (end.get() >= lowest_fd) continue;
    const int moved = ::fcntl(end.get(), F_DUPFD_CLOEXEC, lowest_fd);
    if (moved < 0) return pipe_error(errno);
    end.reset(moved);
  }
  return ends;
}

// The null-terminated array of C strings posix_spawn takes: those of `first` (null-terminated
// itself; may be null), then `more`. Points into both, which must outlive it.
std::vector<char*> c_array(char* const* first, const std::vector<std::string>& more) {
  std::vector<char*> array;
  for (; first != nullptr && *first != nullptr; ++first) array.push_back(*first);
  for (const auto& s : more) array.push_back(const_cast<char*>(s.c_str()));
  array.push_back(nullptr);
  return array;
}

// The child's side of `request`: its fds, directory, process group and signals. `child_ends[i]`
// goes to `request.pipes[i].child_fd`.
void arrange(SpawnSettings& settings, const SpawnRequest& request,
             const std::vector<UniqueFd>& child_ends) {
  if (request.stdin_from_dev_null) {
    posix_spawn_file_actions_addopen(&settings.actions, 0, "/dev/null", O_RDONLY, 0);
  }
  for (std::size_t i = 0; i < child_ends.size(); ++i) {
    posix_spawn_file_actions_adddup2(&settings.actions, child_ends[i].get(),
                                     request.pipes[i].child_fd);
  }
  if (request.cwd) posix_spawn_file_actions_addchdir_np(&settings.actions, request.cwd->c_str());

  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&settings.attributes, &none);
  int flags = POSIX_SPAWN_SETSIGMASK;
  if (!request.default_signals.empty()) {
    sigset_t defaults;
    sigemptyset(&defaults);
    for (const int sig : request.default_signals) sigaddset(&defaults, sig);
    posix_spawnattr_setsigdefault(&settings.attributes, &defaults);
    flags |= POSIX_SPAWN_SETSIGDEF;
  }
  if (request.own_process_group) {
    posix_spawnattr_setpgroup(&settings.attributes, 0);  // 0: a new group, led by the child
    flags |= POSIX_SPAWN_SETPGROUP;
  }
  posix_spawnattr_setflags(&settings.attributes, static_cast<short>(flags));
}

}  // namespace

Result<SpawnedChild> spawn(const SpawnRequest& request) {
  assert(!request.argv.empty());
  // The child's ends sit above every fd they are dup2'ed to (and above stdin, stdout and
  // stderr): no dup2 can then overwrite an end before that end is itself moved into place.
  int highest_child_fd = 2;
  for (const auto& wanted : request.pipes) {
    assert(wanted.child_fd >= 0 && !(wanted.child_fd == 0 && request.stdin_from_dev_null));
    highest_child_fd = std::max(highest_child_fd, wanted.child_fd);
  }
  std::vector<UniqueFd> parent_ends;
  std::vector<UniqueFd> child_ends;
  for (const auto& wanted : request.pipes) {
    auto ends = make_pipe(highest_child_fd + 1);
    if (!ends) return ends.error();
    const bool child_reads = wanted.direction == ChildPipe::Direction::kToChild;
    child_ends.push_back(std::move(ends.value()[child_reads ? 0 : 1]));
    parent_ends.push_back(std::move(ends.value()[child_reads ? 1 : 0]));
  }

  SpawnSettings settings;
  arrange(settings, request, child_ends);
  const auto argv = c_array(nullptr, request.argv);
  const auto env = c_array(environ, request.add_env);
  pid_t pid = -1;
  const int failed = request.search_path
                         ? ::posix_spawnp(&pid, request.program.c_str(), &settings.actions,
                                          &settings.attributes, argv.data(), env.data())
                         : ::posix_spawn(&pid, request.program.c_str(), &settings.actions,
                                         &settings.attributes, argv.data(), env.data());
  if (failed != 0) {
    return Error{ErrorCode::kExecFailed,
                 "cannot run '" + request.program + "': " + ::strerror(failed)};
  }
  // child_ends close on the way out: the child has its own copies now, and a reader here sees
  // end-of-file only once no writer is left.
  return SpawnedChild{Subprocess(pid, request.own_process_group), std::move(parent_ends)};
}

}  // namespace zpipe
