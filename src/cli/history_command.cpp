#include "cli/history_command.h"

#include <memory>

#include "cli/common.h"
#include "report/scan_store.h"
#include "report/stored_facts.h"

namespace tc::cli {

namespace {

struct HistoryOptions {
  GlobalOptions global;
  std::string db_path = "trunkcheck.db";
  std::string since;
  std::string target;
};

int run_history(const HistoryOptions& options) {
  int exit_code = kExitOk;
  auto session = open_session(options.global, exit_code);
  if (!session) return exit_code;
  std::string since;
  if (!options.since.empty()) {
    auto parsed = parse_instant(options.since);
    if (!parsed) {
      print_error("--since: '" + options.since + "' is not an ISO 8601 date or date-time");
      return kExitUsage;
    }
    since = format_instant(*parsed);
  }
  std::string error;
  auto store = ScanStore::open(options.db_path, ScanStore::Mode::read_only, error);
  if (!store) {
    print_error(error);
    return kExitInput;
  }
  auto runs = store->runs(since, error);
  auto rows = runs ? store->endpoints(error) : std::nullopt;
  if (!runs || !rows) {
    print_error(error);
    return kExitInput;
  }
  HistoryReport history = build_history(*runs, *rows, since, options.target);
  ReportDocument document;
  document.command = "history";
  document.sections["history"] = {{"db", options.db_path},
                                  {"since", since.empty() ? nlohmann::json(nullptr) : nlohmann::json(since)},
                                  {"target", options.target.empty() ? nlohmann::json(nullptr) : nlohmann::json(options.target)}};
  document.sections["runs"] = history.runs;
  document.sections["changes"] = history.changes;
  document.text_sections = history.text;
  return emit_report(document, *session);
}

}  // namespace

void register_history_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<HistoryOptions>();
  CLI::App* command = app.add_subcommand("history", "What changed per endpoint between stored scans");
  command->add_option("--db", options->db_path, "SQLite history database")->default_str("trunkcheck.db");
  command->add_option("--since", options->since, "Only changes into runs started at or after this date (ISO 8601)");
  command->add_option("--target", options->target, "Only this target (host:port, host or label)");
  add_global_options(*command, options->global, {"text", "json"});
  command->callback([options, &exit_code] { exit_code = run_history(*options); });
}

}  // namespace tc::cli
