#include "report/json_report.h"

#include "model/json_encoding.h"

namespace tc {

std::string render_json(const ReportDocument& document, std::string_view version) {
  nlohmann::ordered_json out;
  out["tool"] = "trunkcheck";
  out["version"] = version;
  out["command"] = document.command;
  out["at"] = format_instant(document.at);
  out["profile"] = document.profile;
  nlohmann::json findings = nlohmann::json::array();
  for (const auto& finding : document.findings) findings.push_back(finding_to_json(finding));
  out["findings"] = std::move(findings);
  out["summary"] = {{"findings", document.summary_counts.value_or(findings_summary(document.findings))}};
  out["errors"] = document.errors;
  out["notes"] = document.notes;
  for (const auto& [key, value] : document.sections.items()) out[key] = value;
  return out.dump(2) + "\n";
}

}  // namespace tc
