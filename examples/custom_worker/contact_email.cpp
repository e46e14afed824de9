#include "contact_email.hpp"

#include <fstream>
#include <sstream>
#include <string>
#include <system_error>

namespace example {
namespace {

namespace fs = std::filesystem;

zpipe::HandlerResult invalid(const std::string& message) {
  return zpipe::fail(zpipe::Error{zpipe::ErrorCode::kInvalid, "contact_email: " + message});
}

bool is_text(const nlohmann::json& args, const char* key) {
  return args.contains(key) && args[key].is_string() && !args[key].get<std::string>().empty();
}

// The message as a mail transfer agent takes it. The Message-ID is the form submission's, so
// that a real provider would also drop a second copy.
std::string mail_text(const nlohmann::json& args, const std::string& name, const zpipe::Job& job) {
  std::ostringstream mail;
  mail << "From: " << args["from"].get<std::string>() << "\r\n"
       << "To: " << args.value("to", std::string("support@example.org")) << "\r\n"
       << "Subject: Contact form #" << args["contact"].get<std::int64_t>() << "\r\n"
       << "Message-ID: <" << name << "@example.org>\r\n"
       << "X-Zpipe-Job: " << job.id << " attempt " << job.attempt << "\r\n\r\n"
       << args["message"].get<std::string>() << "\r\n";
  return mail.str();
}

}  // namespace

zpipe::Handler contact_email_handler(fs::path spool) {
  return [spool = std::move(spool)](const zpipe::Job& job,
                                    const zpipe::JobContext&) -> zpipe::HandlerResult {
    const auto args = job.payload.to_json();
    if (!args.is_object() || !args.contains("contact") || !args["contact"].is_number_integer() ||
        args["contact"].get<std::int64_t>() < 1) {
      return invalid("needs \"contact\", the form submission's number");
    }
    if (!is_text(args, "from") || !is_text(args, "message")) {
      return invalid("needs \"from\" and \"message\"");
    }
    const auto name = "contact-" + std::to_string(args["contact"].get<std::int64_t>());
    const auto final_path = spool / (name + ".eml");
    std::error_code error;
    if (!fs::is_directory(spool, error)) {
      return zpipe::fail(
          zpipe::Error{zpipe::ErrorCode::kUnavailable,
                       "mail relay unavailable: no spool directory " + spool.string()});
    }
    if (fs::exists(final_path, error)) {
      return zpipe::succeed({{"spooled", final_path.string()}, {"already", true}});
    }
    // Written beside its final name and renamed into place: the relay never sees half a mail.
    const auto text = mail_text(args, name, job);
    const auto temp_path = spool / ("." + name + "." + job.id + ".tmp");
    {
      std::ofstream out(temp_path, std::ios::binary);
      out << text;
      if (!out.flush()) {
        fs::remove(temp_path, error);
        return zpipe::fail(
            zpipe::Error{zpipe::ErrorCode::kIo, "cannot write " + temp_path.string()});
      }
    }
    fs::rename(temp_path, final_path, error);
    if (error) {
      const auto why = error.message();
      fs::remove(temp_path, error);
      return zpipe::fail(
          zpipe::Error{zpipe::ErrorCode::kIo, "cannot spool " + final_path.string() + ": " + why});
    }
    return zpipe::succeed({{"spooled", final_path.string()}, {"bytes", text.size()}});
  };
}

}  // namespace example
