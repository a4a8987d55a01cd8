#pragma once
#include <functional>
#include <ostream>
#include <string>

#include "report/document.h"
#include "report/finding_texts.h"
#include "report/json_text.h"

namespace tc {

// The JSON contract of docs/output.md: tool, version, command, at, profile,
// findings, summary, errors, notes, then the subcommand's sections.
std::string render_json(const ReportDocument& document, std::string_view version);

}  // namespace tc

namespace tc {

// A JSON report whose one large array (e.g. "connections") is written element
// by element as the evidence arrives, so memory stays flat however many
// connections a capture holds. The other keys follow when finish() is called.
// Text is gathered in a buffer and written out in large pieces.
class JsonStreamWriter {
 public:
  JsonStreamWriter(std::ostream& out, std::string_view array_key);
  void add(const nlohmann::json& element);
  // Adds one element that `write(JsonText&)` appends as compact JSON text,
  // e.g. append_certificate_row: no DOM node for it.
  template <typename Write>
  void add_text(Write&& write) {
    begin_element();
    write(text_);
    end_element();
  }
  // Writes out what is buffered and flushes the stream.
  void flush();
  void finish(const ReportDocument& document, std::string_view version);
  // The same report, its findings[] and summary taken from `findings` (the
  // document's own findings are not read).
  void finish(const ReportDocument& document, std::string_view version, const FindingTexts& findings);

 private:
  void begin_element();
  // Writes the buffer out once it is large.
  void end_element();
  void write_buffer();
  void finish_with(const ReportDocument& document, std::string_view version, nlohmann::json findings_summary_json,
                   const std::function<void()>& write_findings);

  std::ostream& out_;
  JsonText text_;
  bool first_ = true;
};

}  // namespace tc
