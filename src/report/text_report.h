#pragma once
#include <ostream>

#include "report/document.h"

namespace tc {

struct TextOptions {
  bool colour = false;   // ANSI colours (TTY and no NO_COLOR)
  bool verbose = false;  // detail and remediation under each finding
};

// Sections first, then findings grouped by severity (one line each), then a
// one-line verdict.
void render_text(const ReportDocument& document, const TextOptions& options, std::ostream& out);

}  // namespace tc
