#include <gtest/gtest.h>

#include "cli/pcap_connection_judge.h"
#include "report/finding_groups.h"
#include "rules/connection_rules.h"
#include "unit/rules/rules_test_support.h"

namespace tc::cli {
namespace {

using tc::testing::context_at;
using tc::testing::profile_named;

// A connection on which the server asks for a client certificate and aborts
// after an empty one (mtls-requested, mtls-required); every third chose 0x003d.
Connection required_certificate(const std::string& server, uint64_t frame) {
  Connection connection;
  connection.client = "198.51.100.10:" + std::to_string(40000 + frame);
  connection.server = server;
  connection.first_frame = frame;
  connection.version = 0x0303;
  connection.cipher = frame % 3 == 0 ? 0x003d : 0xc030;
  connection.certificate_request = true;
  connection.client_certificates = 0;
  connection.alerts = {{Side::server, 2, 40, frame + 5}};
  connection.messages = {{Side::client, 1, frame}, {Side::server, 2, frame + 1}, {Side::server, 13, frame + 1}};
  return connection;
}

nlohmann::json as_json(const Findings& findings) {
  nlohmann::json out = nlohmann::json::array();
  for (const Finding& finding : findings) {
    out.push_back({{"id", finding.id}, {"subject", finding.subject}, {"detail", finding.detail},
                   {"evidence", finding.evidence}, {"severity", static_cast<int>(finding.severity)}});
  }
  return out;
}

// The judge builds a handshake finding whole only for the first connection
// of its group; the report's groups must come out exactly as when every
// finding is built whole.
TEST(PcapConnectionJudge, GroupsMatchJudgingEveryConnectionWhole) {
  Profile profile = profile_named("genesys-byoc-cloud");
  RuleContext context = context_at(profile, "2026-04-01");
  x509::TrustStore trust;
  // 192.0.2.0/24 is the customer side: connections to it are outbound.
  std::string error;
  sources::EndpointMatcher matcher({*sources::parse_address_pattern("192.0.2.0/24", error)}, {}, {});
  ConnectionJudge judge(trust, matcher, context, ConnectionJudge::Listing::none, false);

  FindingGroups judged_groups, whole_groups;
  size_t brief = 0, whole = 0;
  for (uint64_t frame = 1; frame <= 60; ++frame) {
    const std::string server = frame % 2 ? "192.0.2.7:5061" : (frame % 4 ? "203.0.113.9:5061" : "203.0.113.10:5061");
    Connection connection = required_certificate(server, frame * 10);
    JudgedConnection judged = judge.judge(Connection(connection));
    connection.direction = judged.connection.direction;
    Findings reference = judge_handshake(connection, context);
    ASSERT_EQ(judged.findings.size(), reference.size());
    ASSERT_FALSE(reference.empty());
    (judged.findings.front().detail.empty() ? brief : whole)++;
    for (size_t i = 0; i < reference.size(); ++i) {
      EXPECT_EQ(judged.findings[i].id, reference[i].id);
      judged_groups.add(judged.findings[i], judged.connection);
      whole_groups.add(reference[i], connection);
    }
  }
  EXPECT_EQ(as_json(judged_groups.findings()), as_json(whole_groups.findings()));
  EXPECT_EQ(judged_groups.connections_per_id(), whole_groups.connections_per_id());
  // Three servers (one outbound, two unknown) and three ids make nine groups:
  // at most nine connections judged whole, the other 51 brief.
  EXPECT_LE(whole, 9u);
  EXPECT_GE(brief, 51u);
}

// For reports that read no connection whole (JSON, text, CSV) the judge frees
// what the tally does not read; HTML, Prometheus and JUnit keep everything.
TEST(PcapConnectionJudge, KeepsTheWholeConnectionOnlyForReportsThatReadIt) {
  Profile profile = profile_named("genesys-byoc-cloud");
  RuleContext context = context_at(profile, "2026-04-01");
  x509::TrustStore trust;
  sources::EndpointMatcher matcher({}, {}, {});
  for (bool whole : {false, true}) {
    ConnectionJudge judge(trust, matcher, context, ConnectionJudge::Listing::all, whole);
    Connection connection = required_certificate("192.0.2.7:5061", 10);
    connection.client_offer = {0xc030, 0x003d};
    connection.sni = "sbc.example.com";
    JudgedConnection judged = judge.judge(std::move(connection));
    // The listing was rendered from the whole connection either way.
    EXPECT_NE(judged.listing.find("\"client_offer\":[\"0xc030\",\"0x003d\"]"), std::string::npos) << judged.listing;
    EXPECT_EQ(judged.connection.server, "192.0.2.7:5061");
    EXPECT_EQ(judged.connection.first_frame, 10u);
    EXPECT_EQ(judged.connection.cipher, 0xc030);
    EXPECT_EQ(judged.connection.sni, "sbc.example.com");
    EXPECT_EQ(judged.connection.messages.size(), whole ? 3u : 0u);
    EXPECT_EQ(judged.connection.alerts.size(), whole ? 1u : 0u);
    EXPECT_EQ(judged.connection.client_offer.size(), whole ? 2u : 0u);
  }
}

}  // namespace
}  // namespace tc::cli
