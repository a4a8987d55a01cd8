#include "report/document.h"

#include <algorithm>

namespace tc {

nlohmann::json findings_summary(const Findings& findings) {
  nlohmann::json counts = nlohmann::json::object();
  for (const auto& finding : findings) {
    counts[finding.id] = counts.value(finding.id, 0) + 1;
  }
  return counts;
}

void sort_findings(Findings& findings) {
  std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    if (a.severity != b.severity) return a.severity > b.severity;
    if (a.id != b.id) return a.id < b.id;
    return a.subject < b.subject;
  });
}

}  // namespace tc
