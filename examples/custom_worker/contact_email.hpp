// contact_email: the mail a site's contact form sends, in the background. It writes the
// message to a spool directory (where a local mail transfer agent would pick it up) instead of
// talking to a mail server, so that the example runs anywhere.
//
//   zpipe submit contact_email --unique-key contact-1842 --arg contact=1842
//     --arg from=ada@example.org --arg message="Where is my order?"
//   -> {"spooled": "/srv/mail-spool/contact-1842.eml", "bytes": 187}
//
// Idempotent: a job may run twice (a worker killed after the mail was spooled but before its
// outcome reached the sink), so the file is named after the form submission, and a second run
// that finds it sends nothing again.
#pragma once

#include <filesystem>

#include "worker/handler.hpp"

namespace example {

// The handler, writing to `spool` (an absolute path). A missing spool directory is the mail
// relay being down: the job fails as `unavailable` and is retried; a payload without a whole
// "contact" number, a "from" or a "message" fails as `invalid`, at once.
zpipe::Handler contact_email_handler(std::filesystem::path spool);

}  // namespace example
