// One upload, three sizes as a batch, and a manifest once all three have ended: the worked
// example of docs/guide.md, "Job feedback and follow-up jobs".
//
//   zpipe-example-upload submit IMAGE OUT_DIR [--ventilator ENDPOINT]   prints the batch id
//   zpipe-example-upload worker [zpipe-worker's options]
//
// `submit` sends a batch of three thumbnail jobs (128, 256 and 512 pixels, written to
// OUT_DIR/<stem>-<size><ext>) whose on_complete is a write_manifest job carrying the upload.
// When the three have ended, succeeded or dead, the ventilator makes that job, once, and adds
// the batch's counts to its payload. `worker` runs the built-in handlers (thumbnail among them)
// and write_manifest, which writes OUT_DIR/<stem>.manifest.json.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <vips/vips8>

#include "client/client.hpp"
#include "common/command_line.hpp"
#include "common/stop_flag.hpp"
#include "worker/options.hpp"
#include "worker/worker.hpp"

namespace {

namespace fs = std::filesystem;

const std::vector<int> kSizes{128, 256, 512};  // longest side, in pixels

// Where the thumbnail of `image` at `size` goes: photo.jpg -> OUT_DIR/photo-256.jpg.
fs::path thumbnail_path(const fs::path& image, const fs::path& out_dir, int size) {
  return out_dir /
         (image.stem().string() + "-" + std::to_string(size) + image.extension().string());
}

// The producer's side: what a web request would do after saving the upload.
int submit(const fs::path& image, const fs::path& out_dir, zpipe::ClientConfig config) {
  std::vector<zpipe::JobSpec> thumbnails;
  for (const int size : kSizes) {
    const nlohmann::json args{
        {"in", image}, {"out", thumbnail_path(image, out_dir, size)}, {"size", size}};
    thumbnails.push_back({.type = "thumbnail", .payload = zpipe::Payload::from_json(args)});
  }
  // Made when all three have ended; the ventilator adds "batch" to this payload.
  const nlohmann::json upload{{"image", image}, {"out_dir", out_dir}, {"sizes", kSizes}};
  const zpipe::BatchOptions options{
      .description = "thumbnails of " + image.filename().string(),
      .on_complete =
          zpipe::JobSpec{.type = "write_manifest", .payload = zpipe::Payload::from_json(upload)}};
  zpipe::Client client(std::move(config));
  const auto batch = client.submit_batch(options, std::move(thumbnails));
  if (!batch.ok()) {
    std::cerr << "zpipe-example-upload: " << batch.error().message << "\n";
    return zpipe::kExitFailure;
  }
  std::cout << batch.value().id << "\n";
  return 0;
}

// One size's entry: the file as it is now, or "missing" when its job is dead (or was cancelled)
// and left none.
nlohmann::ordered_json size_entry(const fs::path& path, int size) {
  nlohmann::ordered_json entry{{"size", size}, {"path", path}};
  std::error_code error;
  if (!fs::is_regular_file(path, error)) {
    entry["status"] = "missing";
    return entry;
  }
  const auto image = vips::VImage::new_from_file(path.c_str());  // reads the header only
  entry["status"] = "written";
  entry["width"] = image.width();
  entry["height"] = image.height();
  entry["bytes"] = fs::file_size(path);
  return entry;
}

// on_complete of the upload's batch. It may run twice (a worker killed before its outcome was
// recorded): it writes the same file again, through a temporary file, so nobody reads half of it.
zpipe::HandlerResult write_manifest(const zpipe::Job& job, const zpipe::JobContext&) {
  const auto args = job.payload.to_json();
  const fs::path image = args.at("image").get<std::string>();
  const fs::path out_dir = args.at("out_dir").get<std::string>();
  const auto& batch = args.at("batch");  // {id, description, total, succeeded, dead, ...}

  // ordered_json keeps the keys in the order written: easier to read than sorted.
  nlohmann::ordered_json manifest{{"image", image},
                                  {"batch", batch.at("id")},
                                  {"succeeded", batch.at("succeeded")},
                                  {"dead", batch.at("dead")},
                                  {"cancelled", batch.at("cancelled")},
                                  {"dead_ids", batch.at("dead_ids")},
                                  {"sizes", nlohmann::ordered_json::array()}};
  for (const int size : args.at("sizes")) {
    manifest["sizes"].push_back(size_entry(thumbnail_path(image, out_dir, size), size));
  }

  fs::create_directories(out_dir);  // not there when every thumbnail failed
  const auto path = out_dir / (image.stem().string() + ".manifest.json");
  const auto temporary = fs::path(path).concat(".tmp");
  std::ofstream file(temporary);
  file << manifest.dump(2) << "\n";
  file.close();
  if (!file) return zpipe::fail("cannot write " + temporary.string());
  fs::rename(temporary, path);
  return zpipe::succeed({{"manifest", path}});
}

int run_worker(int argc, char** argv) {
  auto parsed = zpipe::parse_worker_options(argc, argv);
  if (const auto* exit_code = std::get_if<int>(&parsed)) return *exit_code;
  const auto& options = std::get<zpipe::WorkerOptions>(parsed);
  try {
    if (VIPS_INIT("zpipe-example-upload") != 0) throw std::runtime_error(vips_error_buffer());
    zpipe::StopFlag stop;
    zpipe::install_stop_signals(stop);
    zpipe::Worker worker(options.config, zpipe::make_logger("zpipe-example-upload", options.log));
    worker.handle("write_manifest", write_manifest);
    return worker.run(stop);
  } catch (const std::exception& e) {
    std::cerr << "zpipe-example-upload: " << e.what() << "\n";
    return zpipe::kExitFailure;
  }
}

int usage(std::string_view problem) {
  std::cerr << "zpipe-example-upload: " << problem << "\n"
            << "usage: zpipe-example-upload submit IMAGE OUT_DIR [--ventilator ENDPOINT]\n"
            << "       zpipe-example-upload worker [zpipe-worker's options; --help]\n";
  return zpipe::kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string_view role = argc > 1 ? argv[1] : "";
  // The worker's options follow its role, which stands in for the program's name.
  if (role == "worker") return run_worker(argc - 1, argv + 1);
  if (role != "submit")
    return usage(role.empty() ? "which role?" : "no role \"" + std::string(role) + "\"");

  zpipe::ClientConfig config;
  if (const char* from_env = std::getenv("ZPIPE_VENTILATOR")) config.ventilator = from_env;
  std::vector<fs::path> paths;
  for (int i = 2; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--ventilator" && i + 1 < argc) {
      config.ventilator = argv[++i];
    } else if (arg.starts_with("-") || paths.size() == 2) {
      return usage("unexpected argument \"" + std::string(arg) + "\"");
    } else {
      paths.push_back(fs::absolute(arg));  // a worker reads paths from its own directory
    }
  }
  if (paths.size() != 2) return usage("submit needs IMAGE and OUT_DIR");
  return submit(paths[0], paths[1], std::move(config));
}
