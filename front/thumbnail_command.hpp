// `zpipe thumbnail IN_DIR OUT_DIR`: thumbnails every image of a folder through a pipeline
// (a local one started for the run, or a running one with --connect), with progress and a
// summary; skips thumbnails already up to date; --sizes makes several sizes per image; a run's
// jobs are one batch; --watch keeps thumbnailing new images; --samples works on sample images
// that it draws on first use.
#pragma once

#include <memory>

#include "front/command.hpp"

namespace zpipe {

std::unique_ptr<Command> make_thumbnail_command(CLI::App& parent);

}  // namespace zpipe
