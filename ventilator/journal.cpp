#include "ventilator/journal.hpp"

#include <random>
#include <set>
#include <stdexcept>

#include "common/protocol.hpp"
#include "common/sqlite/wal_checkpointer.hpp"

namespace zpipe {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS jobs (
  row                INTEGER PRIMARY KEY,
  id                 TEXT NOT NULL,
  type               TEXT NOT NULL,
  payload            BLOB NOT NULL,
  attempt            INTEGER NOT NULL,
  max_attempts       INTEGER NOT NULL,
  attempts_per_round INTEGER NOT NULL,
  timeout_ms         INTEGER NOT NULL,
  created_ms         INTEGER NOT NULL,
  due_ms             INTEGER NOT NULL DEFAULT 0,
  dead               INTEGER NOT NULL DEFAULT 0,
  queue              TEXT NOT NULL DEFAULT 'default',
  priority           INTEGER NOT NULL DEFAULT 0,
  unique_key         TEXT NOT NULL DEFAULT '',
  cancelled_by       TEXT NOT NULL DEFAULT '',
  parent             TEXT NOT NULL DEFAULT '',
  batch              TEXT NOT NULL DEFAULT '',
  workflow           BLOB NOT NULL DEFAULT x''
);
CREATE INDEX IF NOT EXISTS dead_jobs ON jobs (id) WHERE dead = 1;
CREATE TABLE IF NOT EXISTS pipeline (id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS totals (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS schedules (name TEXT PRIMARY KEY, spec BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS batches (
  id          TEXT PRIMARY KEY,
  opened      BLOB NOT NULL,
  created_ms  INTEGER NOT NULL,
  finished_ms INTEGER NOT NULL,
  sealed      INTEGER NOT NULL,
  total       INTEGER NOT NULL,
  succeeded   INTEGER NOT NULL,
  dead        INTEGER NOT NULL,
  cancelled   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS batch_dead (
  batch TEXT NOT NULL,
  job   TEXT NOT NULL,
  UNIQUE (batch, job)
);
)sql";

// Columns of `jobs` that a journal of an older zpipe lacks, added in place at open.
constexpr std::pair<const char*, const char*> kLaterColumns[] = {
    {"queue", "TEXT NOT NULL DEFAULT 'default'"}, {"priority", "INTEGER NOT NULL DEFAULT 0"},
    {"unique_key", "TEXT NOT NULL DEFAULT ''"},   {"cancelled_by", "TEXT NOT NULL DEFAULT ''"},
    {"parent", "TEXT NOT NULL DEFAULT ''"},       {"batch", "TEXT NOT NULL DEFAULT ''"},
    {"workflow", "BLOB NOT NULL DEFAULT x''"},
};

// The totals kept in the `totals` table.
constexpr const char* kTotalNames[] = {"accepted", "succeeded", "failed", "cancelled"};

// A new pipeline's identity: 16 random hex digits.
std::string new_pipeline_identity() {
  std::random_device random;
  std::string id;
  for (int i = 0; i < 16; ++i) id += "0123456789abcdef"[random() % 16];
  return id;
}

constexpr const char* kColumns =
    "row, id, type, payload, attempt, max_attempts, attempts_per_round, timeout_ms, created_ms, "
    "due_ms, queue, priority, unique_key, cancelled_by, parent, batch, workflow";
// The same, with large payloads left in the file (TrackedJob::payload_in_journal).
const std::string kColumnsLeavingLargePayloads =
    "row, id, type, CASE WHEN length(payload) > " + std::to_string(kPayloadKeptInMemory) +
    " THEN x'' ELSE payload END, attempt, max_attempts, attempts_per_round, timeout_ms, "
    "created_ms, due_ms, queue, priority, unique_key, cancelled_by, parent, batch, workflow, "
    "length(payload) > " +
    std::to_string(kPayloadKeptInMemory);

std::string damaged_message(const std::filesystem::path& path, const std::string& reason) {
  return "the journal " + path.string() + " is damaged (" + reason +
         "); the ventilator will not run on it. Keep it for inspection and start afresh with: mv " +
         path.string() + " " + path.string() +
         ".damaged (jobs in it can be salvaged with: " + "sqlite3 " + path.string() +
         ".damaged .recover)";
}

// The row a SELECT of kColumns stands on, as stored.
JournalRow read_row(const sqlite::Statement& s) {
  JournalRow row;
  row.row = s.column_i64(0);
  row.id = s.column_text(1);
  row.type = s.column_text(2);
  row.payload = s.column_blob(3);
  row.attempt = s.column_i64(4);
  row.max_attempts = s.column_i64(5);
  row.attempts_per_round = s.column_i64(6);
  row.timeout_ms = s.column_i64(7);
  row.created_ms = s.column_i64(8);
  row.due_ms = s.column_i64(9);
  row.queue = s.column_text(10);
  row.priority = s.column_i64(11);
  row.unique_key = s.column_text(12);
  row.cancelled_by = s.column_text(13);
  row.parent = s.column_text(14);
  row.batch = s.column_text(15);
  row.workflow = s.column_blob(16);
  row.payload_left_out = s.column_count() > 17 && s.column_i64(17) != 0;
  return row;
}

// Opening found the file unusable: what to do about it.
template <class T>
T usable(Result<T> result, const std::filesystem::path& path) {
  if (!result.ok()) throw std::runtime_error(damaged_message(path, result.error().message));
  return std::move(result).value();
}

}  // namespace

Journal::Journal(const std::filesystem::path& path, Durability durability, DecodeLimits limits)
    : path_(path), limits_(limits) {
  if (path.has_parent_path()) {
    std::error_code ignored;
    std::filesystem::create_directories(path.parent_path(), ignored);
  }
  // SQLite drops a torn tail of the log without a word: say so.
  if (auto torn = sqlite::DatabaseFiles::torn_log_tail_of(path)) {
    warnings_.push_back(*torn);
  }
  auto opened = sqlite::Database::open_store(
      path, {"the journal", kSchema, "jobs", "the jobs", "start with no jobs"});
  if (!opened.ok()) {
    // A lost journal says what it took; any other failure to open one is damage.
    const auto& failure = opened.error();
    throw std::runtime_error(failure.code == ErrorCode::kUnavailable
                                 ? failure.message
                                 : damaged_message(path, failure.message));
  }
  db_.emplace(std::move(opened).value());
  // FULL fsyncs the log at every commit; NORMAL writes it at commit (a process crash loses
  // nothing) and fsyncs it at checkpoints, which the checkpointer's thread runs at least every
  // second after a commit.
  usable(db_->exec(durability == Durability::kSync ? "PRAGMA synchronous=FULL"
                                                   : "PRAGMA synchronous=NORMAL"),
         path);
  upgrade_jobs_table();
  usable(db_->exec(kSchema), path);  // what a journal of an older zpipe lacks
  auto check = usable(db_->prepare("PRAGMA quick_check"), path);
  std::string problems;
  while (usable(check.step(), path)) {
    const auto line = check.column_text(0);
    if (line != "ok") problems += (problems.empty() ? "" : "; ") + line;
  }
  if (!problems.empty()) throw std::runtime_error(damaged_message(path, problems));
  {
    auto identity = usable(db_->prepare("SELECT id FROM pipeline LIMIT 1"), path);
    if (usable(identity.step(), path)) {
      pipeline_ = identity.column_text(0);
    } else {
      pipeline_ = new_pipeline_identity();
      auto made = usable(db_->prepare("INSERT INTO pipeline (id) VALUES (?)"), path);
      made.bind_text(1, pipeline_);
      usable(made.run("cannot record the pipeline's identity"), path);
    }
  }
  insert_ = usable(db_->prepare("INSERT INTO jobs (row, id, type, payload, attempt, max_attempts, "
                                "attempts_per_round, timeout_ms, created_ms, due_ms, queue, "
                                "priority, unique_key, parent, batch, workflow) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                   path);
  cancel_ = usable(db_->prepare("UPDATE jobs SET cancelled_by = ? WHERE row = ?"), path);
  save_total_ = usable(db_->prepare("INSERT INTO totals (name, value) VALUES (?, ?) "
                                    "ON CONFLICT (name) DO UPDATE SET value = excluded.value"),
                       path);
  set_setting_ = usable(db_->prepare("INSERT INTO settings (name, value) VALUES (?, ?) "
                                     "ON CONFLICT (name) DO UPDATE SET value = excluded.value"),
                        path);
  clear_setting_ = usable(db_->prepare("DELETE FROM settings WHERE name = ?"), path);
  save_schedule_ = usable(db_->prepare("INSERT INTO schedules (name, spec) VALUES (?, ?) "
                                       "ON CONFLICT (name) DO UPDATE SET spec = excluded.spec"),
                          path);
  remove_schedule_ = usable(db_->prepare("DELETE FROM schedules WHERE name = ?"), path);
  save_batch_ = usable(
      db_->prepare("INSERT OR REPLACE INTO batches (id, opened, created_ms, finished_ms, sealed, "
                   "total, succeeded, dead, cancelled) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
      path);
  add_batch_dead_ =
      usable(db_->prepare("INSERT OR IGNORE INTO batch_dead (batch, job) VALUES (?, ?)"), path);
  forget_batch_ = usable(db_->prepare("DELETE FROM batches WHERE id = ?"), path);
  forget_batch_dead_ = usable(db_->prepare("DELETE FROM batch_dead WHERE batch = ?"), path);
  revive_ = usable(
      db_->prepare(
          "UPDATE jobs SET dead = 0, attempt = ?, max_attempts = ?, due_ms = ? WHERE row = ?"),
      path);
  {
    auto last = usable(db_->prepare("SELECT coalesce(max(row), 0) FROM jobs"), path);
    next_row_ = usable(last.step(), path) ? last.column_i64(0) + 1 : 1;
  }
  delete_ = usable(db_->prepare("DELETE FROM jobs WHERE row = ?"), path);
  reschedule_ = usable(db_->prepare("UPDATE jobs SET attempt = ?, due_ms = ? WHERE row = ?"), path);
  bury_ = usable(db_->prepare("UPDATE jobs SET attempt = ?, dead = 1 WHERE row = ?"), path);
  select_payload_ = usable(db_->prepare("SELECT payload FROM jobs WHERE row = ?"), path);
  free_pages_ = usable(db_->prepare("SELECT freelist_count * page_size FROM pragma_freelist_count, "
                                    "pragma_page_size"),
                       path);
  checkpointer_ = std::make_unique<WalCheckpointer>(db_->handle(), path_);
  files_.emplace(path_, "the journal");
}

Journal::~Journal() {
  // Unfinished work is dropped, not committed: nobody was told "accepted" for it.
  if (in_transaction_) (void)db_->exec("ROLLBACK");
  checkpointer_.reset();
}

// A write that fails leaves the journal behind what the ventilator holds: it must stop.
void Journal::must(Result<Ok> done) {
  if (!done.ok()) throw std::runtime_error(done.error().message);
}

void Journal::begin_if_needed() {
  if (in_transaction_) return;
  must(db_->exec("BEGIN"));
  in_transaction_ = true;
}

void Journal::upgrade_jobs_table() {
  auto columns = usable(db_->prepare("SELECT name FROM pragma_table_info('jobs')"), path_);
  std::set<std::string> present;
  while (usable(columns.step(), path_)) present.insert(columns.column_text(0));
  if (present.empty()) return;  // a new journal: the schema makes the table whole
  for (const auto& [name, definition] : kLaterColumns) {
    if (present.contains(name)) continue;
    usable(db_->exec(std::string("ALTER TABLE jobs ADD COLUMN ") + name + " " + definition), path_);
  }
}

std::vector<RestoredJob> Journal::load_live() {
  auto s = usable(db_->prepare("SELECT " + kColumnsLeavingLargePayloads +
                               " FROM jobs WHERE dead = 0 ORDER BY row"),
                  path_);
  std::vector<RestoredJob> jobs;
  std::uint64_t unreadable = 0;
  std::string first_problem;
  while (usable(s.step(), path_)) {
    auto row = read_row(s);
    auto job = restore_job(row, limits_);
    if (!job.ok()) {
      if (unreadable++ == 0) first_problem = job.error().message;
      continue;
    }
    jobs.push_back(
        {std::move(job).value(), std::move(row.unique_key), std::move(row.cancelled_by)});
  }
  if (unreadable > 0) {
    warnings_.push_back(std::to_string(unreadable) +
                        " rows have no id or type, or counts or times out of range, and were "
                        "skipped (the first: " +
                        first_problem + ")");
  }
  return jobs;
}

std::uint64_t Journal::count_dead() {
  auto s = usable(db_->prepare("SELECT count(*) FROM jobs WHERE dead = 1"), path_);
  return usable(s.step(), path_) ? s.column_u64(0) : 0;
}

std::map<std::string, std::uint64_t> Journal::count_dead_by_type() {
  std::map<std::string, std::uint64_t> dead;
  auto s =
      usable(db_->prepare("SELECT type, count(*) FROM jobs WHERE dead = 1 GROUP BY type"), path_);
  while (usable(s.step(), path_)) dead[s.column_text(0)] = s.column_u64(1);
  return dead;
}

std::int64_t Journal::add(const TrackedJob& t, const std::string& unique_key) {
  const auto row = next_row_++;
  std::string workflow;
  if (const auto& links = t.job.links;
      links && (!links->then.empty() || !links->on_failure.empty())) {
    JobSpec spec{t.job.type.str(), Payload(), 0, 0};
    spec.then = links->then;
    spec.on_failure = links->on_failure;
    workflow = encode_job_specs({spec});
  }
  apply(Write{Write::Kind::kInsert, row, 0, 0, 0, t, unique_key, std::move(workflow)});
  return row;
}

void Journal::cancel(std::int64_t row, const std::string& by) {
  apply(Write{Write::Kind::kCancel, row, 0, 0, 0, {}, by.empty() ? "someone" : by});
}

void Journal::save_totals(const PipelineCounts& totals) {
  const std::uint64_t values[] = {totals.accepted, totals.succeeded, totals.failed,
                                  totals.cancelled};
  for (std::size_t i = 0; i < std::size(values); ++i) {
    apply(Write{Write::Kind::kTotal, 0, 0, 0, values[i], {}, kTotalNames[i]});
  }
}

PipelineCounts Journal::load_totals() {
  PipelineCounts totals;
  auto s = usable(db_->prepare("SELECT name, value FROM totals"), path_);
  while (usable(s.step(), path_)) {
    const auto name = s.column_text(0);
    const auto value = s.column_u64(1);
    if (name == "accepted") totals.accepted = value;
    if (name == "succeeded") totals.succeeded = value;
    if (name == "failed") totals.failed = value;
    if (name == "cancelled") totals.cancelled = value;
  }
  return totals;
}

void Journal::set_setting(const std::string& name, const std::string& value) {
  apply(Write{Write::Kind::kSetting, 0, 0, 0, 0, {}, name, value});
}

std::map<std::string, std::string> Journal::settings() {
  std::map<std::string, std::string> found;
  auto s = usable(db_->prepare("SELECT name, value FROM settings"), path_);
  while (usable(s.step(), path_)) found[s.column_text(0)] = s.column_text(1);
  return found;
}

void Journal::save_schedule(const std::string& name, const std::string& spec) {
  apply(Write{Write::Kind::kSchedule, 0, 0, 0, 0, {}, name, spec});
}

std::vector<std::string> Journal::schedules() {
  std::vector<std::string> found;
  auto s = usable(db_->prepare("SELECT spec FROM schedules ORDER BY name"), path_);
  while (usable(s.step(), path_)) found.push_back(s.column_blob(0));
  return found;
}

void Journal::save_batch(const BatchRecord& batch) {
  apply(Write{Write::Kind::kBatch,
              0,
              0,
              0,
              0,
              {},
              batch.id,
              {},
              std::make_shared<const BatchRecord>(batch)});
}

void Journal::add_batch_dead(const std::string& batch, const std::string& job) {
  apply(Write{Write::Kind::kBatchDead, 0, 0, 0, 0, {}, batch, job});
}

void Journal::forget_batch(const std::string& batch) {
  apply(Write{Write::Kind::kBatchForget, 0, 0, 0, 0, {}, batch});
}

std::vector<BatchRecord> Journal::load_batches() {
  std::vector<BatchRecord> batches;
  std::map<std::string, std::size_t> at;
  auto s = usable(db_->prepare("SELECT id, opened, created_ms, finished_ms, sealed, total, "
                               "succeeded, dead, cancelled FROM batches ORDER BY created_ms, id"),
                  path_);
  while (usable(s.step(), path_)) {
    BatchRecord b;
    b.id = s.column_text(0);
    // The request it was opened with; one this version cannot read keeps its counts.
    if (auto opened = decode(s.column_blob(1), limits_);
        opened.ok() && std::holds_alternative<BatchOpen>(opened.value())) {
      auto& open = std::get<BatchOpen>(opened.value());
      b.description = std::move(open.description);
      b.on_complete = std::move(open.on_complete);
      b.on_success = std::move(open.on_success);
    } else {
      warnings_.push_back("batch " + b.id + ": its callbacks cannot be read and will not run");
    }
    b.created_ms = s.column_u64(2);
    b.finished_ms = s.column_u64(3);
    b.sealed = s.column_i64(4) != 0;
    b.total = s.column_u64(5);
    b.succeeded = s.column_u64(6);
    b.dead = s.column_u64(7);
    b.cancelled = s.column_u64(8);
    at.emplace(b.id, batches.size());
    batches.push_back(std::move(b));
  }
  auto dead = usable(db_->prepare("SELECT batch, job FROM batch_dead ORDER BY rowid"), path_);
  while (usable(dead.step(), path_)) {
    if (const auto found = at.find(dead.column_text(0)); found != at.end()) {
      batches[found->second].dead_ids.push_back(dead.column_text(1));
    }
  }
  return batches;
}

void Journal::remove(std::int64_t row) { apply(Write{Write::Kind::kDelete, row, 0, 0, 0, {}}); }

void Journal::reschedule(std::int64_t row, std::uint32_t attempt, std::uint64_t due_ms) {
  apply(Write{Write::Kind::kReschedule, row, attempt, 0, due_ms, {}});
}

void Journal::bury(std::int64_t row, std::uint32_t attempt) {
  apply(Write{Write::Kind::kBury, row, attempt, 0, 0, {}});
}

void Journal::apply(Write write) {
  writes_.push_back(std::move(write));
  if (remake_writes_) return;
  begin_if_needed();
  auto made = make(writes_.back());
  if (made.ok()) return;
  if (made.error().code != ErrorCode::kDiskFull) must(std::move(made));
  lose_transaction();
}

Result<Ok> Journal::make(const Write& w) {
  switch (w.kind) {
    case Write::Kind::kInsert: {
      const auto& j = w.job->job;
      insert_.bind_i64(1, w.row);
      insert_.bind_text(2, j.id);
      insert_.bind_text(3, j.type);
      insert_.bind_blob(4, j.payload.msgpack());
      insert_.bind_u64(5, j.attempt);
      insert_.bind_u64(6, j.max_attempts);
      insert_.bind_u64(7, w.job->attempts_per_round);
      insert_.bind_u64(8, j.timeout_ms);
      insert_.bind_u64(9, j.created_ms);
      insert_.bind_u64(10, w.job->due_ms);
      insert_.bind_text(11, j.queue);
      insert_.bind_i64(12, w.job->priority);
      insert_.bind_text(13, w.text);
      static const std::string kNone;
      insert_.bind_text(14, j.links ? j.links->parent : kNone);
      insert_.bind_text(15, j.batch());
      insert_.bind_blob(16, w.value);  // the workflow, encoded by add()
      return insert_.run("cannot add a job");
    }
    case Write::Kind::kCancel:
      cancel_.bind_text(1, w.text);
      cancel_.bind_i64(2, w.row);
      return cancel_.run("cannot mark a job cancelled");
    case Write::Kind::kTotal:
      save_total_.bind_text(1, w.text);
      save_total_.bind_u64(2, w.due_ms);
      return save_total_.run("cannot save the totals");
    case Write::Kind::kSetting:
      if (w.value.empty()) {
        clear_setting_.bind_text(1, w.text);
        return clear_setting_.run("cannot clear a setting");
      }
      set_setting_.bind_text(1, w.text);
      set_setting_.bind_text(2, w.value);
      return set_setting_.run("cannot save a setting");
    case Write::Kind::kSchedule:
      if (w.value.empty()) {
        remove_schedule_.bind_text(1, w.text);
        return remove_schedule_.run("cannot remove a schedule");
      }
      save_schedule_.bind_text(1, w.text);
      save_schedule_.bind_blob(2, w.value);
      return save_schedule_.run("cannot save a schedule");
    case Write::Kind::kBatch: {
      const auto& b = *w.batch;
      const auto opened = encode(BatchOpen{0, b.description, b.on_complete, b.on_success});
      save_batch_.bind_text(1, b.id);
      save_batch_.bind_blob(2, opened);
      save_batch_.bind_u64(3, b.created_ms);
      save_batch_.bind_u64(4, b.finished_ms);
      save_batch_.bind_i64(5, b.sealed ? 1 : 0);
      save_batch_.bind_u64(6, b.total);
      save_batch_.bind_u64(7, b.succeeded);
      save_batch_.bind_u64(8, b.dead);
      save_batch_.bind_u64(9, b.cancelled);
      return save_batch_.run("cannot save a batch");
    }
    case Write::Kind::kBatchDead:
      add_batch_dead_.bind_text(1, w.text);
      add_batch_dead_.bind_text(2, w.value);
      return add_batch_dead_.run("cannot add a batch's dead job");
    case Write::Kind::kBatchForget: {
      forget_batch_dead_.bind_text(1, w.text);
      if (auto done = forget_batch_dead_.run("cannot forget a batch"); !done.ok()) return done;
      forget_batch_.bind_text(1, w.text);
      return forget_batch_.run("cannot forget a batch");
    }
    case Write::Kind::kDelete:
      delete_.bind_i64(1, w.row);
      return delete_.run("cannot remove a finished job");
    case Write::Kind::kReschedule:
      reschedule_.bind_u64(1, w.attempt);
      reschedule_.bind_u64(2, w.due_ms);
      reschedule_.bind_i64(3, w.row);
      return reschedule_.run("cannot schedule a retry");
    case Write::Kind::kBury:
      bury_.bind_u64(1, w.attempt);
      bury_.bind_i64(2, w.row);
      return bury_.run("cannot mark a job dead");
    case Write::Kind::kRevive:
      revive_.bind_u64(1, w.attempt);
      revive_.bind_u64(2, w.max_attempts);
      revive_.bind_u64(3, w.due_ms);
      revive_.bind_i64(4, w.row);
      return revive_.run("cannot revive a dead job");
  }
  return Ok{};
}

void Journal::lose_transaction() {
  if (db_->in_transaction()) (void)db_->exec("ROLLBACK");
  in_transaction_ = false;
  remake_writes_ = true;
}

Result<std::vector<JournalRow>> Journal::find_dead(const std::vector<std::string>& ids) {
  return select_dead(DeadSelection{ids, false, ""});
}

Result<std::vector<JournalRow>> Journal::select_dead(const DeadSelection& selection) {
  std::vector<JournalRow> found;
  const auto base = std::string("SELECT ") + kColumns + " FROM jobs WHERE dead = 1";
  const auto read_all = [&found](sqlite::Statement& s) -> Result<Ok> {
    while (true) {
      auto row = s.step();
      if (!row.ok()) return row.error();
      if (!row.value()) return Ok{};
      found.push_back(read_row(s));
    }
  };
  if (selection.all_dead) {
    auto s = db_->prepare(base + (selection.type.empty() ? "" : " AND type = ?") + " ORDER BY row");
    if (!s.ok()) return s.error();
    if (!selection.type.empty()) s.value().bind_text(1, selection.type);
    if (auto read = read_all(s.value()); !read.ok()) return read.error();
    return found;
  }
  auto s = db_->prepare(base + " AND id = ?");
  if (!s.ok()) return s.error();
  // Each job once, however often it is named.
  const std::set<std::string> ids(selection.ids.begin(), selection.ids.end());
  for (const auto& id : ids) {
    s.value().bind_text(1, id);
    if (auto read = read_all(s.value()); !read.ok()) return read.error();
    s.value().reset();
  }
  return found;
}

Result<std::vector<TrackedJob>> Journal::revive(const DeadSelection& selection,
                                                std::uint64_t now_ms) {
  auto rows = select_dead(selection);
  if (!rows.ok()) return rows.error();
  std::vector<TrackedJob> jobs;
  for (const auto& row : rows.value()) {
    // A row that cannot be run stays dead, where `zpipe discard` can still remove it.
    if (auto job = restore_job(row, limits_); job.ok()) jobs.push_back(std::move(job).value());
  }
  for (auto& t : jobs) {
    // The next attempt, and as many more as the job was first given.
    t.job.attempt += 1;
    t.job.max_attempts = t.job.attempt + t.attempts_per_round - 1;
    t.due_ms = now_ms;
    apply(Write{
        Write::Kind::kRevive, t.journal_row, t.job.attempt, t.job.max_attempts, t.due_ms, {}});
  }
  return jobs;
}

Result<std::vector<std::string>> Journal::discard(const DeadSelection& selection,
                                                  std::vector<std::string>* types) {
  auto rows = select_dead(selection);
  if (!rows.ok()) return rows.error();
  std::vector<std::string> ids;
  for (const auto& row : rows.value()) {
    remove(row.row);
    ids.push_back(row.id);
    if (types != nullptr) types->push_back(row.type);
  }
  return ids;
}

Result<Ok> Journal::commit() {
  if (remake_writes_) {
    begin_if_needed();
    for (const auto& write : writes_) {
      auto made = make(write);
      if (made.ok()) continue;
      if (made.error().code != ErrorCode::kDiskFull) must(std::move(made));
      lose_transaction();
      return made.error();
    }
    remake_writes_ = false;
  }
  if (!in_transaction_) return Ok{};
  auto done = db_->exec("COMMIT");
  if (!done.ok() && done.error().code == ErrorCode::kDiskFull) {
    lose_transaction();  // SQLite rolled it back: made again at the next commit()
    return done.error();
  }
  in_transaction_ = false;
  if (!done.ok()) {
    (void)db_->exec("ROLLBACK");
    throw std::runtime_error("cannot commit: " + done.error().message);
  }
  writes_.clear();
  return Ok{};
}

Payload Journal::payload_of(std::int64_t row) {
  // A job added since a transaction the disk turned away is in no table yet.
  if (remake_writes_) {
    for (auto w = writes_.rbegin(); w != writes_.rend(); ++w) {
      if (w->kind == Write::Kind::kInsert && w->row == row) return w->job->job.payload;
    }
  }
  const auto resets = select_payload_.reset_at_exit();
  select_payload_.bind_i64(1, row);
  if (!usable(select_payload_.step(), path_)) {
    throw std::runtime_error("the journal " + path_.string() + " lost the payload of row " +
                             std::to_string(row));
  }
  return restore_payload(select_payload_.column_blob(0), limits_);
}

std::uint64_t Journal::reusable_bytes() {
  const auto resets = free_pages_.reset_at_exit();
  auto found = free_pages_.step();
  return found.ok() && found.value() ? free_pages_.column_u64(0) : 0;
}

void Journal::keep_log_short(bool tight) {
  if (checkpointer_) checkpointer_->keep_log_short(tight);
}

std::uint64_t Journal::log_growth_bytes() const {
  return checkpointer_ ? checkpointer_->log_growth_bytes() : 0;
}

Result<Ok> Journal::check_files() {
  auto files = files_->check();
  if (!files.ok()) {
    // Nothing more goes into the file: the next start must find it as it was left.
    checkpointer_.reset();
    db_->seal();
  }
  return files;
}

}  // namespace zpipe
