#pragma once
// The scan history store: SQLite, one file (./trunkcheck.db by default).
//
// - WAL mode, synchronous=NORMAL: every committed endpoint survives the
//   process being killed (SIGKILL included); the file stays consistent.
// - One transaction per finished endpoint (its row and its findings).
// - A versioned schema (PRAGMA user_version) upgraded by migrations in order,
//   each in its own transaction; application_id marks the file as ours.
//   A database of a newer version, of another application, or not SQLite at
//   all is refused and left untouched: nothing stored is ever dropped.
// - Facts only: certificates (subject, fingerprints, dates, EKU), client
//   authentication, suites, versions, SIP status, verdicts, findings. No key
//   material reaches this layer (the probe never has the platform's keys, and
//   the user's --client-key stays in the credential object).
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace tc {

struct RunRecord {
  int64_t id = 0;
  std::string started_at;   // wall clock at start, ISO 8601 UTC
  std::string judged_at;    // --at
  std::string profile;
  std::string targets_file;
  std::string tool_version;
  std::optional<std::string> finished_at;  // nullopt: the scan did not finish (killed, crashed)
  int64_t endpoints = 0;    // rows stored for the run (filled when read)
};

struct StoredFinding {
  std::string id;
  std::string severity;
  std::string subject;
};

struct EndpointRecord {
  int64_t id = 0;
  int64_t run_id = 0;
  std::string target;       // "host:port"
  std::string label;
  std::string host;
  std::string address;      // empty when the name did not resolve
  int port = 0;
  std::optional<std::string> sni;
  std::string probed_at;    // ISO 8601 UTC (wall clock when the probe finished)
  std::optional<std::string> error;
  std::string verdict;      // the outbound verdict sentence, or the error
  std::string client_auth;  // none|optional|required|unknown
  std::optional<std::string> leaf_sha256;
  std::optional<std::string> leaf_not_after;
  nlohmann::json facts = nlohmann::json::object();  // the probe's endpoint object + leaf/anchor
  std::vector<StoredFinding> findings;
};

class ScanStore {
 public:
  static constexpr int kSchemaVersion = 2;
  static constexpr int32_t kApplicationId = 0x74726b63;  // "trkc"

  enum class Mode { read_write, read_only };
  // nullptr with `error` set when the file cannot be used (it is then left as it was).
  static std::unique_ptr<ScanStore> open(const std::string& path, Mode mode, std::string& error);
  ~ScanStore();
  ScanStore(const ScanStore&) = delete;
  ScanStore& operator=(const ScanStore&) = delete;

  int schema_version() const { return version_; }
  std::optional<int64_t> begin_run(const RunRecord& run, std::string& error);
  // One transaction: the endpoint row and its findings.
  bool add_endpoint(const EndpointRecord& endpoint, std::string& error);
  bool finish_run(int64_t run_id, const std::string& finished_at, std::string& error);

  // Runs started at or after `since` (ISO text; empty: all), oldest first.
  std::optional<std::vector<RunRecord>> runs(const std::string& since, std::string& error);
  // Every endpoint row (with findings), by target, address, then run.
  std::optional<std::vector<EndpointRecord>> endpoints(std::string& error);

 private:
  explicit ScanStore(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  bool exec(const char* sql, std::string& error);
  bool migrate(std::string& error);
  std::string describe(int code) const;

  sqlite3* db_ = nullptr;
  std::string path_;
  int version_ = 0;
};

// The schema each migration reaches, in order (index 0 → version 1). Exposed
// so a test can build an old database exactly as that version left it.
const std::vector<const char*>& scan_store_migrations();

}  // namespace tc
