#include "worker/thumbnail_handler.hpp"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <vips/vips8>

#include "worker/fd_io.hpp"
#include "worker/vips_runtime.hpp"

namespace zpipe {
namespace {

namespace fs = std::filesystem;

struct ThumbnailRequest {
  std::string in;
  std::string out;
  int size = 256;
  int quality = 75;
  bool strip = true;
  bool enlarge = false;  // false: an image smaller than the box keeps its size
  std::string suffix;    // ".jpg", ".png" or ".webp": selects vips' saver
};

Result<ThumbnailRequest> parse_request(const nlohmann::json& args) {
  const auto invalid = [](std::string message) {
    return make_error(ErrorCode::kInvalid, "thumbnail: " + std::move(message));
  };
  if (!args.is_object()) return invalid("the payload must be a map {\"in\": ..., \"out\": ...}");
  ThumbnailRequest request;
  for (const char* key : {"in", "out"}) {
    if (!args.contains(key) || !args[key].is_string() || args[key].get<std::string>().empty() ||
        args[key].get<std::string>().find('\0') != std::string::npos) {
      return invalid(std::string("needs \"") + key + "\", a file path");
    }
  }
  request.in = args["in"].get<std::string>();
  request.out = args["out"].get<std::string>();
  const auto integer_in = [&](const char* key, int low, int high, int& value) {
    if (!args.contains(key)) return true;
    const auto& v = args[key];
    if (!v.is_number_integer() || v.get<std::int64_t>() < low || v.get<std::int64_t>() > high) {
      return false;
    }
    value = v.get<int>();
    return true;
  };
  if (!integer_in("size", 1, 10'000, request.size)) {
    return invalid("\"size\" must be a whole number of pixels from 1 to 10000");
  }
  if (!integer_in("quality", 1, 100, request.quality)) {
    return invalid("\"quality\" must be a whole number from 1 to 100");
  }
  if (args.contains("strip")) {
    if (!args["strip"].is_boolean()) return invalid("\"strip\" must be true or false");
    request.strip = args["strip"].get<bool>();
  }
  if (args.contains("enlarge")) {
    if (!args["enlarge"].is_boolean()) return invalid("\"enlarge\" must be true or false");
    request.enlarge = args["enlarge"].get<bool>();
  }
  auto extension = fs::path(request.out).extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (extension == ".jpg" || extension == ".jpeg") {
    request.suffix = ".jpg";
  } else if (extension == ".png" || extension == ".webp") {
    request.suffix = extension;
  } else {
    return invalid("cannot tell the output format of '" + request.out +
                   "': name it .jpg, .jpeg, .png or .webp");
  }
  return request;
}

// The reason vips gave, in words a user can act on.
std::string describe_vips_failure(const std::string& what, const std::string& path) {
  auto reason = take_vips_error(what, path);
  if (reason.find("is not a known file format") != std::string::npos) {
    return "not a known image format";
  }
  return reason;
}

// Closes the descriptor and removes the temporary file unless it was renamed into place.
class TempFile {
 public:
  explicit TempFile(const std::string& final_path) {
    const auto target = fs::path(final_path);
    // Hidden and without an image extension: a scan of the folder never takes it for a
    // thumbnail, even when a crash leaves it behind.
    path_ = (target.parent_path() / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
    fd_ = ::mkstemp(path_.data());
    if (fd_ >= 0) ::fchmod(fd_, 0644);  // mkstemp's 0600 would hide thumbnails from a web server
  }
  ~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!renamed_) ::unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  bool is_open() const { return fd_ >= 0; }
  bool write_all(const char* data, std::size_t size) {
    return zpipe::write_all(fd_, std::string_view(data, size));
  }
  bool rename_to(const std::string& final_path) {
    if (::close(fd_) != 0) {
      fd_ = -1;
      return false;
    }
    fd_ = -1;
    renamed_ = ::rename(path_.c_str(), final_path.c_str()) == 0;
    return renamed_;
  }

 private:
  std::string path_;
  int fd_ = -1;
  bool renamed_ = false;
};

Result<Ok> write_atomically(const std::string& out, const void* data, std::size_t size) {
  const auto cannot = [&out](const std::string& why) {
    return make_error(ErrorCode::kIo, "cannot write '" + out + "': " + why);
  };
  std::error_code error;
  const auto dir = fs::path(out).parent_path();
  if (!dir.empty()) fs::create_directories(dir, error);
  if (error) return cannot("cannot create its folder: " + error.message());
  TempFile temp(out);
  if (!temp.is_open()) return cannot(strerror(errno));
  if (!temp.write_all(static_cast<const char*>(data), size)) return cannot(strerror(errno));
  if (!temp.rename_to(out)) return cannot(strerror(errno));
  return Ok{};
}

struct GFreeDeleter {
  void operator()(void* p) const { g_free(p); }
};

}  // namespace

HandlerResult thumbnail_handler(const Job& job, const JobContext& context) {
  auto parsed = parse_request(job.payload.to_json());
  if (!parsed.ok()) return fail(parsed.error());
  const auto& request = parsed.value();
  if (const auto& failure = start_vips(); !failure.empty()) {
    return fail(Error{ErrorCode::kUnavailable, failure});
  }
  // Checked here so that the common mistakes get plain words rather than vips' phrasing.
  struct stat info {};
  if (::stat(request.in.c_str(), &info) != 0) {
    return fail(Error{ErrorCode::kUnavailable,
                      "cannot read '" + request.in + "': " +
                          (errno == ENOENT ? std::string("no such file") : strerror(errno))});
  }
  if (!S_ISREG(info.st_mode)) {
    return fail(Error{ErrorCode::kUnavailable, "cannot read '" + request.in + "': not a file"});
  }
  if (context.is_cancelled()) return fail(Error{ErrorCode::kCancelled, "worker stopped"});

  try {
    // thumbnail() shrinks while decoding where the format allows (JPEG, WebP), reads the
    // EXIF orientation and turns the image upright (no_rotate false). fail_on "error":
    // truncated or corrupt data fails the job instead of leaving grey bands in a thumbnail.
    // size "down": a 48x48 icon stays 48x48 in a 256 box, unless asked to enlarge.
    auto image =
        vips::VImage::thumbnail(request.in.c_str(), request.size,
                                vips::VImage::option()
                                    ->set("height", request.size)
                                    ->set("size", request.enlarge ? VIPS_SIZE_BOTH : VIPS_SIZE_DOWN)
                                    ->set("no_rotate", false)
                                    ->set("fail_on", VIPS_FAIL_ON_ERROR));
    auto save = vips::VImage::option()->set("strip", request.strip);
    if (request.suffix != ".png") save->set("Q", request.quality);
    void* raw = nullptr;
    std::size_t size = 0;
    // The pixels are computed here: load errors surface from this call too.
    image.write_to_buffer(request.suffix.c_str(), &raw, &size, save);
    const std::unique_ptr<void, GFreeDeleter> encoded(raw);
    if (auto written = write_atomically(request.out, encoded.get(), size); !written.ok()) {
      return fail(written.error());
    }
    return succeed({{"out", request.out},
                    {"width", image.width()},
                    {"height", image.height()},
                    {"bytes", size}});
  } catch (const vips::VError& e) {
    return fail(Error{ErrorCode::kHandlerError, "cannot read '" + request.in + "': " +
                                                    describe_vips_failure(e.what(), request.in)});
  }
}

}  // namespace zpipe
