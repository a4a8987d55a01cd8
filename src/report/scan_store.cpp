#include "report/scan_store.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <unordered_map>
#include <utility>

namespace tc {

namespace {

// Migrations are append-only: a released one is never edited, a change of
// schema is a new entry. Version N is reached by running entries 0..N-1.
const char* const kSchemaV1 = R"sql(
CREATE TABLE runs(
  id INTEGER PRIMARY KEY,
  started_at TEXT NOT NULL,
  judged_at TEXT NOT NULL,
  profile TEXT NOT NULL,
  targets_file TEXT NOT NULL,
  tool_version TEXT NOT NULL,
  finished_at TEXT
);
CREATE TABLE endpoints(
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id),
  target TEXT NOT NULL,
  label TEXT NOT NULL,
  host TEXT NOT NULL,
  address TEXT NOT NULL,
  port INTEGER NOT NULL,
  sni TEXT,
  probed_at TEXT NOT NULL,
  error TEXT,
  verdict TEXT NOT NULL,
  client_auth TEXT NOT NULL,
  facts TEXT NOT NULL
);
CREATE INDEX endpoints_by_target ON endpoints(target, address, run_id);
CREATE TABLE findings(
  endpoint_id INTEGER NOT NULL REFERENCES endpoints(id),
  id TEXT NOT NULL,
  severity TEXT NOT NULL,
  subject TEXT NOT NULL
);
CREATE INDEX findings_by_endpoint ON findings(endpoint_id);
)sql";

// v2: the leaf's fingerprint and expiry as columns (indexed for expiry
// queries), filled from the facts stored by v1.
const char* const kSchemaV2 = R"sql(
ALTER TABLE endpoints ADD COLUMN leaf_sha256 TEXT;
ALTER TABLE endpoints ADD COLUMN leaf_not_after TEXT;
UPDATE endpoints SET leaf_sha256 = json_extract(facts, '$.leaf.sha256'),
                     leaf_not_after = json_extract(facts, '$.leaf.not_after');
CREATE INDEX endpoints_by_expiry ON endpoints(leaf_not_after);
)sql";

// A prepared statement, finalised on scope exit.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) { status_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  bool ok() const { return status_ == SQLITE_OK; }
  int status() const { return status_; }
  sqlite3_stmt* get() { return stmt_; }
  void bind(int index, const std::string& text) {
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }
  void bind(int index, const std::optional<std::string>& text) {
    if (text) {
      bind(index, *text);
    } else {
      sqlite3_bind_null(stmt_, index);
    }
  }
  void bind(int index, int64_t value) { sqlite3_bind_int64(stmt_, index, value); }
  int step() { return status_ = sqlite3_step(stmt_); }
  std::string text(int column) {
    const unsigned char* value = sqlite3_column_text(stmt_, column);
    return value ? std::string(reinterpret_cast<const char*>(value)) : std::string();
  }
  std::optional<std::string> maybe_text(int column) {
    if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
    return text(column);
  }
  int64_t integer(int column) { return sqlite3_column_int64(stmt_, column); }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int status_ = SQLITE_OK;
};

}  // namespace

const std::vector<const char*>& scan_store_migrations() {
  static const std::vector<const char*> migrations = {kSchemaV1, kSchemaV2};
  return migrations;
}

std::string ScanStore::describe(int code) const {
  std::string message = sqlite3_errmsg(db_);
  if (code == SQLITE_NOTADB) return "not a SQLite database (" + message + ")";
  if (code == SQLITE_CORRUPT) return "the database is corrupt (" + message + ")";
  if (code == SQLITE_READONLY) return "the database is read-only (" + message + ")";
  if (code == SQLITE_FULL) return "the disk is full (" + message + ")";
  return message;
}

bool ScanStore::exec(const char* sql, std::string& error) {
  char* message = nullptr;
  int code = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
  if (code != SQLITE_OK) {
    error = path_ + ": " + describe(code);
    sqlite3_free(message);
    return false;
  }
  return true;
}

std::unique_ptr<ScanStore> ScanStore::open(const std::string& path, Mode mode, std::string& error) {
  struct stat info {};
  const bool exists = stat(path.c_str(), &info) == 0;
  if (exists && S_ISDIR(info.st_mode)) {
    error = path + ": is a directory, not a database file";
    return nullptr;
  }
  if (!exists && mode == Mode::read_only) {
    error = path + ": no database here (run `trunkcheck scan --db " + path + "` first)";
    return nullptr;
  }
  sqlite3* db = nullptr;
  const int flags = mode == Mode::read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  int code = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (code != SQLITE_OK) {
    error = path + ": cannot open the database: " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(code));
    if (code == SQLITE_CANTOPEN) error += " (is the directory writable?)";
    sqlite3_close(db);
    return nullptr;
  }
  std::unique_ptr<ScanStore> store(new ScanStore(db, path));
  sqlite3_busy_timeout(db, 5000);
  sqlite3_extended_result_codes(db, 0);
  if (mode == Mode::read_write && sqlite3_db_readonly(db, "main") == 1) {
    error = path + ": the database file is read-only";
    return nullptr;
  }
  // Reading the header tells a database from anything else.
  int32_t application_id = 0;
  {
    Statement version(db, "PRAGMA user_version");
    if (!version.ok() || version.step() != SQLITE_ROW) {
      error = path + ": " + store->describe(version.status()) + "; the file was left untouched";
      return nullptr;
    }
    store->version_ = static_cast<int>(version.integer(0));
    Statement application(db, "PRAGMA application_id");
    if (application.ok() && application.step() == SQLITE_ROW) application_id = static_cast<int32_t>(application.integer(0));
  }
  if (application_id != 0 && application_id != kApplicationId) {
    error = path + ": a SQLite database of another application (application_id " + std::to_string(application_id) +
            "); the file was left untouched";
    return nullptr;
  }
  if (store->version_ > kSchemaVersion) {
    error = path + ": schema version " + std::to_string(store->version_) + " is newer than this trunkcheck's (" +
            std::to_string(kSchemaVersion) + "); use a newer trunkcheck. The file was left untouched";
    return nullptr;
  }
  if (store->version_ == 0) {
    Statement tables(db, "SELECT count(*) FROM sqlite_master");
    if (!tables.ok() || tables.step() != SQLITE_ROW) {
      error = path + ": " + store->describe(tables.status()) + "; the file was left untouched";
      return nullptr;
    }
    if (tables.integer(0) != 0) {
      error = path + ": a SQLite database that trunkcheck did not create; the file was left untouched";
      return nullptr;
    }
    if (mode == Mode::read_only) {
      error = path + ": an empty database (no scan stored yet)";
      return nullptr;
    }
  }
  if (mode == Mode::read_only) return store;

  // WAL: readers never block the scan's writer, and a killed writer leaves
  // every committed transaction in place.
  {
    Statement journal(db, "PRAGMA journal_mode=WAL");
    if (!journal.ok() || journal.step() != SQLITE_ROW || journal.text(0) != "wal") {
      error = path + ": cannot switch to WAL mode: " + store->describe(journal.status());
      return nullptr;
    }
  }
  if (!store->exec("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;", error)) return nullptr;
  if (!store->migrate(error)) return nullptr;
  return store;
}

bool ScanStore::migrate(std::string& error) {
  const auto& migrations = scan_store_migrations();
  while (version_ < static_cast<int>(migrations.size())) {
    if (!exec("BEGIN IMMEDIATE", error)) return false;
    std::string step_error;
    const int next = version_ + 1;
    std::string bump = "PRAGMA user_version=" + std::to_string(next) + "; PRAGMA application_id=" +
                       std::to_string(kApplicationId) + ";";
    if (!exec(migrations[static_cast<size_t>(version_)], step_error) || !exec(bump.c_str(), step_error) ||
        !exec("COMMIT", step_error)) {
      std::string ignored;
      exec("ROLLBACK", ignored);
      error = step_error + " (migrating the schema to version " + std::to_string(next) + "; nothing was changed)";
      return false;
    }
    version_ = next;
  }
  return true;
}

ScanStore::~ScanStore() { sqlite3_close_v2(db_); }

std::optional<int64_t> ScanStore::begin_run(const RunRecord& run, std::string& error) {
  Statement insert(db_,
                   "INSERT INTO runs(started_at, judged_at, profile, targets_file, tool_version) VALUES(?,?,?,?,?)");
  if (!insert.ok()) {
    error = path_ + ": " + describe(insert.status());
    return std::nullopt;
  }
  insert.bind(1, run.started_at);
  insert.bind(2, run.judged_at);
  insert.bind(3, run.profile);
  insert.bind(4, run.targets_file);
  insert.bind(5, run.tool_version);
  if (insert.step() != SQLITE_DONE) {
    error = path_ + ": " + describe(insert.status());
    return std::nullopt;
  }
  return sqlite3_last_insert_rowid(db_);
}

bool ScanStore::add_endpoint(const EndpointRecord& endpoint, std::string& error) {
  if (!exec("BEGIN IMMEDIATE", error)) return false;
  auto fail = [&](int code) {
    error = path_ + ": " + describe(code);
    std::string ignored;
    exec("ROLLBACK", ignored);
    return false;
  };
  {
    Statement insert(db_,
                     "INSERT INTO endpoints(run_id, target, label, host, address, port, sni, probed_at, error, verdict, "
                     "client_auth, facts, leaf_sha256, leaf_not_after) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    if (!insert.ok()) return fail(insert.status());
    insert.bind(1, endpoint.run_id);
    insert.bind(2, endpoint.target);
    insert.bind(3, endpoint.label);
    insert.bind(4, endpoint.host);
    insert.bind(5, endpoint.address);
    insert.bind(6, static_cast<int64_t>(endpoint.port));
    insert.bind(7, endpoint.sni);
    insert.bind(8, endpoint.probed_at);
    insert.bind(9, endpoint.error);
    insert.bind(10, endpoint.verdict);
    insert.bind(11, endpoint.client_auth);
    insert.bind(12, endpoint.facts.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    insert.bind(13, endpoint.leaf_sha256);
    insert.bind(14, endpoint.leaf_not_after);
    if (insert.step() != SQLITE_DONE) return fail(insert.status());
  }
  const int64_t endpoint_id = sqlite3_last_insert_rowid(db_);
  for (const StoredFinding& finding : endpoint.findings) {
    Statement insert(db_, "INSERT INTO findings(endpoint_id, id, severity, subject) VALUES(?,?,?,?)");
    if (!insert.ok()) return fail(insert.status());
    insert.bind(1, endpoint_id);
    insert.bind(2, finding.id);
    insert.bind(3, finding.severity);
    insert.bind(4, finding.subject);
    if (insert.step() != SQLITE_DONE) return fail(insert.status());
  }
  std::string commit_error;
  if (!exec("COMMIT", commit_error)) {
    error = commit_error;
    std::string ignored;
    exec("ROLLBACK", ignored);
    return false;
  }
  return true;
}

bool ScanStore::finish_run(int64_t run_id, const std::string& finished_at, std::string& error) {
  Statement update(db_, "UPDATE runs SET finished_at = ? WHERE id = ?");
  if (!update.ok()) {
    error = path_ + ": " + describe(update.status());
    return false;
  }
  update.bind(1, finished_at);
  update.bind(2, run_id);
  if (update.step() != SQLITE_DONE) {
    error = path_ + ": " + describe(update.status());
    return false;
  }
  return true;
}

std::optional<std::vector<RunRecord>> ScanStore::runs(const std::string& since, std::string& error) {
  Statement query(db_,
                  "SELECT r.id, r.started_at, r.judged_at, r.profile, r.targets_file, r.tool_version, r.finished_at, "
                  "(SELECT count(*) FROM endpoints e WHERE e.run_id = r.id) FROM runs r WHERE r.started_at >= ? "
                  "ORDER BY r.id");
  if (!query.ok()) {
    error = path_ + ": " + describe(query.status());
    return std::nullopt;
  }
  query.bind(1, since);
  std::vector<RunRecord> out;
  while (query.step() == SQLITE_ROW) {
    RunRecord run;
    run.id = query.integer(0);
    run.started_at = query.text(1);
    run.judged_at = query.text(2);
    run.profile = query.text(3);
    run.targets_file = query.text(4);
    run.tool_version = query.text(5);
    run.finished_at = query.maybe_text(6);
    run.endpoints = query.integer(7);
    out.push_back(std::move(run));
  }
  if (query.status() != SQLITE_DONE) {
    error = path_ + ": " + describe(query.status());
    return std::nullopt;
  }
  return out;
}

std::optional<std::vector<EndpointRecord>> ScanStore::endpoints(std::string& error) {
  // Reads only version-1 columns, so a database not yet migrated is read too.
  Statement query(db_,
                  "SELECT id, run_id, target, label, host, address, port, sni, probed_at, error, verdict, client_auth, "
                  "facts FROM endpoints ORDER BY target, address, run_id, id");
  if (!query.ok()) {
    error = path_ + ": " + describe(query.status());
    return std::nullopt;
  }
  std::vector<EndpointRecord> out;
  while (query.step() == SQLITE_ROW) {
    EndpointRecord row;
    row.id = query.integer(0);
    row.run_id = query.integer(1);
    row.target = query.text(2);
    row.label = query.text(3);
    row.host = query.text(4);
    row.address = query.text(5);
    row.port = static_cast<int>(query.integer(6));
    row.sni = query.maybe_text(7);
    row.probed_at = query.text(8);
    row.error = query.maybe_text(9);
    row.verdict = query.text(10);
    row.client_auth = query.text(11);
    row.facts = nlohmann::json::parse(query.text(12), nullptr, false);
    if (row.facts.is_discarded() || !row.facts.is_object()) row.facts = nlohmann::json::object();
    if (row.facts.contains("leaf") && row.facts["leaf"].is_object()) {
      row.leaf_sha256 = row.facts["leaf"].value("sha256", "");
      row.leaf_not_after = row.facts["leaf"].value("not_after", "");
    }
    out.push_back(std::move(row));
  }
  if (query.status() != SQLITE_DONE) {
    error = path_ + ": " + describe(query.status());
    return std::nullopt;
  }
  Statement findings(db_, "SELECT endpoint_id, id, severity, subject FROM findings ORDER BY endpoint_id, id");
  if (!findings.ok()) {
    error = path_ + ": " + describe(findings.status());
    return std::nullopt;
  }
  std::unordered_map<int64_t, size_t> by_id;
  for (size_t i = 0; i < out.size(); ++i) by_id[out[i].id] = i;
  while (findings.step() == SQLITE_ROW) {
    auto it = by_id.find(findings.integer(0));
    if (it == by_id.end()) continue;
    out[it->second].findings.push_back({findings.text(1), findings.text(2), findings.text(3)});
  }
  if (findings.status() != SQLITE_DONE) {
    error = path_ + ": " + describe(findings.status());
    return std::nullopt;
  }
  return out;
}

}  // namespace tc
