#pragma once
#include <string>

#include "report/document.h"

namespace tc {

// The JSON contract of docs/output.md: tool, version, command, at, profile,
// findings, summary, errors, notes, then the subcommand's sections.
std::string render_json(const ReportDocument& document, std::string_view version);

}  // namespace tc
