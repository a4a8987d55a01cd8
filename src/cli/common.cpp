#include "cli/common.h"

#include <sys/stat.h>

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "policy/cipher_registry.h"
#include "policy/profile_loader.h"
#include "report/html_report.h"
#include "report/json_report.h"
#include "report/junit_report.h"
#include "report/prometheus_report.h"
#include "report/text_report.h"

namespace tc::cli {

void add_global_options(CLI::App& command, GlobalOptions& options, const std::vector<std::string>& formats) {
  command.add_option("--format", options.format, "Output format")
      ->check(CLI::IsMember(formats))
      ->default_str(options.format);
  command.add_option("--at", options.at_text, "Judge as of this moment (ISO 8601, UTC); default now");
  command.add_option("--profile", options.profile_name, "Profile name or JSON file")->default_str(options.profile_name);
  command.add_option("--trust", options.trust_paths, "Extra trust anchors (PEM/DER files or directories)");
  command.add_option("--fail-on", options.fail_on, "Exit 1 when a finding is at or above this severity")
      ->check(CLI::IsMember({"critical", "high", "medium", "low", "info", "none"}))
      ->default_str(options.fail_on);
  command.add_flag("-v,--verbose", options.verbose, "Show detail and remediation under each finding");
  command.add_flag("--no-color", options.no_colour, "Never colour the text output");
  command.add_option("-o,--output", options.output, "Write the report to this file instead of stdout");
}

void warn_if_key_exposed(const std::string& key_path, ReportDocument& document) {
  struct stat info {};
  if (stat(key_path.c_str(), &info) == 0 && (info.st_mode & 044) != 0) {
    std::string message = key_path + ": private key file is readable by group or others (chmod 600)";
    print_error("warning: " + message);
    document.notes.push_back(message);
  }
}

void print_error(const std::string& message) { std::cerr << "trunkcheck: " << message << "\n"; }

std::optional<Session> open_session(const GlobalOptions& options, int& exit_code) {
  Session session;
  session.options = options;
  // The one place the wall clock is read: the default for --at, and `now`.
  session.now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  if (options.at_text.empty()) {
    session.at = session.now;
  } else if (auto at = parse_instant(options.at_text)) {
    session.at = *at;
  } else {
    print_error("--at: '" + options.at_text + "' is not an ISO 8601 date or date-time (e.g. 2026-03-09T00:00:00Z)");
    exit_code = kExitUsage;
    return std::nullopt;
  }
  auto loaded = load_profile(options.profile_name);
  if (auto* error = std::get_if<ProfileError>(&loaded)) {
    print_error("--profile: " + error->message);
    exit_code = kExitUsage;
    return std::nullopt;
  }
  session.profile = std::get<Profile>(std::move(loaded));
  session.fail_on = options.fail_on == "none" ? Severity::critical : *parse_severity(options.fail_on);
  return session;
}

ReportOutput::ReportOutput(const Session& session) {
  to_file_ = !session.options.output.empty();
  if (to_file_) file_.open(session.options.output, std::ios::binary | std::ios::trunc);
}

bool ReportOutput::failed(const Session& session) {
  std::ostream& out = stream();
  out.flush();
  if (out) return false;
  print_error((session.options.output.empty() ? std::string("stdout") : session.options.output) +
              ": cannot write the report");
  return true;
}

void finalise_document(ReportDocument& document, const Session& session) {
  sort_findings(document.findings);
  document.at = session.at;
  document.profile = session.profile.name;
}

int exit_code_for(const Findings& findings, const Session& session) {
  return exit_code_for(worst_severity(findings), session);
}

int exit_code_for(std::optional<Severity> worst, const Session& session) {
  if (session.options.fail_on == "none") return kExitOk;
  return worst && *worst >= session.fail_on ? kExitFindings : kExitOk;
}

std::vector<std::string> deprecated_suite_codes(const Session& session) {
  std::vector<std::string> codes;
  for (uint16_t suite : session.profile.deprecated_suites) codes.push_back(format_suite_code(suite));
  return codes;
}

std::optional<Severity> fail_on_of(const Session& session) {
  if (session.options.fail_on == "none") return std::nullopt;
  return session.fail_on;
}

int emit_report(ReportDocument& document, const Session& session) {
  finalise_document(document, session);
  ReportOutput output(session);
  const std::string& format = session.options.format;
  if (format == "json") {
    output.stream() << render_json(document, TRUNKCHECK_VERSION);
  } else if (format == "text") {
    TextOptions text;
    text.verbose = session.options.verbose;
    const char* no_colour = std::getenv("NO_COLOR");
    text.colour = session.options.output.empty() && !session.options.no_colour &&
                  (no_colour == nullptr || *no_colour == '\0') && isatty(STDOUT_FILENO);
    render_text(document, text, output.stream());
  } else if (format == "html") {
    output.stream() << render_html(document, {TRUNKCHECK_VERSION, deprecated_suite_codes(session), fail_on_of(session)});
  } else if (format == "prometheus") {
    output.stream() << render_prometheus(document, {deprecated_suite_codes(session)});
  } else if (format == "junit") {
    output.stream() << render_junit(document, {fail_on_of(session), deprecated_suite_codes(session)});
  } else {
    output.stream() << document.csv;
  }
  if (output.failed(session)) return kExitInput;
  return exit_code_for(document.findings, session);
}

StreamedReport::StreamedReport(const Session& session, bool stream_json) {
  if (!stream_json) return;
  output_.emplace(session);
  stream_.emplace(output_->stream(), "connections");
}

bool StreamedReport::add(const nlohmann::json& connection, bool flush) {
  if (!stream_) return false;
  stream_->add(connection);
  if (flush) stream_->flush();
  return true;
}

bool StreamedReport::add_serialized(std::string_view connection, bool flush) {
  if (!stream_) return false;
  stream_->add_text([&](JsonText& text) { text.raw(connection); });
  if (flush) stream_->flush();
  return true;
}

int StreamedReport::finish(ReportDocument& document, const Session& session) {
  if (!stream_) return emit_report(document, session);
  finalise_document(document, session);
  stream_->finish(document, TRUNKCHECK_VERSION);
  if (output_->failed(session)) return kExitInput;
  return exit_code_for(document.findings, session);
}

void StreamedReport::abandon(ReportDocument& document) {
  if (stream_) stream_->finish(document, TRUNKCHECK_VERSION);
}

}  // namespace tc::cli
