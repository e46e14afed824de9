// How zpipe-web answers: JSON bodies, errors as {"error": reason} with the status that fits the
// cause, and the headers every answer carries.
#pragma once

#include <httplib.h>

#include <string>

#include <nlohmann/json.hpp>

#include "common/result.hpp"

namespace zpipe {

void reply_json(httplib::Response& res, const nlohmann::json& body, int status = 200);
void reply_error(httplib::Response& res, int status, const std::string& reason);
// The status for an Error from the ventilator or the store: 400 for bad input, 404 for an
// unknown id, 503 when a component cannot be reached or is busy, 500 otherwise.
int status_of(const Error& error);
void reply_error(httplib::Response& res, const Error& error);

}  // namespace zpipe
