#pragma once
// `--format html`: one self-contained HTML file (inline CSS and SVG, no
// script, no external fetch) — summary table by severity, findings with
// detail and remediation, notes and errors, the subcommand's facts (probe:
// the endpoint; pcap: the capture) and a ladder diagram per connection shown.
// Every string from the evidence is escaped.
#include <optional>
#include <string>
#include <vector>

#include "model/severity.h"
#include "report/document.h"

namespace tc {

struct HtmlOptions {
  std::string version;                         // trunkcheck's
  std::vector<std::string> deprecated_suites;  // "0x003d", from the profile
  std::optional<Severity> fail_on = Severity::high;  // nullopt: --fail-on none
};

std::string render_html(const ReportDocument& document, const HtmlOptions& options);

}  // namespace tc
