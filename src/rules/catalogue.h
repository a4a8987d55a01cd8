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

// The same finding with only its id and severity: what a brief context
// (RuleContext::brief) emits instead of building text and evidence.
Finding make_brief_finding(std::string_view id);

// Adds finding `id` to `out`: the full finding `build()` makes, or only the
// id and severity when the context is brief.
template <class Build>
void add_finding(Findings& out, bool brief, std::string_view id, Build&& build) {
  out.push_back(brief ? make_brief_finding(id) : build());
}

}  // namespace tc
