#pragma once
// The findings catalogue: every id the rules may emit, with its severity,
// title and default remediation. docs/findings.md documents the same ids; a
// test keeps the two in step, and make_finding refuses ids not listed here.
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>

#include "model/finding.h"

namespace tc {

struct CatalogueEntry {
  std::string_view id;
  Severity severity;
  std::string_view title;
  std::string_view remediation;
};

std::span<const CatalogueEntry> finding_catalogue();
const CatalogueEntry* find_catalogue_entry(std::string_view id);

// Builds a finding from the catalogue entry. An id missing from the catalogue
// is a programming error: it aborts in every build so tests catch it.
Finding make_finding(std::string_view id, std::string subject, std::string detail,
                     nlohmann::json evidence = nlohmann::json::object());

}  // namespace tc
