#pragma once
// One report, whatever the subcommand: the findings plus the subcommand's own
// sections. Every output format renders this same document.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "model/finding.h"
#include "model/instant.h"

namespace tc {

struct TextSection {
  std::string heading;
  std::vector<std::string> lines;
};

struct ReportDocument {
  std::string command;            // "cert", "roots", "pcap" …
  Instant at{};
  std::string profile;
  Findings findings;
  nlohmann::json sections = nlohmann::json::object();  // "certificates", "connections", …
  std::vector<std::string> errors;  // input problems (also printed to stderr)
  std::vector<std::string> notes;   // assumptions the verdict rests on
  std::vector<TextSection> text_sections;  // how the sections read in text form
  std::string csv;                         // the --format csv body, where a subcommand has one
  // summary.findings when findings were grouped: connections per id.
  std::optional<nlohmann::json> summary_counts;
};

// {"<id>": count} over the findings.
nlohmann::json findings_summary(const Findings& findings);
// Stable order: severity (worst first), then id, then subject.
void sort_findings(Findings& findings);

}  // namespace tc
