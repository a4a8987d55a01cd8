#pragma once
// One finding as JSON text, without a DOM node per field: the same bytes as
// finding_to_json(finding).dump(2) printed nested at `current_indent`.
#include "model/finding.h"
#include "report/json_text.h"

namespace tc {

void append_finding(JsonText& out, const Finding& finding, unsigned current_indent);

}  // namespace tc
