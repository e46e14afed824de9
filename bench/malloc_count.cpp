// libzpipe-malloc-count.so: counts a program's allocations, for the speed bench's "allocations per
// job". Preloaded (LD_PRELOAD) into the programs the bench starts, with ZPIPE_MALLOC_COUNT_DIR
// set: each program counts every malloc, calloc, realloc and aligned allocation (operator new
// included: it calls malloc) in DIR/PID, 8 bytes the bench reads while the program runs.
// Frees are not counted: every block counted is freed once, or stays.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>

extern "C" {
void* __libc_malloc(std::size_t size);
void* __libc_calloc(std::size_t count, std::size_t size);
void* __libc_realloc(void* block, std::size_t size);
void* __libc_memalign(std::size_t alignment, std::size_t size);
}

namespace {

std::atomic<std::uint64_t>* counter = nullptr;  // in the shared file; none before setup

void count() {
  if (auto* c = counter) c->fetch_add(1, std::memory_order_relaxed);
}

// DIR/PID, written without anything that allocates.
bool counter_path(char* out, std::size_t room) {
  const char* dir = std::getenv("ZPIPE_MALLOC_COUNT_DIR");
  if (dir == nullptr) return false;
  std::size_t n = 0;
  while (dir[n] != '\0' && n + 1 < room) {
    out[n] = dir[n];
    ++n;
  }
  char digits[24];
  std::size_t d = 0;
  for (auto pid = static_cast<unsigned long>(::getpid()); pid > 0 || d == 0; pid /= 10) {
    digits[d++] = static_cast<char>('0' + pid % 10);
  }
  if (n + d + 2 > room) return false;
  out[n++] = '/';
  while (d > 0) out[n++] = digits[--d];
  out[n] = '\0';
  return true;
}

__attribute__((constructor)) void set_up_counter() {
  char path[4096];
  if (!counter_path(path, sizeof path)) return;
  const int fd = ::open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return;
  void* shared = ::ftruncate(fd, 64) == 0
                     ? ::mmap(nullptr, 64, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
                     : MAP_FAILED;
  ::close(fd);
  if (shared != MAP_FAILED) counter = new (shared) std::atomic<std::uint64_t>(0);
}

}  // namespace

extern "C" {

void* malloc(std::size_t size) {
  count();
  return __libc_malloc(size);
}

void* calloc(std::size_t count_of, std::size_t size) {
  count();
  return __libc_calloc(count_of, size);
}

void* realloc(void* block, std::size_t size) {
  count();
  return __libc_realloc(block, size);
}

void* memalign(std::size_t alignment, std::size_t size) {
  count();
  return __libc_memalign(alignment, size);
}

void* aligned_alloc(std::size_t alignment, std::size_t size) {
  count();
  return __libc_memalign(alignment, size);
}

int posix_memalign(void** out, std::size_t alignment, std::size_t size) {
  if (alignment % sizeof(void*) != 0 || (alignment & (alignment - 1)) != 0) return EINVAL;
  count();
  void* block = __libc_memalign(alignment, size);
  if (block == nullptr) return ENOMEM;
  *out = block;
  return 0;
}

}  // extern "C"
