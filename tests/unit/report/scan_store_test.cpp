#include "report/scan_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "report/stored_facts.h"

namespace tc {
namespace {

namespace fs = std::filesystem;

class ScanStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("tc-store-" + std::to_string(getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  static std::string slurp(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream out;
    out << in.rdbuf();
    return out.str();
  }
  // Runs SQL on a raw connection (how an older trunkcheck left the file).
  static void raw(const std::string& file, const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
    char* message = nullptr;
    int code = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
    std::string text = message ? message : "";
    sqlite3_free(message);
    sqlite3_close(db);
    ASSERT_EQ(code, SQLITE_OK) << text;
  }
  static std::string raw_value(const std::string& file, const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_open(file.c_str(), &db);
    sqlite3_stmt* stmt = nullptr;
    std::string out = "<error>";
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(stmt, 0);
      out = text ? reinterpret_cast<const char*>(text) : "<null>";
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return out;
  }
  fs::path dir_;
};

EndpointRecord sample_endpoint(int64_t run, const std::string& sha, const std::string& client_auth) {
  EndpointRecord row;
  row.run_id = run;
  row.target = "sbc.example.com:5061";
  row.label = "London";
  row.host = "sbc.example.com";
  row.address = "192.0.2.1";
  row.port = 5061;
  row.probed_at = "2026-04-01T10:00:00Z";
  row.verdict = "Outbound calls from the platform work.";
  row.client_auth = client_auth;
  row.facts = {{"leaf", {{"sha256", sha}, {"not_after", "2026-10-01T00:00:00Z"}, {"subject", "CN=sbc.example.com"}}},
               {"suites_accepted", {"0xc030", "0x003d"}}};
  row.leaf_sha256 = sha;
  row.findings = {{"mtls-requested", "high", "sbc.example.com (192.0.2.1:5061)"}};
  return row;
}

TEST_F(ScanStoreTest, CreatesAVersionedWalDatabaseAndReadsBack) {
  std::string error;
  const std::string db = path("t.db");
  {
    auto store = ScanStore::open(db, ScanStore::Mode::read_write, error);
    ASSERT_TRUE(store) << error;
    EXPECT_EQ(store->schema_version(), ScanStore::kSchemaVersion);
    auto run = store->begin_run({0, "2026-04-01T09:00:00Z", "2026-04-01T00:00:00Z", "genesys-byoc-cloud", "t.txt", "0.1.0",
                                 std::nullopt, 0},
                                error);
    ASSERT_TRUE(run) << error;
    ASSERT_TRUE(store->add_endpoint(sample_endpoint(*run, "aa", "optional"), error)) << error;
    ASSERT_TRUE(store->finish_run(*run, "2026-04-01T09:01:00Z", error)) << error;
  }
  EXPECT_EQ(raw_value(db, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(raw_value(db, "PRAGMA user_version"), std::to_string(ScanStore::kSchemaVersion));
  EXPECT_EQ(raw_value(db, "PRAGMA integrity_check"), "ok");
  auto store = ScanStore::open(db, ScanStore::Mode::read_only, error);
  ASSERT_TRUE(store) << error;
  auto runs = store->runs("", error);
  ASSERT_TRUE(runs);
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ((*runs)[0].endpoints, 1);
  EXPECT_EQ(*(*runs)[0].finished_at, "2026-04-01T09:01:00Z");
  auto rows = store->endpoints(error);
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].client_auth, "optional");
  EXPECT_EQ((*rows)[0].facts["leaf"]["sha256"], "aa");
  ASSERT_EQ((*rows)[0].findings.size(), 1u);
  EXPECT_EQ((*rows)[0].findings[0].id, "mtls-requested");
  EXPECT_TRUE(store->runs("2026-05-01T00:00:00Z", error)->empty());
}

TEST_F(ScanStoreTest, MigratesAVersion1DatabaseKeepingItsRows) {
  const std::string db = path("v1.db");
  raw(db, std::string(scan_store_migrations()[0]) +
              "PRAGMA user_version=1;"
              "INSERT INTO runs VALUES(1,'2026-03-01T00:00:00Z','2026-03-01T00:00:00Z','genesys-byoc-cloud','t','0.0.9',NULL);"
              "INSERT INTO endpoints VALUES(1,1,'sbc.example.com:5061','','sbc.example.com','192.0.2.1',5061,NULL,"
              "'2026-03-01T00:00:00Z',NULL,'works','none',"
              "'{\"leaf\":{\"sha256\":\"beef\",\"not_after\":\"2026-09-01T00:00:00Z\"}}');"
              "INSERT INTO findings VALUES(1,'chain-incomplete','high','x');");
  std::string error;
  // A version-1 file is readable as it is …
  {
    auto reader = ScanStore::open(db, ScanStore::Mode::read_only, error);
    ASSERT_TRUE(reader) << error;
    EXPECT_EQ(reader->schema_version(), 1);
    EXPECT_EQ(reader->endpoints(error)->size(), 1u);
  }
  // … and upgraded when written to.
  auto store = ScanStore::open(db, ScanStore::Mode::read_write, error);
  ASSERT_TRUE(store) << error;
  EXPECT_EQ(store->schema_version(), 2);
  auto rows = store->endpoints(error);
  ASSERT_TRUE(rows) << error;
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].findings[0].id, "chain-incomplete");
  store.reset();
  EXPECT_EQ(raw_value(db, "SELECT leaf_sha256 FROM endpoints WHERE id = 1"), "beef");
  EXPECT_EQ(raw_value(db, "SELECT leaf_not_after FROM endpoints WHERE id = 1"), "2026-09-01T00:00:00Z");
  EXPECT_EQ(raw_value(db, "PRAGMA integrity_check"), "ok");
}

TEST_F(ScanStoreTest, RefusesNewerForeignAndNonDatabasesLeavingThemUntouched) {
  std::string error;
  const std::string newer = path("newer.db");
  raw(newer, "CREATE TABLE runs(id INTEGER PRIMARY KEY); PRAGMA user_version=99;");
  std::string before = slurp(newer);
  EXPECT_FALSE(ScanStore::open(newer, ScanStore::Mode::read_write, error));
  EXPECT_NE(error.find("schema version 99 is newer"), std::string::npos) << error;
  EXPECT_EQ(slurp(newer), before);

  const std::string foreign = path("foreign.db");
  raw(foreign, "CREATE TABLE contacts(name TEXT); INSERT INTO contacts VALUES('x');");
  before = slurp(foreign);
  EXPECT_FALSE(ScanStore::open(foreign, ScanStore::Mode::read_write, error));
  EXPECT_NE(error.find("did not create"), std::string::npos) << error;
  EXPECT_EQ(slurp(foreign), before);

  const std::string garbage = path("garbage.db");
  std::ofstream(garbage) << std::string(8192, 'x');
  before = slurp(garbage);
  EXPECT_FALSE(ScanStore::open(garbage, ScanStore::Mode::read_write, error));
  EXPECT_NE(error.find("not a SQLite database"), std::string::npos) << error;
  EXPECT_EQ(slurp(garbage), before);
  EXPECT_FALSE(fs::exists(garbage + "-wal"));

  EXPECT_FALSE(ScanStore::open(path("missing.db"), ScanStore::Mode::read_only, error));
  EXPECT_NE(error.find("no database here"), std::string::npos) << error;
  EXPECT_FALSE(ScanStore::open(dir_.string(), ScanStore::Mode::read_write, error));
  EXPECT_NE(error.find("is a directory"), std::string::npos) << error;
}

TEST(ScanHistory, ChangesBetweenConsecutiveRuns) {
  std::vector<RunRecord> runs = {{1, "2026-04-01T00:00:00Z", "2026-04-01T00:00:00Z", "p", "t", "v", std::nullopt, 1},
                                 {2, "2026-04-08T00:00:00Z", "2026-04-08T00:00:00Z", "p", "t", "v", std::nullopt, 1}};
  EndpointRecord first = sample_endpoint(1, "aa", "optional");
  EndpointRecord second = sample_endpoint(2, "bb", "none");
  second.facts["suites_accepted"] = {"0xc030", "0xc02f"};
  second.findings = {{"chain-incomplete", "high", "x"}};
  HistoryReport history = build_history(runs, {first, second}, "", "");
  std::vector<std::string> kinds;
  for (const auto& change : history.changes) kinds.push_back(change["kind"]);
  EXPECT_EQ(kinds, (std::vector<std::string>{"certificate-renewed", "client-auth-changed", "suites-changed",
                                             "findings-appeared", "findings-resolved"}));
  EXPECT_EQ(history.changes[0]["old"]["sha256"], "aa");
  EXPECT_EQ(history.changes[0]["new"]["sha256"], "bb");
  EXPECT_EQ(history.changes[1]["new"], "none");
  EXPECT_EQ(history.changes[2]["added"], nlohmann::json({"0xc02f"}));
  EXPECT_EQ(history.changes[2]["removed"], nlohmann::json({"0x003d"}));
  EXPECT_EQ(history.changes[3]["ids"], nlohmann::json({"chain-incomplete"}));
  EXPECT_EQ(history.changes[4]["ids"], nlohmann::json({"mtls-requested"}));
  EXPECT_EQ(history.runs.size(), 2u);
  // Only run 1 selected (since): no change ends in it.
  EXPECT_TRUE(build_history({runs[0]}, {first, second}, "", "").changes.empty());
  EXPECT_TRUE(build_history(runs, {first, second}, "", "other.example.com").changes.empty());
  EXPECT_EQ(build_history(runs, {first, second}, "", "London").changes.size(), 5u);
}

TEST(ScanHistory, ReachabilityChangesAreReported) {
  std::vector<RunRecord> runs = {{1, "a", "a", "p", "t", "v", std::nullopt, 1}, {2, "b", "b", "p", "t", "v", std::nullopt, 1}};
  EndpointRecord first = sample_endpoint(1, "aa", "none");
  EndpointRecord second = sample_endpoint(2, "aa", "unknown");
  second.error = "connection refused";
  HistoryReport history = build_history(runs, {first, second}, "", "");
  ASSERT_EQ(history.changes.size(), 1u);
  EXPECT_EQ(history.changes[0]["kind"], "unreachable");
}

}  // namespace
}  // namespace tc
