#pragma once
// A finding: one judged fact with a stable id from docs/findings.md.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/severity.h"

namespace tc {

struct Finding {
  std::string id;           // kebab-case, listed in the catalogue
  Severity severity = Severity::info;
  std::string title;        // one line, from the catalogue
  std::string detail;       // what was seen, naming direction and dates
  std::string remediation;  // what to change
  std::string subject;      // the certificate, file, connection or host judged
  nlohmann::json evidence = nlohmann::json::object();  // fingerprints, frames, codes
};

using Findings = std::vector<Finding>;

// The worst severity present, or nullopt for none.
std::optional<Severity> worst_severity(const Findings& findings);

}  // namespace tc
