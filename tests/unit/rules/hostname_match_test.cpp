#include <gtest/gtest.h>

#include "rules/cert_rules.h"
#include "rules/hostname_match.h"
#include "rules_test_support.h"

namespace tc {
namespace {

using testing::context_at;
using testing::ids_of;
using testing::leaf_facts;
using testing::profile_named;

TEST(HostnameMatch, ExactDnsNameMatchesBothReadings) {
  auto match = match_hostname(leaf_facts("sbc.example.com"), "SBC.Example.com.");
  EXPECT_TRUE(match.generic);
  EXPECT_TRUE(match.sip);
  EXPECT_FALSE(match.via_wildcard);
}

TEST(HostnameMatch, WildcardIsGenericOnly) {
  CertificateFacts facts = leaf_facts("*.example.com");
  auto match = match_hostname(facts, "sbc.example.com");
  EXPECT_TRUE(match.generic);
  EXPECT_TRUE(match.via_wildcard);
  EXPECT_FALSE(match.sip);
  EXPECT_FALSE(match_hostname(facts, "a.b.example.com").generic);  // one label only
  EXPECT_FALSE(match_hostname(facts, "example.com").generic);
  EXPECT_FALSE(match_hostname(leaf_facts("*.com"), "example.com").generic);
}

TEST(HostnameMatch, CommonNameOnlyWithoutSan) {
  CertificateFacts facts = leaf_facts("sbc.example.com");
  facts.san_dns = {"other.example.com"};
  EXPECT_FALSE(match_hostname(facts, "sbc.example.com").generic);
  facts.san_dns.clear();
  EXPECT_TRUE(match_hostname(facts, "sbc.example.com").generic);
  EXPECT_TRUE(match_hostname(facts, "sbc.example.com").sip);
}

TEST(HostnameMatch, SipUriSansTakePrecedenceUnderRfc5922) {
  CertificateFacts facts = leaf_facts("sbc.example.com");
  facts.san_uri = {"sip:voice.example.com"};
  auto dns_only = match_hostname(facts, "sbc.example.com");
  EXPECT_TRUE(dns_only.generic);
  EXPECT_FALSE(dns_only.sip);
  auto by_uri = match_hostname(facts, "voice.example.com");
  EXPECT_FALSE(by_uri.generic);
  EXPECT_TRUE(by_uri.sip);
}

TEST(HostnameMatch, IpAddressesAreRecognised) {
  EXPECT_TRUE(is_ip_literal("192.0.2.1"));
  EXPECT_TRUE(is_ip_literal("[2001:db8::1]"));
  EXPECT_FALSE(is_ip_literal("sbc.example.com"));
}

TEST(HostnameRules, FindingsSayWhichReadingFailed) {
  Profile profile = profile_named("genesys-byoc-cloud");
  auto context = context_at(profile, "2026-06-01");
  context.host = "other.example.com";
  auto findings = judge_hostname(leaf_facts("sbc.example.com"), context);
  ASSERT_EQ(ids_of(findings), std::vector<std::string>{"hostname-mismatch"});
  EXPECT_NE(findings[0].detail.find("RFC 6125"), std::string::npos);

  context.host = "sbc.example.com";
  EXPECT_EQ(ids_of(judge_hostname(leaf_facts("*.example.com"), context)),
            std::vector<std::string>{"hostname-wildcard"});
  context.host = "192.0.2.10";
  EXPECT_EQ(ids_of(judge_hostname(leaf_facts(), context)), std::vector<std::string>{"hostname-is-ip"});
  context.host = "sbc.example.com";
  EXPECT_TRUE(judge_hostname(leaf_facts(), context).empty());
}

}  // namespace
}  // namespace tc
