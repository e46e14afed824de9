#include "common/sqlite/database_files.hpp"

#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>

namespace zpipe::sqlite {
namespace {

std::string removed(const std::string& what, const std::filesystem::path& path, int error) {
  return what + ": " + path.string() +
         (error == ENOENT ? " was removed"
                          : std::string(" cannot be read: ") + std::strerror(error)) +
         " while this program had it open";
}

// The big-endian 32-bit number at `at` (SQLite's file formats are big-endian).
template <std::size_t N>
std::uint32_t be32(const std::array<unsigned char, N>& bytes, std::size_t at) {
  return (std::uint32_t{bytes[at]} << 24) | (std::uint32_t{bytes[at + 1]} << 16) |
         (std::uint32_t{bytes[at + 2]} << 8) | std::uint32_t{bytes[at + 3]};
}

// A write-ahead log's 32-byte header, read from the start of `in`, when it has one SQLite would
// use (a page size of 512 bytes or more, at offset 8).
struct LogHeader {
  std::array<unsigned char, 32> bytes{};
  std::uint64_t page_size = 0;
};
std::optional<LogHeader> read_log_header(std::ifstream& in) {
  LogHeader header;
  if (!in.read(reinterpret_cast<char*>(header.bytes.data()), header.bytes.size())) {
    return std::nullopt;
  }
  header.page_size = be32(header.bytes, 8);
  if (header.page_size < 512) return std::nullopt;
  return header;
}

// Whether the write-ahead log next to `path` holds every page from `first` to `last` in frames of
// its current generation (their salts are its header's). A crash in the middle of a checkpoint
// leaves the file short of its header's page count, with the pages past its end still in the
// log, which SQLite copies again at the next open: that file is whole.
bool log_holds_pages(const std::filesystem::path& path, std::uint32_t first, std::uint32_t last) {
  std::ifstream in(path.string() + "-wal", std::ios::binary);
  const auto header = read_log_header(in);
  if (!header) return false;
  std::set<std::uint32_t> pages;
  std::array<unsigned char, 24> frame{};
  for (std::uint64_t at = 32;; at += 24 + header->page_size) {
    in.seekg(static_cast<std::streamoff>(at));
    if (!in.read(reinterpret_cast<char*>(frame.data()), frame.size())) break;
    if (be32(frame, 8) != be32(header->bytes, 16) || be32(frame, 12) != be32(header->bytes, 20)) {
      break;
    }
    pages.insert(be32(frame, 0));
  }
  for (auto page = first; page <= last; ++page) {
    if (!pages.contains(page)) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> DatabaseFiles::torn_log_tail_of(const std::filesystem::path& path) {
  const std::filesystem::path wal(path.string() + "-wal");
  std::error_code error;
  const auto size = std::filesystem::file_size(wal, error);
  if (error || size == 0) return std::nullopt;
  if (size < 32) {
    return "its write-ahead log " + wal.string() + " ends after " + std::to_string(size) +
           " bytes, inside its header; the log was ignored";
  }
  std::ifstream in(wal, std::ios::binary);
  const auto header = read_log_header(in);
  if (!header) return std::nullopt;  // not a header SQLite would use either
  // A 32-byte header, then frames of a 24-byte header and a page each.
  const auto torn = (size - 32) % (24 + header->page_size);
  if (torn == 0) return std::nullopt;
  return "its write-ahead log " + wal.string() + " ends in a torn frame (" + std::to_string(torn) +
         " bytes of an unfinished write, dropped); it was recovered up to the last complete "
         "commit";
}

std::optional<std::string> DatabaseFiles::truncation_of(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;  // no file: a new database
  std::array<unsigned char, 100> header{};
  in.read(reinterpret_cast<char*>(header.data()), header.size());
  const auto read = static_cast<std::size_t>(in.gcount());
  if (read == 0) return path.string() + " is empty (0 bytes)";
  if (read < header.size() || std::memcmp(header.data(), "SQLite format 3", 16) != 0) {
    return std::nullopt;  // not SQLite's: opening says so
  }
  std::uint64_t page_size = (std::uint32_t{header[16]} << 8) | header[17];
  if (page_size == 1) page_size = 65536;
  // The page count at offset 28 holds only while "version-valid-for" (92) equals the change
  // counter (24); else SQLite itself ignores it.
  if (be32(header, 92) != be32(header, 24)) return std::nullopt;
  const std::uint64_t expected = page_size * be32(header, 28);
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (error || size >= expected) return std::nullopt;
  // The pages past the end (a partly written last page counts as missing) may be in the log.
  if (log_holds_pages(path, static_cast<std::uint32_t>(size / page_size) + 1, be32(header, 28))) {
    return std::nullopt;
  }
  return path.string() + " is shorter than its header says (" + std::to_string(size) + " of " +
         std::to_string(expected) + " bytes)";
}

DatabaseFiles::DatabaseFiles(std::filesystem::path path, std::string what)
    : path_(std::move(path)), wal_path_(path_.string() + "-wal"), what_(std::move(what)) {
  struct stat now {};
  if (::stat(path_.c_str(), &now) == 0) {
    main_ = {now.st_dev, now.st_ino};
    size_ = static_cast<std::uintmax_t>(now.st_size);
  }
  if (::stat(wal_path_.c_str(), &now) == 0) wal_ = Identity{now.st_dev, now.st_ino};
}

Result<Ok> DatabaseFiles::check() {
  struct stat now {};
  if (::stat(path_.c_str(), &now) != 0) return Error{ErrorCode::kIo, removed(what_, path_, errno)};
  if (now.st_dev != main_.device || now.st_ino != main_.inode) {
    return Error{ErrorCode::kIo, what_ + ": " + path_.string() +
                                     " was replaced by another file while this program had it "
                                     "open"};
  }
  const auto size = static_cast<std::uintmax_t>(now.st_size);
  if (size < size_) {
    return Error{ErrorCode::kIo, what_ + ": " + path_.string() + " shrank from " +
                                     std::to_string(size_) + " to " + std::to_string(size) +
                                     " bytes while this program had it open (truncated?)"};
  }
  size_ = size;
  if (auto problem = check_wal()) return *problem;
  return Ok{};
}

std::optional<Error> DatabaseFiles::check_wal() {
  struct stat now {};
  if (::stat(wal_path_.c_str(), &now) != 0) {
    if (errno == ENOENT && !wal_) return std::nullopt;  // not made yet
    return Error{ErrorCode::kIo, removed(what_, wal_path_, errno)};
  }
  if (!wal_) {
    wal_ = Identity{now.st_dev, now.st_ino};
  } else if (now.st_dev != wal_->device || now.st_ino != wal_->inode) {
    return Error{ErrorCode::kIo, what_ + ": " + wal_path_.string() +
                                     " was replaced by another file while this program had it "
                                     "open"};
  }
  return std::nullopt;
}

}  // namespace zpipe::sqlite
