#include "report/finding_json.h"

#include "model/severity.h"

namespace tc {

void append_finding(JsonText& out, const Finding& finding, unsigned current_indent) {
  // Keys in the order nlohmann's object (a std::map) keeps them: sorted.
  const unsigned inner = current_indent + 2;
  auto field = [&](std::string_view name, bool first) {
    out.raw(first ? "{\n" : ",\n");
    out.indent(inner);
    out.key(name, true);
  };
  field("detail", true);
  out.string(finding.detail);
  field("evidence", false);
  out.value(finding.evidence, 2, inner);
  field("id", false);
  out.string(finding.id);
  field("remediation", false);
  out.string(finding.remediation);
  field("severity", false);
  out.string(to_string(finding.severity));
  field("subject", false);
  out.string(finding.subject);
  field("title", false);
  out.string(finding.title);
  out.raw('\n');
  out.indent(current_indent);
  out.raw('}');
}

}  // namespace tc
