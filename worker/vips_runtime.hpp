// libvips, set up once per worker process for image handlers (thumbnail): started, its thread
// pool and caches sized for a worker whose slots are the parallelism, shut down at exit.
#pragma once

#include <string>

namespace zpipe {

// Starts libvips once (later calls do nothing) and returns an empty string, or why it could
// not start. Any thread may call it. Settings, and why:
//  - one vips worker thread per image (vips_concurrency_set(1)): a worker runs one image per
//    slot, so N slots keep N cores busy; vips' default of one thread per core in every slot
//    would put slots x cores threads on the cores and make every image slower. Thumbnails of
//    JPEGs spend most of their time in libjpeg's sequential decode, which more vips threads
//    cannot split anyway. $VIPS_CONCURRENCY, when set, wins (a worker with one slot on a
//    machine to itself can use it).
//  - the operation cache off (vips_cache_set_max(0)): a worker sees each file once, so the
//    cache would only hold memory and open files, and it keys on the file name: a file
//    replaced under the same name would be thumbnailed from the cached old pixels.
//  - vips_shutdown() at exit, so that leak checkers see vips' memory returned.
const std::string& start_vips();

// The text of the vips error that `what` (a vips::VError's text) reports for the file `path`,
// and clears vips' error buffer. The buffer is shared by every thread of the process, so with
// several slots another job's error may be in it too: the line naming `path` is preferred,
// else the last line. Vips' "VipsForeignLoad: " style prefixes are dropped.
std::string take_vips_error(const std::string& what, const std::string& path);

}  // namespace zpipe
