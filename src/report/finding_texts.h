#pragma once
// Findings kept as their JSON text from the moment they are judged, for
// reports with tens of thousands of them (a 10,000-certificate inventory has
// ~20,000): each Finding's DOM evidence is freed at once instead of being
// held, sorted and freed in one burst at exit, which cost more than judging.
// Holds what the report needs besides the text: the sort keys, the ids for
// the summary and the severities for the exit code.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "model/finding.h"
#include "report/json_text.h"

namespace tc {

struct FindingText {
  Severity severity = Severity::info;
  std::string id;
  std::string subject;
  std::string json;  // append_finding(…, 4): an element of the streamed report's findings[]
};

class FindingTexts {
 public:
  void add(const Finding& finding);
  // sort_findings' order (severity worst first, then id, then subject; stable).
  void sort();
  // findings_summary's {"<id>": count}.
  nlohmann::json summary() const;
  std::optional<Severity> worst() const;
  const std::vector<FindingText>& items() const { return items_; }

 private:
  std::vector<FindingText> items_;
  JsonText scratch_;
};

}  // namespace tc
