// Fuzzes restore_job() (ventilator/journal_row.cpp): a row of the ventilator's journal as SQLite
// gives it back on restart. SQLite vouches for its pages, not for the values in them: damage
// that its checks do not see, an edit by hand or another version of zpipe can leave anything
// in a column. The input format is in fuzz/journal_row_input.hpp.
//
// Asserts, besides no crash, leak, runaway allocation or undefined behaviour (ASan, UBSan):
// a job restore_job() accepts is one a worker accepts: it encodes to a job message that decode()
// accepts as the same job. Otherwise the ventilator would send it out again at every time limit
// and no worker would ever run it.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "common/protocol.hpp"
#include "fuzz/journal_row_input.hpp"
#include "fuzz/property.hpp"
#include "ventilator/journal_row.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace zpipe;
  const auto row =
      fuzz::read_journal_row(std::string_view(reinterpret_cast<const char*>(data), size));
  const auto restored = restore_job(row);
  if (!restored.ok()) return 0;
  const auto job = restored.value().job.to_job();
  const auto sent = decode(encode(job));
  fuzz::require(sent.ok(), "a runnable restored job decodes at a worker");
  fuzz::require(std::holds_alternative<Job>(sent.value()) && std::get<Job>(sent.value()) == job,
                "as the same job");
  return 0;
}
