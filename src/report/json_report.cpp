#include "report/json_report.h"

#include <iomanip>

#include "model/json_encoding.h"

namespace tc {

namespace {

nlohmann::ordered_json document_json(const ReportDocument& document, std::string_view version) {
  nlohmann::ordered_json out;
  out["tool"] = "trunkcheck";
  out["version"] = version;
  out["command"] = document.command;
  out["at"] = format_instant(document.at);
  out["profile"] = document.profile;
  nlohmann::json findings = nlohmann::json::array();
  for (const auto& finding : document.findings) findings.push_back(finding_to_json(finding));
  out["findings"] = std::move(findings);
  out["summary"] = {{"findings", document.summary_counts.value_or(findings_summary(document.findings))}};
  out["errors"] = document.errors;
  out["notes"] = document.notes;
  for (const auto& [key, value] : document.sections.items()) out[key] = value;
  return out;
}

}  // namespace

std::string render_json(const ReportDocument& document, std::string_view version) {
  return document_json(document, version).dump(2) + "\n";
}

JsonStreamWriter::JsonStreamWriter(std::ostream& out, std::string_view array_key) : out_(out) {
  out_ << "{\n  " << nlohmann::json(std::string(array_key)).dump() << ": [";
}

void JsonStreamWriter::add(const nlohmann::json& element) {
  out_ << (first_ ? "\n    " : ",\n    ") << element.dump();
  first_ = false;
}

void JsonStreamWriter::add_serialized(std::string_view element) {
  out_ << (first_ ? "\n    " : ",\n    ") << element;
  first_ = false;
}

void JsonStreamWriter::finish(const ReportDocument& document, std::string_view version) {
  // Key by key straight into the stream: no copy of the whole rest as one string.
  nlohmann::ordered_json rest = document_json(document, version);
  out_ << (first_ ? "]" : "\n  ]");
  for (const auto& [key, value] : rest.items()) {
    out_ << ",\n  " << nlohmann::json(key).dump() << ": " << std::setw(2) << value;
  }
  out_ << "\n}\n";
  out_.flush();
}

}  // namespace tc
