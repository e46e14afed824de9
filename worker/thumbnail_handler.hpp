// thumbnail: makes a thumbnail of one image with libvips, fitting it within a square box.
// Payload: {"in": "/abs/photo.jpg", "out": "/abs/thumbs/photo.jpg", "size": 256,
//           "quality": 75, "strip": true}; only "in" and "out" are required.
//   - size: the box's side in pixels (1..10000, default 256), like `vipsthumbnail --size`:
//     the longer side becomes `size`, the aspect ratio is kept (small images are enlarged).
//   - the output's format comes from its extension: .jpg/.jpeg, .png or .webp;
//     quality (1..100, default 75, vips' own) applies to JPEG and WebP.
//   - the EXIF orientation is applied, so the thumbnail is upright; metadata (EXIF, XMP, ICC
//     profile, comments) is stripped unless "strip" is false.
// The thumbnail is written to a temporary file beside `out` and renamed over it, so `out` is
// either absent, the old thumbnail or the complete new one, never half written; the output
// directory is created if missing.
// Result: {"out": path, "width": w, "height": h, "bytes": n}.
// Failures: kInvalid for a bad payload; kUnavailable when `in` does not exist or cannot be
// opened; kHandlerError when libvips cannot read the image (unknown format, truncated, corrupt:
// "cannot read '/x/a.jpg': not a known image format"); kIo when the output cannot be written.
// Runs beside other thumbnail jobs in other slots; see vips_runtime.hpp for the threads used.
#pragma once

#include "worker/handler.hpp"

namespace zpipe {

HandlerResult thumbnail_handler(const Job& job, const JobContext& context);

}  // namespace zpipe
