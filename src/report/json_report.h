#pragma once
#include <ostream>
#include <string>

#include "report/document.h"

namespace tc {

// The JSON contract of docs/output.md: tool, version, command, at, profile,
// findings, summary, errors, notes, then the subcommand's sections.
std::string render_json(const ReportDocument& document, std::string_view version);

}  // namespace tc

namespace tc {

// A JSON report whose one large array (e.g. "connections") is written element
// by element as the evidence arrives, so memory stays flat however many
// connections a capture holds. The other keys follow when finish() is called.
class JsonStreamWriter {
 public:
  JsonStreamWriter(std::ostream& out, std::string_view array_key);
  void add(const nlohmann::json& element);
  // An element already rendered as compact JSON (element.dump()), e.g. on another thread.
  void add_serialized(std::string_view element);
  void finish(const ReportDocument& document, std::string_view version);

 private:
  std::ostream& out_;
  bool first_ = true;
};

}  // namespace tc
