// The direct JSON writer for connections[] against the nlohmann tree it
// replaces: the same bytes for every field, hostile strings and SIP evidence
// included, and text that is not UTF-8 (U+FFFD, as the tree with error_handler_t::replace).
#include <gtest/gtest.h>

#include "report/connection_json.h"
#include "report/json_text.h"

namespace tc {
namespace {

CertificateFacts facts(const std::string& subject, bool with_eku) {
  CertificateFacts out;
  out.subject = subject;
  out.issuer = "CN=Int,O=Example\\, Inc.";
  out.sha256 = std::string(64, 'c');
  out.not_before = Instant{} + std::chrono::hours(24 * 365 * 50);
  out.not_after = out.not_before + std::chrono::hours(24 * 400) + std::chrono::seconds(59);
  out.has_eku_extension = with_eku;
  if (with_eku) out.eku = {"serverAuth", "clientAuth", "1.3.6.1.4.1.311.10.3.3"};
  out.san_dns = {"sbc.example.net", "*.example.net"};
  return out;
}

Connection full_connection() {
  Connection c;
  c.client = "10.0.0.1:40000";
  c.server = "[2001:db8::7]:5061";
  c.direction = Direction::outbound;
  c.first_frame = 12345678901ull;
  c.offered_versions = {0x0304, 0x0303, 0x0a0a, 0x7f17};
  c.client_offer = {0x1301, 0xc030, 0x0a0a, 0x00ff, 0x0004};
  c.sni = "sbc.example.net";
  c.ja3 = "99faefb55d94da8c713fd5c89f8dc5a1";
  c.version = 0x0303;
  c.cipher = 0xc030;
  c.server_chain = {facts("CN=sbc.example.net", true), facts("CN=Int", false)};
  c.client_chain = {facts("CN=client", true)};
  c.certificate_request = true;
  c.certificate_request_ca_names = {"CN=Root A", "O=\xc3\xa9t\xc3\xa9"};
  c.client_certificates = 1;
  c.alerts = {{Side::server, 2, 43, 17}, {Side::client, 0, std::nullopt, 20}, {Side::client, 1, 0, 21}};
  c.messages = {{Side::client, 1, 4, false}, {Side::server, 2, 6, false}, {Side::server, 99, 6, false},
                {Side::client, 256 + 20, 9, false}, {Side::client, 20, 9, true}};
  c.established = true;
  c.incomplete = true;
  c.anomalies = {"lost 1200 bytes", "capture began mid-connection"};
  return c;
}

std::string chain_text(const std::vector<CertificateFacts>& chain) {
  JsonText json;
  append_chain_json(json, chain);
  return json.text();
}

std::string direct(const Connection& c, const std::vector<std::string>& ids) {
  JsonText json;
  append_connection_json(json, c, ids, chain_text(c.server_chain), chain_text(c.client_chain));
  return json.text();
}

TEST(ConnectionJson, DirectTextIsTheTreesDump) {
  const Connection c = full_connection();
  const std::vector<std::string> ids = {"mtls-requested", "client-cert-rejected-eku"};
  EXPECT_EQ(direct(c, ids), connection_to_json(c, ids).dump());
  EXPECT_EQ(chain_text(c.server_chain), chain_to_json(c.server_chain).dump());
  EXPECT_EQ(chain_text({}), "[]");

  Connection empty;  // every optional absent, every list empty
  EXPECT_EQ(direct(empty, {}), connection_to_json(empty, {}).dump());
}

TEST(ConnectionJson, HostileStringsAreEscapedAsTheTreeDoes) {
  Connection c = full_connection();
  std::string every_control;
  for (int ch = 1; ch < 0x20; ++ch) every_control += static_cast<char>(ch);
  every_control += std::string("\"\\/\x7f") + '\0' + "end";
  c.sni = "<script>\"x\"</script>" + every_control;
  c.anomalies.push_back(every_control);
  c.server_chain[0].subject = "CN=\xe2\x82\xac \xf0\x9f\x98\x80 \xed\x9f\xbf " + every_control;
  c.server_chain[0].san_dns.push_back("\t\n");
  EXPECT_EQ(direct(c, {"a\"b"}), connection_to_json(c, {"a\"b"}).dump());
}

TEST(ConnectionJson, TextThatIsNotUtf8BecomesReplacementCharactersLikeTheTreeWithReplace) {
  for (const std::string bad : {"\xff", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "ab\xe2\x82", "\x80"}) {
    SCOPED_TRACE(bad);
    Connection c = full_connection();
    c.sip.emplace();
    c.sip->requests.push_back({});
    c.sip->requests.back().user_agent = bad;
    std::string text;
    ASSERT_NO_THROW(text = direct(c, {}));
    EXPECT_EQ(text, connection_to_json(c, {}).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    EXPECT_NE(text.find("\xef\xbf\xbd"), std::string::npos);  // U+FFFD
  }
}

TEST(ConnectionJson, SipEvidenceIsWrittenAsTheTreeDoes) {
  Connection c = full_connection();
  c.sip = SipEvidence{};
  EXPECT_EQ(direct(c, {}), connection_to_json(c, {}).dump());
  c.sip->requests.push_back({"OPTIONS", "sip:x@example.net", "SIP/2.0/TLS 10.0.0.1", "", "ua \"1\"", 200});
  c.sip->response = SipResponseSeen{200, "OK", "Kamailio"};
  c.sip->error = "no answer";
  EXPECT_EQ(direct(c, {}), connection_to_json(c, {}).dump());
}

}  // namespace
}  // namespace tc
