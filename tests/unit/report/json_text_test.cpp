// The JSON written as text (no DOM) must be byte for byte what nlohmann's
// dump() printed before: strings, certificate rows, findings and the streamed
// report, each compared with the DOM-built reference.
#include <gtest/gtest.h>

#include <sstream>

#include "model/json_encoding.h"
#include "report/certificate_row_json.h"
#include "report/finding_json.h"
#include "report/finding_texts.h"
#include "report/json_report.h"
#include "report/json_text.h"

namespace tc {
namespace {

const std::vector<std::string> kStrings = {
    "",
    "CN=sbc.example.com,O=Example",
    "quote \" and backslash \\ and slash /",
    "controls \b\f\n\r\t \x01 \x1f end",
    "DEL \x7f stays",
    "UTF-8 Zürich 東京 \xF0\x9F\x94\x92",
    "CN=a\\,b+OU=c\\<d\\>",
};

std::string text_of_string(const std::string& value) {
  JsonText text;
  text.string(value);
  return text.text();
}

TEST(JsonText, StringsAsDumpWritesThem) {
  for (const auto& value : kStrings) EXPECT_EQ(text_of_string(value), nlohmann::json(value).dump()) << value;
}

TEST(JsonText, InvalidUtf8BecomesReplacementCharacterAsDumpWithReplace) {
  const std::string invalid = "bad \xC3\x28 byte";
  const std::string expected = nlohmann::json(invalid).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  EXPECT_EQ(text_of_string(invalid), expected);
  EXPECT_NE(expected.find("\xEF\xBF\xBD"), std::string::npos);  // U+FFFD, never an exception
}

TEST(JsonText, IntegersAndNestedValues) {
  for (int64_t number : {int64_t{0}, int64_t{-1}, int64_t{2048}, INT64_MIN, INT64_MAX}) {
    JsonText text;
    text.integer(number);
    EXPECT_EQ(text.text(), nlohmann::json(number).dump());
  }
  nlohmann::json value = {{"list", {1, "two", nullptr, true, 2.5}}, {"empty", nlohmann::json::object()},
                          {"none", nlohmann::json::array()}, {"nested", {{"k", "v"}}}};
  JsonText compact;
  compact.value(value);
  EXPECT_EQ(compact.text(), value.dump());
  JsonText pretty;
  pretty.value(value, 2, 0);
  EXPECT_EQ(pretty.text(), value.dump(2));
}

CertificateFacts sample_facts(const std::string& weird) {
  CertificateFacts facts;
  facts.source = "certs/" + weird + ".pem";
  facts.subject = "CN=" + weird + ",O=Example";
  facts.issuer = "CN=Issuing CA";
  facts.common_name = weird;
  facts.serial_hex = "01ab";
  facts.sha256 = std::string(64, 'c');
  facts.subject_hash = "0d71d547";
  facts.issuer_hash = "29dc0790";
  facts.not_before = *parse_instant("2025-01-01");
  facts.not_after = *parse_instant("2026-01-31T12:30:00Z");
  facts.has_eku_extension = true;
  facts.eku = {"serverAuth", "1.3.6.1.5.5.7.3.20"};
  facts.key_usage = {"digitalSignature"};
  facts.san_dns = {weird, "b.example"};
  facts.san_ip = {"192.0.2.1"};
  facts.san_uri = {"sip:" + weird};
  facts.key_type = "EC";
  facts.key_bits = 256;
  facts.signature_algorithm = "ecdsa-with-SHA256";
  facts.is_ca = false;
  facts.self_signed = false;
  facts.has_ocsp = true;
  facts.crl_urls = {"http://crl.example/" + weird};
  return facts;
}

std::string reference_row(const CertificateFacts& facts, const std::string& role,
                          const std::vector<std::string>& ids) {
  nlohmann::json entry = certificate_to_json(facts);
  entry["role"] = role;
  entry["findings"] = ids;
  return entry.dump();
}

TEST(CertificateRowJson, SameBytesAsTheDomRow) {
  for (const auto& weird : kStrings) {
    CertificateFacts facts = sample_facts(weird);
    std::vector<std::string> ids = {"cert-expired", "key-weak"};
    JsonText text;
    append_certificate_row(text, facts, "leaf", ids);
    EXPECT_EQ(text.text(), reference_row(facts, "leaf", ids)) << weird;
  }
  CertificateFacts bare;  // no EKU extension: "eku": null; every list empty
  JsonText text;
  append_certificate_row(text, bare, "root", {});
  EXPECT_EQ(text.text(), reference_row(bare, "root", {}));
}

Finding sample_finding(const std::string& weird, nlohmann::json evidence) {
  Finding finding;
  finding.id = "cert-expired";
  finding.severity = Severity::critical;
  finding.title = "Certificate has expired";
  finding.detail = "detail " + weird;
  finding.remediation = "Renew " + weird;
  finding.subject = "CN=" + weird;
  finding.evidence = std::move(evidence);
  return finding;
}

TEST(FindingJson, SameBytesAsTheDomFindingNested) {
  for (const auto& weird : kStrings) {
    for (const nlohmann::json& evidence :
         {nlohmann::json::object(), nlohmann::json{{"sha256", "ab"}, {"eku", {"serverAuth", weird}}, {"n", 3}},
          nlohmann::json{{"path", {{{"subject", weird}}}}, {"empty", nlohmann::json::array()}}}) {
      Finding finding = sample_finding(weird, evidence);
      // dump(2) of a one-element array prints the finding nested at column 2.
      std::string reference = nlohmann::json::array({finding_to_json(finding)}).dump(2);
      JsonText text;
      text.raw("[\n  ");
      append_finding(text, finding, 2);
      text.raw("\n]");
      EXPECT_EQ(text.text(), reference) << weird;
    }
  }
}

// The streamed report is render_json's text (the whole document's dump(2))
// but for the streamed array, whose elements are one line each.
std::string reference_stream(const ReportDocument& document, const std::vector<nlohmann::json>& elements) {
  std::ostringstream out;
  out << "{\n  \"certificates\": [";
  bool first = true;
  for (const auto& element : elements) {
    out << (first ? "\n    " : ",\n    ") << element.dump();
    first = false;
  }
  nlohmann::ordered_json rest;
  rest["tool"] = "trunkcheck";
  rest["version"] = "9.9";
  rest["command"] = document.command;
  rest["at"] = format_instant(document.at);
  rest["profile"] = document.profile;
  nlohmann::json findings = nlohmann::json::array();
  for (const auto& finding : document.findings) findings.push_back(finding_to_json(finding));
  rest["findings"] = std::move(findings);
  rest["summary"] = {{"findings", document.summary_counts.value_or(findings_summary(document.findings))}};
  rest["errors"] = document.errors;
  rest["notes"] = document.notes;
  for (const auto& [key, value] : document.sections.items()) rest[key] = value;
  out << (first ? "]" : "\n  ]");
  for (const auto& [key, value] : rest.items()) {
    // A value nested in the top-level object: its lines after the first indented by 2.
    std::string text = value.dump(2);
    for (size_t at = text.find('\n'); at != std::string::npos; at = text.find('\n', at + 3)) text.insert(at + 1, "  ");
    out << ",\n  " << nlohmann::json(key).dump() << ": " << text;
  }
  out << "\n}\n";
  return out.str();
}

std::string streamed(const ReportDocument& document, const std::vector<nlohmann::json>& elements) {
  std::ostringstream out;
  JsonStreamWriter writer(out, "certificates");
  for (const auto& element : elements) writer.add(element);
  writer.finish(document, "9.9");
  return out.str();
}

ReportDocument sample_document() {
  ReportDocument document;
  document.command = "cert";
  document.at = *parse_instant("2026-06-01");
  document.profile = "genesys-byoc-cloud";
  document.errors = {"a.pem: not a certificate"};
  document.notes = {"note \"quoted\""};
  document.sections["inventory"] = {{"certificates", 2}, {"until", "2026-08-30"}};
  document.sections["purpose"] = "server";
  for (const auto& weird : kStrings) {
    document.findings.push_back(sample_finding(weird, {{"sha256", "ab"}, {"eku", {"serverAuth"}}}));
  }
  return document;
}

TEST(JsonStreamWriter, SameBytesAsTheDomReport) {
  ReportDocument document = sample_document();
  std::vector<nlohmann::json> elements = {{{"a", 1}}, {{"b", {"x", "y"}}}};
  EXPECT_EQ(streamed(document, elements), reference_stream(document, elements));
  EXPECT_EQ(streamed(ReportDocument{}, {}), reference_stream(ReportDocument{}, {}));
  // With the array empty, render_json's bytes with the array as the first key.
  const std::string whole = render_json(document, "9.9");
  ASSERT_EQ(whole.substr(0, 4), "{\n  ");
  EXPECT_EQ(streamed(document, {}), "{\n  \"certificates\": [],\n  " + whole.substr(4));
}

TEST(JsonStreamWriter, SectionsNamedLikeContractKeysReplaceThemInPlace) {
  ReportDocument document = sample_document();
  document.sections["findings"] = "replaced";
  document.sections["notes"] = {{"n", 1}};
  EXPECT_EQ(streamed(document, {}), reference_stream(document, {}));
}

TEST(JsonStreamWriter, TextElementsMatchDomElements) {
  ReportDocument document = sample_document();
  CertificateFacts facts = sample_facts("row");
  std::ostringstream out;
  JsonStreamWriter writer(out, "certificates");
  writer.add_text([&](JsonText& text) { append_certificate_row(text, facts, "leaf", {"key-weak"}); });
  writer.finish(document, "9.9");
  nlohmann::json element = certificate_to_json(facts);
  element["role"] = "leaf";
  element["findings"] = {"key-weak"};
  EXPECT_EQ(out.str(), reference_stream(document, {element}));
}

TEST(FindingTexts, SameReportAsTheDocumentsFindings) {
  ReportDocument document = sample_document();
  // Unsorted, with ties on severity and id, as a judge produces them.
  document.findings.push_back(sample_finding("b", {{"n", 1}}));
  document.findings.back().severity = Severity::low;
  document.findings.push_back(sample_finding("a", {{"n", 2}}));
  document.findings.back().id = "key-weak";
  document.findings.push_back(sample_finding("a", {{"n", 3}}));
  FindingTexts texts;
  for (const auto& finding : document.findings) texts.add(finding);
  texts.sort();
  EXPECT_EQ(texts.worst(), worst_severity(document.findings));
  EXPECT_EQ(texts.summary(), findings_summary(document.findings));

  ReportDocument without = document;
  without.findings.clear();
  std::ostringstream from_texts;
  {
    JsonStreamWriter writer(from_texts, "certificates");
    writer.finish(without, "9.9", texts);
  }
  sort_findings(document.findings);
  EXPECT_EQ(from_texts.str(), reference_stream(document, {}));
  EXPECT_EQ(FindingTexts{}.worst(), std::nullopt);
}

}  // namespace
}  // namespace tc
