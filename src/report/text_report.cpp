#include "report/text_report.h"

#include <array>
#include <fmt/format.h>

namespace tc {

namespace {

std::string_view colour_of(Severity severity) {
  switch (severity) {
    case Severity::critical: return "\033[1;35m";
    case Severity::high: return "\033[1;31m";
    case Severity::medium: return "\033[33m";
    case Severity::low: return "\033[36m";
    case Severity::info: break;
  }
  return "\033[2m";
}

std::string upper(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

void render_text(const ReportDocument& document, const TextOptions& options, std::ostream& out) {
  const char* reset = options.colour ? "\033[0m" : "";
  const char* bold = options.colour ? "\033[1m" : "";
  for (const auto& section : document.text_sections) {
    out << bold << section.heading << reset << "\n";
    for (const auto& line : section.lines) out << "  " << line << "\n";
    out << "\n";
  }
  constexpr std::array kOrder = {Severity::critical, Severity::high, Severity::medium, Severity::low, Severity::info};
  for (Severity severity : kOrder) {
    bool heading_done = false;
    for (const auto& finding : document.findings) {
      if (finding.severity != severity) continue;
      if (!heading_done) {
        out << (options.colour ? colour_of(severity) : "") << upper(to_string(severity)) << reset << "\n";
        heading_done = true;
      }
      out << "  " << (options.colour ? colour_of(severity) : "") << finding.id << reset << "  " << finding.subject
          << ": " << finding.title << "\n";
      if (options.verbose) {
        out << "      " << finding.detail << "\n";
        out << "      fix: " << finding.remediation << "\n";
      }
    }
    if (heading_done) out << "\n";
  }
  for (const auto& note : document.notes) out << "note: " << note << "\n";
  for (const auto& error : document.errors) out << "error: " << error << "\n";
  std::array<size_t, 5> counts{};
  for (const auto& finding : document.findings) ++counts[static_cast<size_t>(finding.severity)];
  if (document.findings.empty()) {
    out << "No findings.\n";
  } else {
    out << fmt::format("{} findings: {} critical, {} high, {} medium, {} low, {} info.{}\n", document.findings.size(),
                       counts[4], counts[3], counts[2], counts[1], counts[0],
                       options.verbose ? "" : " Run with -v for details and remediation.");
  }
}

}  // namespace tc
