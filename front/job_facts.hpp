// What is known of one job, gathered from the sink's store and the ventilator: its recorded end
// and attempts, where it is now, and the jobs it made. `zpipe show` prints it as text or JSON
// (show_json.hpp); zpipe-web's /api/jobs/ID answers the JSON.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/outcome.hpp"
#include "common/outcome_store.hpp"
#include "common/requests.hpp"
#include "common/result.hpp"
#include "front/job_child.hpp"

namespace zpipe {

class Client;

// Where a job is looked up. Either may be absent: the store on another host (a sink elsewhere),
// the ventilator's keys not loaded. The reason one is absent is said to people (`zpipe show`
// on stderr, and when nothing knows the job).
struct ShowSources {
  OutcomeStore* store = nullptr;  // opened read-only; nullptr: no store here
  std::string why_no_store{};     // with no store: why ("no store at ..."); "" says it generally
  Client* ventilator = nullptr;   // nullptr: not asked
  std::string why_no_ventilator{};
};

// The state of a child neither the store nor the ventilator knows.
inline constexpr std::string_view kNotRecordedYet = "not recorded yet";

struct JobFacts {
  std::string id;
  std::optional<StoredOutcome> row{};  // its end, as the store recorded it
  std::vector<Outcome> attempts{};     // its recorded attempts, first attempt first
  std::optional<JobStatus> now{};      // where the ventilator holds it now; none: not held
  // The jobs it made: the follow-ups and chain step of its recorded success, then the recorded
  // jobs that name it as their parent. Each has a state: recorded, else the ventilator's, else
  // kNotRecordedYet.
  std::vector<JobChild> children{};
  std::string store_problem{};       // why the store was not read; "": it was
  std::string ventilator_problem{};  // why the ventilator did not tell; "": it did

  // Something knows the job: the store recorded it or an attempt of it, or the ventilator holds it.
  bool is_known() const { return row || !attempts.empty() || now; }
};

// Reads the store (when there is one), then asks the ventilator (when there is one) where the
// job and its children not recorded yet are now. The store's read failing is an Error (a damaged
// file, a lock held too long: it cannot say); the ventilator not answering is only noted
// (ventilator_problem). A job nothing knows is facts with is_known() false.
Result<JobFacts> gather_job_facts(const ShowSources& sources, const std::string& id);

}  // namespace zpipe
