#include "web/http_replies.hpp"

namespace zpipe {

void reply_json(httplib::Response& res, const nlohmann::json& body, int status) {
  res.status = status;
  // Job payloads and errors may hold any bytes: replaced, not refused, in what is shown.
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "application/json");
  res.set_header("Cache-Control", "no-store");
}

void reply_error(httplib::Response& res, int status, const std::string& reason) {
  reply_json(res, {{"error", reason}}, status);
}

int status_of(const Error& error) {
  switch (error.code) {
    case ErrorCode::kInvalid:
    case ErrorCode::kMalformed:
    case ErrorCode::kMissingField:
    case ErrorCode::kWrongType:
    case ErrorCode::kTooLarge:
      return 400;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kAmbiguous:
    case ErrorCode::kUnsupported:
      return 409;
    case ErrorCode::kUnavailable:
    case ErrorCode::kTimeout:
    case ErrorCode::kBusy:
    case ErrorCode::kDiskFull:
    case ErrorCode::kWrongPipeline:
      return 503;
    default:
      return 500;
  }
}

void reply_error(httplib::Response& res, const Error& error) {
  reply_error(res, status_of(error), error.message);
}

}  // namespace zpipe
