#include "common/result.hpp"

namespace zpipe {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::kMalformed:
      return "malformed";
    case ErrorCode::kTrailingBytes:
      return "trailing_bytes";
    case ErrorCode::kUnsupportedVersion:
      return "unsupported_version";
    case ErrorCode::kUnknownKind:
      return "unknown_kind";
    case ErrorCode::kUnexpectedKind:
      return "unexpected_kind";
    case ErrorCode::kMissingField:
      return "missing_field";
    case ErrorCode::kWrongType:
      return "wrong_type";
    case ErrorCode::kTooLarge:
      return "too_large";
    case ErrorCode::kInvalid:
      return "invalid";
    case ErrorCode::kTimeout:
      return "timeout";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kUnknownType:
      return "unknown_type";
    case ErrorCode::kHandlerError:
      return "handler_error";
    case ErrorCode::kExecFailed:
      return "exec_failed";
    case ErrorCode::kCancelled:
      return "cancelled";
    case ErrorCode::kIo:
      return "io";
    case ErrorCode::kBusy:
      return "busy";
    case ErrorCode::kCrashed:
      return "crashed";
    case ErrorCode::kDiskFull:
      return "disk_full";
    case ErrorCode::kWrongPipeline:
      return "wrong_pipeline";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kAmbiguous:
      return "ambiguous";
    case ErrorCode::kUnsupported:
      return "unsupported";
  }
  return "unknown";
}

std::optional<ErrorCode> error_code_from(std::string_view name) {
  for (int i = 0; i <= static_cast<int>(kLastErrorCode); ++i) {
    const auto code = static_cast<ErrorCode>(i);
    if (to_string(code) == name) return code;
  }
  return std::nullopt;
}

}  // namespace zpipe
