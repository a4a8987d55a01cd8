#pragma once
// What every subcommand shares: the global options of the output contract
// (docs/output.md), turning them into a judged session, and writing the
// report with the contract's exit codes.
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "model/instant.h"
#include "policy/profile.h"
#include "report/document.h"
#include "report/json_report.h"

namespace tc::cli {

enum ExitCode : int { kExitOk = 0, kExitFindings = 1, kExitUsage = 2, kExitInput = 3 };

struct GlobalOptions {
  std::string format = "text";
  std::string at_text;
  std::string profile_name = "genesys-byoc-cloud";
  std::vector<std::string> trust_paths;
  std::string fail_on = "high";
  bool verbose = false;
  bool no_colour = false;
  std::string output;
};

struct Session {
  GlobalOptions options;
  Instant at{};
  // The wall clock at start: only for what peers judge with their own clock
  // (validity of certificates generated for a live peer), never for rules.
  Instant now{};
  Profile profile;
  Severity fail_on = Severity::high;
};

// The report formats every judging subcommand writes (docs/output.md):
// text, json, and html, prometheus, junit (rendered from the same document).
inline const std::vector<std::string> kReportFormats = {"text", "json", "html", "prometheus", "junit"};

// Adds the contract's options to a subcommand (each subcommand carries them,
// so they may come before or after its own arguments).
void add_global_options(CLI::App& command, GlobalOptions& options, const std::vector<std::string>& formats);

// Reads the clock (only here), loads the profile. On failure prints the
// reason and returns the exit code in `exit_code`.
std::optional<Session> open_session(const GlobalOptions& options, int& exit_code);

// Writes the document in the chosen format to stdout or --output and returns
// the exit code: 1 when a finding is at or above --fail-on, else 0.
int emit_report(ReportDocument& document, const Session& session);

// Where a report goes: --output's file, else stdout.
class ReportOutput {
 public:
  explicit ReportOutput(const Session& session);
  // A file that could not be opened is never replaced by stdout: writes to
  // it fail and failed() reports it.
  std::ostream& stream() { return to_file_ ? static_cast<std::ostream&>(file_) : std::cout; }
  // Exit code 3 with a message when the file could not be written.
  bool failed(const Session& session);

 private:
  bool to_file_ = false;
  std::ofstream file_;
};

// The profile's deprecated suites as "0x003d" codes (HTML, Prometheus).
std::vector<std::string> deprecated_suite_codes(const Session& session);
// --fail-on as a severity; nullopt for "none".
std::optional<Severity> fail_on_of(const Session& session);

class StreamedReport;  // below

// Sorts the findings and fills the document's at/profile (before rendering).
void finalise_document(ReportDocument& document, const Session& session);
// 1 when a finding is at or above --fail-on, else 0.
int exit_code_for(const Findings& findings, const Session& session);
// The same from the worst severity found (nullopt: no finding).
int exit_code_for(std::optional<Severity> worst, const Session& session);
// A private key file readable by group or others: a warning on stderr and a
// note in the report (issue 7), naming the file, never quoting the key.
void warn_if_key_exposed(const std::string& key_path, ReportDocument& document);
// Prints an input/runtime error to stderr: "trunkcheck: <message>".
void print_error(const std::string& message);

// A report whose `connections[]` are written as they complete (JSON only, so
// memory stays flat); other formats collect the document and render it at the end.
class StreamedReport {
 public:
  StreamedReport(const Session& session, bool stream_json);
  // Adds one connection to the stream (flushed when `flush`: a live run's
  // JSON can be followed as it grows); false when not streaming.
  bool add(const nlohmann::json& connection, bool flush = false);
  // The same for a connection already rendered (connection.dump()).
  bool add_serialized(std::string_view connection, bool flush = false);
  [[nodiscard]] bool streaming() const { return stream_.has_value(); }
  // Renders (or ends the stream) and returns the contract's exit code.
  int finish(ReportDocument& document, const Session& session);
  // Ends the stream after a fatal input error so stdout stays valid JSON.
  void abandon(ReportDocument& document);

 private:
  std::optional<ReportOutput> output_;
  std::optional<JsonStreamWriter> stream_;
};

}  // namespace tc::cli
