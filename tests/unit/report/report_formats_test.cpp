// Escaping, the ladder SVG and the three report formats (HTML, Prometheus,
// JUnit) rendered from hand-made documents, including hostile strings.
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "report/html_report.h"
#include "report/junit_report.h"
#include "report/ladder_svg.h"
#include "report/markup_escape.h"
#include "report/prometheus_report.h"
#include "report/report_targets.h"

namespace tc {
namespace {

const std::string kHostile = "CN=<script>alert(\"x\")</script>&'\\\n\x01";

size_t count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

// The seed 000 failure: CertificateRequest, the platform's serverAuth-only
// certificate as client certificate, alert 43 from the endpoint.
nlohmann::json eku_rejected_connection(const std::string& leaf_subject = "CN=platform.example") {
  nlohmann::json chain = nlohmann::json::array(
      {{{"subject", leaf_subject}, {"issuer", "CN=Int"}, {"sha256", std::string(64, 'a')},
        {"not_after", "2027-01-31T00:00:00Z"}, {"eku", {"serverAuth"}}},
       {{"subject", "CN=Int"}, {"issuer", "CN=Root"}, {"sha256", std::string(64, 'b')},
        {"not_after", "2030-01-01T00:00:00Z"}, {"eku", nullptr}}});
  nlohmann::json messages = nlohmann::json::array();
  auto add = [&](const char* from, const char* type, int frame) {
    messages.push_back({{"from", from}, {"type", type}, {"frame", frame}});
  };
  add("client", "ClientHello", 4);
  add("server", "ServerHello", 6);
  add("server", "Certificate", 6);
  add("server", "CertificateRequest", 6);
  add("server", "ServerHelloDone", 6);
  add("client", "Certificate", 8);
  add("client", "ClientKeyExchange", 8);
  add("client", "CertificateVerify", 8);
  add("client", "ChangeCipherSpec", 8);
  add("client", "encrypted", 8);
  return {{"client", "198.51.100.10:40000"},
          {"server", "203.0.113.5:5061"},
          {"direction", "outbound"},
          {"first_frame", 1},
          {"version", "TLS 1.2"},
          {"client_offer", {"0xc02f", "0xc030", "0xc028", "0x003d"}},
          {"sni", "sbc.example.com"},
          {"cipher", "0x003d"},
          {"server_chain", chain},
          {"certificate_request", true},
          {"certificate_request_ca_names", {"CN=Root"}},
          {"client_certificates", 2},
          {"client_chain", chain},
          {"alerts", {{{"from", "server"}, {"level", 2}, {"description", 43}, {"name", "unsupported_certificate"},
                       {"frame", 10}}}},
          {"established", false},
          {"incomplete", false},
          {"anomalies", nlohmann::json::array()},
          {"findings", {"mtls-required", "client-cert-rejected-eku"}},
          {"messages", messages},
          {"sip", nullptr}};
}

TEST(MarkupEscape, EscapesMarkupAndQuotes) {
  EXPECT_EQ(markup_escape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;");
}

TEST(MarkupEscape, ReplacesControlCharactersAndInvalidUtf8) {
  EXPECT_EQ(markup_escape(std::string("a\x01" "b\x7f", 4)), "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
  EXPECT_EQ(markup_escape("tab\tnl\n"), "tab\tnl\n");
  EXPECT_EQ(markup_escape("\xff\xfe"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(markup_escape("\xc0\xaf"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
  EXPECT_EQ(markup_escape("caf\xc3\xa9 \xe2\x80\xa6"), "caf\xc3\xa9 \xe2\x80\xa6");
  EXPECT_EQ(markup_escape("\xe2\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // cut sequence
}

TEST(MarkupEscape, PrometheusLabelValues) {
  EXPECT_EQ(prometheus_label_escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  EXPECT_EQ(prometheus_label_escape("<ok>"), "<ok>");
}

TEST(Ladder, TruncatesOnCodePoints) {
  EXPECT_EQ(truncate_utf8("abcdef", 3), "abc…");
  EXPECT_EQ(truncate_utf8("\xc3\xa9\xc3\xa9\xc3\xa9", 2), "\xc3\xa9\xc3\xa9…");
  EXPECT_EQ(truncate_utf8("abc", 3), "abc");
}

TEST(Ladder, DrawsEveryMessageAndAlertInWireOrder) {
  std::string svg = render_ladder_svg(eku_rejected_connection(), {{"0x003d", "0xc028"}, "t1"});
  EXPECT_TRUE(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_EQ(count(svg, "class=\"arrow "), 11u);  // 10 messages + 1 alert
  // Wire order: ClientHello first, the alert last.
  EXPECT_LT(svg.find(">ClientHello<"), svg.find(">ServerHello<"));
  EXPECT_LT(svg.find("CertificateRequest"), svg.find("Certificate (client)"));
  EXPECT_LT(svg.find("Certificate (client)"), svg.find("Alert (fatal): 43 unsupported_certificate"));
  // Frames on the left.
  EXPECT_NE(svg.find("class=\"frame\">10<"), std::string::npos);
  // Lifelines with roles: the platform calls out to the customer endpoint.
  EXPECT_NE(svg.find("client: platform (calling out)"), std::string::npos);
  EXPECT_NE(svg.find("server: customer endpoint"), std::string::npos);
  EXPECT_NE(svg.find("203.0.113.5:5061"), std::string::npos);
}

TEST(Ladder, HighlightsFailureDeprecatedSuitesAndEmptyClientCertificate) {
  std::string svg = render_ladder_svg(eku_rejected_connection(), {{"0x003d", "0xc028"}, "t2"});
  // The alert and the rejected client Certificate are red.
  EXPECT_NE(svg.find("class=\"label fail\">Alert (fatal): 43 unsupported_certificate"), std::string::npos);
  EXPECT_NE(svg.find("class=\"label fail\">Certificate (client) <tspan class=\"fail\">✗ rejected"), std::string::npos);
  EXPECT_NE(svg.find("no clientAuth"), std::string::npos);
  EXPECT_EQ(count(svg, "class=\"failbox\""), 2u);
  // Offer: deprecated suites marked; ServerHello: the chosen deprecated suite highlighted.
  EXPECT_NE(svg.find("<tspan class=\"warn\">0x003d*</tspan>"), std::string::npos);
  EXPECT_NE(svg.find("<tspan class=\"warn\">0xc028*</tspan>"), std::string::npos);
  EXPECT_NE(svg.find("0xc02f "), std::string::npos);
  EXPECT_NE(svg.find("TLS_RSA_WITH_AES_256_CBC_SHA256 (0x003d)</tspan><tspan class=\"warn\"> — deprecated"),
            std::string::npos);
  EXPECT_NE(svg.find("class=\"label warn\">ServerHello<"), std::string::npos);
  EXPECT_NE(svg.find("class=\"label warn\">CertificateRequest<"), std::string::npos);
  // Markers are per-diagram (several ladders in one page).
  EXPECT_NE(svg.find("id=\"t2-f\""), std::string::npos);
  EXPECT_NE(svg.find("url(#t2-f)"), std::string::npos);

  nlohmann::json empty = eku_rejected_connection();
  empty["client_certificates"] = 0;
  empty["client_chain"] = nlohmann::json::array();
  empty["alerts"][0]["description"] = 116;
  empty["alerts"][0]["name"] = "certificate_required";
  svg = render_ladder_svg(empty, {{"0x003d"}, "t3"});
  EXPECT_NE(svg.find("empty: no client certificate sent"), std::string::npos);
  EXPECT_NE(svg.find("Alert (fatal): 116 certificate_required"), std::string::npos);
}

TEST(Ladder, BlamesTheEmptyClientCertificateNotTheClientHello) {
  // Alert 40 after an empty client Certificate (a server requiring one).
  nlohmann::json connection = eku_rejected_connection();
  connection["client_certificates"] = 0;
  connection["alerts"][0]["description"] = 40;
  connection["alerts"][0]["name"] = "handshake_failure";
  std::string svg = render_ladder_svg(connection, {{}, "t5"});
  EXPECT_NE(svg.find("Certificate (client) <tspan class=\"fail\">✗ rejected"), std::string::npos);
  EXPECT_EQ(svg.find("ClientHello <tspan"), std::string::npos);
  // Alert 40 straight after the ClientHello: no shared suite.
  connection["messages"] = nlohmann::json::array({{{"from", "client"}, {"type", "ClientHello"}, {"frame", 4}}});
  connection["alerts"][0]["frame"] = 5;
  svg = render_ladder_svg(connection, {{}, "t6"});
  EXPECT_NE(svg.find("ClientHello <tspan class=\"fail\">✗ rejected"), std::string::npos);
}

TEST(Ladder, HostileStringsRenderAsText) {
  nlohmann::json connection = eku_rejected_connection(kHostile);
  connection["server"] = "<img src=x onerror=alert(1)>";
  connection["sni"] = kHostile;
  std::string svg = render_ladder_svg(connection, {{}, "t\"><script>"});
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_EQ(svg.find("<img"), std::string::npos);
  EXPECT_NE(svg.find("&lt;script&gt;"), std::string::npos);
  EXPECT_EQ(svg.find('\x01'), std::string::npos);
}

TEST(Ladder, ConnectionWithoutMessagesSaysWhy) {
  nlohmann::json connection = {{"client", "a:1"}, {"server", "b:2"}, {"direction", "unknown"},
                               {"established", false}, {"anomalies", {"closed by the client before a ClientHello"}}};
  std::string svg = render_ladder_svg(connection, {{}, "t4"});
  EXPECT_NE(svg.find("no handshake message seen"), std::string::npos);
  EXPECT_NE(svg.find("ended: closed by the client before a ClientHello"), std::string::npos);
  EXPECT_NE(svg.find("client: client"), std::string::npos);
}

ReportDocument probe_document(const std::string& hostile = "") {
  ReportDocument document;
  document.command = "probe";
  document.profile = "genesys-byoc-cloud";
  document.at = *parse_instant("2026-04-01T00:00:00Z");
  nlohmann::json endpoint = {
      {"host", "sbc.example.com"},
      {"address", "192.0.2.1"},
      {"port", 5061},
      {"sni", "sbc.example.com"},
      {"outbound_verdict", "Outbound calls from the platform fail: " + hostile},
      {"platform_handshake", {{"completed", false}, {"error", "alert 116"}, {"connection", 0}}},
      {"client_auth", "required"},
      {"client_ca_names", {"CN=Root"}},
      {"eku_drill", {{{"certificate", "generated-server-auth"}, {"label", "generated, serverAuth only"},
                      {"client_auth_eku", false}, {"outcome", "rejected"}, {"alert", 43},
                      {"alert_name", "unsupported_certificate"}, {"error", nullptr}, {"connection", 1}}}},
      {"suites_accepted", {"0xc030", "0x003d"}},
      {"server_preference", true},
      {"versions", {{"TLS 1.2", true}, {"TLS 1.3", false}}},
      {"chain", {{{"subject", "CN=sbc.example.com" + hostile}, {"issuer", "CN=Int"}, {"sha256", std::string(64, 'c')},
                  {"not_after", "2026-06-30T00:00:00Z"}, {"eku", {"serverAuth"}}}}},
      {"sip", {{"status", 200}, {"reason", "OK"}, {"server", "kamailio" + hostile}, {"error", nullptr}}},
      {"notes", nlohmann::json::array()}};
  document.sections["endpoint"] = endpoint;
  document.sections["endpoints"] = nlohmann::json::array({endpoint});
  nlohmann::json first = eku_rejected_connection();
  first["server"] = "192.0.2.1:5061";
  first["purpose"] = "platform handshake";
  nlohmann::json second = first;
  second["purpose"] = "EKU drill: generated, serverAuth only";
  nlohmann::json third = first;
  third["purpose"] = "TLS 1.2 suites, group 1 of 2";
  document.sections["connections"] = nlohmann::json::array({first, second, third});
  Finding finding;
  finding.id = "mtls-required";
  finding.severity = Severity::critical;
  finding.title = "The server requires a client certificate";
  finding.detail = "detail " + hostile;
  finding.remediation = "Disable mutual TLS";
  finding.subject = "sbc.example.com (192.0.2.1:5061)" + hostile;
  finding.evidence["endpoint"] = {{"host", "sbc.example.com"}, {"address", "192.0.2.1"}, {"port", 5061}};
  document.findings.push_back(finding);
  finding.id = "cipher-deprecated-accepted";
  finding.severity = Severity::medium;
  document.findings.push_back(finding);
  document.notes.push_back("the platform's offer order is assumed" + hostile);
  return document;
}

TEST(Html, ProbeReportHasSummaryFindingsFactsAndLadders) {
  std::string html = render_html(probe_document(), {"0.1.0", {"0x003d", "0xc028"}, Severity::high});
  EXPECT_TRUE(html.starts_with("<!DOCTYPE html>"));
  EXPECT_NE(html.find("<table class=\"summary\">"), std::string::npos);
  EXPECT_NE(html.find("<span class=\"sev sev-critical\">critical</span>"), std::string::npos);
  EXPECT_NE(html.find("class=\"verdict sev-critical\""), std::string::npos);
  EXPECT_NE(html.find("<strong>Fix:</strong> Disable mutual TLS"), std::string::npos);
  EXPECT_NE(html.find("EKU drill"), std::string::npos);
  EXPECT_NE(html.find("Outbound calls from the platform fail"), std::string::npos);
  // Ladders for the platform handshake and the drill; the scan connection as a row.
  EXPECT_EQ(count(html, "<svg "), 2u);
  EXPECT_NE(html.find("TLS 1.2 suites, group 1 of 2"), std::string::npos);
  EXPECT_NE(html.find("0x003d*"), std::string::npos);
}

TEST(Html, SelfContainedAndEscaped) {
  std::string html = render_html(probe_document(kHostile), {"0.1.0", {"0x003d"}, Severity::high});
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
  // Nothing fetched: no external URL other than the SVG namespace name.
  std::regex url(R"((src|href)\s*=\s*["'](?!#))");
  EXPECT_FALSE(std::regex_search(html, url));
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  EXPECT_EQ(count(html, "http"), count(html, "http://www.w3.org/2000/svg") + count(html, "http-equiv"));
}

TEST(Html, PcapConnectionsAndLadderCapNote) {
  ReportDocument document;
  document.command = "pcap";
  document.at = *parse_instant("2026-04-01");
  document.sections["capture"] = {{"files", {"a.pcap"}}, {"frames", 12}, {"tls_connections", 1}};
  nlohmann::json connection = eku_rejected_connection();
  connection["similar_connections"] = 41;
  document.sections["connections"] = nlohmann::json::array({connection});
  document.sections["ladders"] = {{"connections", 42}, {"with_findings", 42}, {"drawn", 1}, {"not_drawn", 0}, {"cap", 50}};
  std::string html = render_html(document, {"0.1.0", {"0x003d"}, Severity::high});
  EXPECT_EQ(count(html, "<svg "), 1u);
  EXPECT_NE(html.find("41 more connections like this"), std::string::npos);
  EXPECT_NE(html.find("ladders drawn for 1 (at most 50"), std::string::npos);
  EXPECT_NE(html.find("No findings."), std::string::npos);
}

TEST(Prometheus, ProbeMetricsAndEscaping) {
  std::string text = render_prometheus(probe_document(kHostile), {{"0x003d", "0xc028"}});
  EXPECT_NE(text.find("# TYPE trunkcheck_finding gauge\n"), std::string::npos);
  EXPECT_NE(text.find("trunkcheck_finding{id=\"mtls-required\",severity=\"critical\",target=\"sbc.example.com:5061\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("trunkcheck_findings_total{severity=\"critical\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("trunkcheck_findings_total{severity=\"info\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("trunkcheck_probe_success{target=\"sbc.example.com:5061\",address=\"192.0.2.1\"} 0\n"),
            std::string::npos);
  EXPECT_NE(text.find("trunkcheck_client_auth_requested{target=\"sbc.example.com:5061\",address=\"192.0.2.1\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("trunkcheck_endpoint_suites_accepted{target=\"sbc.example.com:5061\",address=\"192.0.2.1\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("trunkcheck_endpoint_deprecated_suites_accepted{target=\"sbc.example.com:5061\",address=\"192.0.2.1\"} 1\n"),
            std::string::npos);
  // 2026-04-01T00:00:00Z and 2026-06-30T00:00:00Z as Unix seconds.
  EXPECT_NE(text.find("trunkcheck_last_run_timestamp_seconds{command=\"probe\",profile=\"genesys-byoc-cloud\"} 1775001600\n"),
            std::string::npos);
  EXPECT_NE(text.find("trunkcheck_cert_not_after_seconds{target=\"sbc.example.com:5061\",subject=\"CN=sbc.example.com"
                      "CN=<script>alert(\\\"x\\\")</script>&'\\\\\\n\xEF\xBF\xBD\",sha256=\"" +
                      std::string(64, 'c') + "\"} 1782777600\n"),
            std::string::npos)
      << text;
  // One HELP and TYPE per family; every sample line is name{labels} value.
  EXPECT_EQ(count(text, "# TYPE trunkcheck_finding "), 1u);
  std::istringstream lines(text);
  std::string line;
  std::regex sample(R"(^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*",?)*\})? -?[0-9.e+]+$)");
  while (std::getline(lines, line)) {
    if (line.starts_with("#")) continue;
    EXPECT_TRUE(std::regex_match(line, sample)) << line;
  }
}

TEST(Prometheus, PcapServersAndDuplicateFindingsOnce) {
  ReportDocument document;
  document.command = "pcap";
  document.at = *parse_instant("2026-04-01");
  document.sections["servers"] = nlohmann::json::array(
      {{{"server", "203.0.113.5:5061"}, {"connections", 3}, {"established", 1}, {"certificate_requests", 2},
        {"certificates", {{{"subject", "CN=a"}, {"sha256", "ab"}, {"not_after", "2026-06-30T00:00:00Z"}}}}}});
  Finding finding;
  finding.id = "cert-expiring-soon";
  finding.severity = Severity::medium;
  finding.evidence["examples"] = {{{"server", "203.0.113.5:5061"}, {"client", "x"}, {"first_frame", 1}}};
  document.findings = {finding, finding};
  std::string text = render_prometheus(document, {});
  EXPECT_EQ(count(text, "trunkcheck_finding{id=\"cert-expiring-soon\",severity=\"medium\",target=\"203.0.113.5:5061\"} 1"),
            1u);
  EXPECT_NE(text.find("trunkcheck_findings_total{severity=\"medium\"} 2"), std::string::npos);
  EXPECT_NE(text.find("trunkcheck_client_auth_requested{target=\"203.0.113.5:5061\"} 1"), std::string::npos);
  EXPECT_NE(text.find("trunkcheck_connections{target=\"203.0.113.5:5061\"} 3"), std::string::npos);
  EXPECT_EQ(text.find("trunkcheck_probe_success"), std::string::npos);
}

TEST(Junit, FailuresAtOrAboveFailOnSkippedBelowAndEscaped) {
  std::string xml = render_junit(probe_document(kHostile), {Severity::high, {"0x003d"}});
  EXPECT_TRUE(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "));
  EXPECT_NE(xml.find("tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"1\""), std::string::npos);
  EXPECT_NE(xml.find("<testcase classname=\"trunkcheck.probe.sbc.example.com:5061 192.0.2.1\" name=\"mtls-required\""),
            std::string::npos);
  EXPECT_NE(xml.find("<failure message=\"critical: The server requires a client certificate\" type=\"critical\">"),
            std::string::npos);
  EXPECT_NE(xml.find("<skipped message=\"medium: "), std::string::npos);
  EXPECT_EQ(xml.find("<script"), std::string::npos);
  EXPECT_EQ(xml.find('\x01'), std::string::npos);

  std::string none = render_junit(probe_document(), {std::nullopt, {}});
  EXPECT_EQ(none.find("<failure"), std::string::npos);
}

TEST(Junit, PassingCasePerTargetWithoutFindings) {
  ReportDocument document;
  document.command = "pcap";
  document.sections["servers"] = nlohmann::json::array({{{"server", "203.0.113.5:5061"}, {"connections", 1}}});
  std::string xml = render_junit(document, {Severity::high, {}});
  EXPECT_NE(xml.find("<testsuite name=\"203.0.113.5:5061\" tests=\"1\" failures=\"0\""), std::string::npos);
  EXPECT_NE(xml.find("name=\"no findings\""), std::string::npos);
}

}  // namespace
}  // namespace tc
