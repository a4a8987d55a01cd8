#include "report/json_report.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "model/json_encoding.h"
#include "report/finding_json.h"

namespace tc {

namespace {

// Buffered text is written out past this size.
constexpr size_t kWriteOutBytes = 64 * 1024;

// One top-level key of the report and its value; `findings` marks the slot
// the document's findings fill (written without a DOM by the stream writer).
struct TopLevelEntry {
  std::string key;
  nlohmann::json value;
  bool findings = false;
};

// The contract's keys in order, then the sections. A section named like an
// earlier key replaces its value in place (as ordered_json's operator[] does).
// `findings_summary_json` is summary.findings.
std::vector<TopLevelEntry> top_level_entries(const ReportDocument& document, std::string_view version,
                                             nlohmann::json findings_summary_json) {
  std::vector<TopLevelEntry> entries;
  entries.push_back({"tool", "trunkcheck"});
  entries.push_back({"version", version});
  entries.push_back({"command", document.command});
  entries.push_back({"at", format_instant(document.at)});
  entries.push_back({"profile", document.profile});
  entries.push_back({"findings", nullptr, true});
  entries.push_back({"summary", {{"findings", std::move(findings_summary_json)}}});
  entries.push_back({"errors", document.errors});
  entries.push_back({"notes", document.notes});
  for (const auto& [section_key, value] : document.sections.items()) {
    const std::string& key = section_key;  // clang 14 cannot capture a structured binding
    auto same = std::find_if(entries.begin(), entries.end(), [&](const TopLevelEntry& e) { return e.key == key; });
    if (same == entries.end()) {
      entries.push_back({key, value});
    } else {
      same->value = value;
      same->findings = false;
    }
  }
  return entries;
}

nlohmann::json summary_of(const ReportDocument& document) {
  return document.summary_counts.value_or(findings_summary(document.findings));
}

nlohmann::ordered_json document_json(const ReportDocument& document, std::string_view version) {
  nlohmann::ordered_json out;
  for (auto& entry : top_level_entries(document, version, summary_of(document))) {
    if (entry.findings) {
      nlohmann::json findings = nlohmann::json::array();
      for (const auto& finding : document.findings) findings.push_back(finding_to_json(finding));
      out[entry.key] = std::move(findings);
    } else {
      out[entry.key] = std::move(entry.value);
    }
  }
  return out;
}

}  // namespace

std::string render_json(const ReportDocument& document, std::string_view version) {
  // Text from the wire that is not UTF-8 (SIP headers, say) becomes U+FFFD
  // rather than an exception: a report is always written.
  return document_json(document, version).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

JsonStreamWriter::JsonStreamWriter(std::ostream& out, std::string_view array_key) : out_(out) {
  text_.raw("{\n  ");
  text_.string(array_key);
  text_.raw(": [");
}

void JsonStreamWriter::begin_element() {
  text_.raw(first_ ? "\n    " : ",\n    ");
  first_ = false;
}

void JsonStreamWriter::end_element() {
  if (text_.size() >= kWriteOutBytes) write_buffer();
}

void JsonStreamWriter::write_buffer() {
  out_.write(text_.text().data(), static_cast<std::streamsize>(text_.size()));
  text_.clear();
}

void JsonStreamWriter::add(const nlohmann::json& element) {
  begin_element();
  text_.value(element);
  end_element();
}

void JsonStreamWriter::flush() {
  write_buffer();
  out_.flush();
}

void JsonStreamWriter::finish(const ReportDocument& document, std::string_view version) {
  finish_with(document, version, summary_of(document), [&] {
    // As render_json's dump(2) prints the array, a value of the top-level object.
    if (document.findings.empty()) {
      text_.raw("[]");
      return;
    }
    text_.raw("[\n");
    for (size_t i = 0; i < document.findings.size(); ++i) {
      if (i > 0) text_.raw(",\n");
      text_.indent(4);
      append_finding(text_, document.findings[i], 4);
      end_element();
    }
    text_.raw("\n  ]");
  });
}

void JsonStreamWriter::finish(const ReportDocument& document, std::string_view version,
                              const FindingTexts& findings) {
  finish_with(document, version, findings.summary(), [&] {
    const auto& items = findings.items();
    if (items.empty()) {
      text_.raw("[]");
      return;
    }
    text_.raw("[\n");
    for (size_t i = 0; i < items.size(); ++i) {
      if (i > 0) text_.raw(",\n");
      text_.indent(4);
      text_.raw(items[i].json);
      end_element();
    }
    text_.raw("\n  ]");
  });
}

void JsonStreamWriter::finish_with(const ReportDocument& document, std::string_view version,
                                   nlohmann::json findings_summary_json, const std::function<void()>& write_findings) {
  // Key by key, each value indented as render_json's dump(2) prints it
  // inside the top-level object; the findings without a DOM.
  text_.raw(first_ ? "]" : "\n  ]");
  for (const auto& entry : top_level_entries(document, version, std::move(findings_summary_json))) {
    text_.raw(",\n  ");
    text_.string(entry.key);
    text_.raw(": ");
    if (entry.findings) {
      write_findings();
    } else {
      text_.value(entry.value, 2, 2);
    }
    end_element();
  }
  text_.raw("\n}\n");
  flush();
}

}  // namespace tc
