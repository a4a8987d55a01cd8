#include "report/finding_texts.h"

#include <algorithm>

#include "report/finding_json.h"

namespace tc {

void FindingTexts::add(const Finding& finding) {
  scratch_.clear();
  append_finding(scratch_, finding, 4);
  items_.push_back({finding.severity, finding.id, finding.subject, scratch_.text()});
}

void FindingTexts::sort() {
  std::stable_sort(items_.begin(), items_.end(), [](const FindingText& a, const FindingText& b) {
    if (a.severity != b.severity) return a.severity > b.severity;
    if (a.id != b.id) return a.id < b.id;
    return a.subject < b.subject;
  });
}

nlohmann::json FindingTexts::summary() const {
  nlohmann::json counts = nlohmann::json::object();
  for (const auto& item : items_) counts[item.id] = counts.value(item.id, 0) + 1;
  return counts;
}

std::optional<Severity> FindingTexts::worst() const {
  std::optional<Severity> worst;
  for (const auto& item : items_) {
    if (!worst || item.severity > *worst) worst = item.severity;
  }
  return worst;
}

}  // namespace tc
