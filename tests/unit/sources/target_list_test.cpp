#include "sources/target_list.h"

#include <gtest/gtest.h>

namespace tc::sources {
namespace {

TEST(TargetList, PlainLinesWithLabelsKeysAndComments) {
  auto list = parse_target_list(
      "# trunks\n"
      "\n"
      "sbc1.example.com                 # default port\n"
      "sbc2.example.com:5062 London SBC sni=sip.example.com timeout=2.5\n"
      "[2001:db8::1]:5061 v6 address=2001:db8::1\n"
      "192.0.2.7 carrier client-cert=c.pem client-key=k.pem\r\n");
  ASSERT_EQ(list.problems.size(), 0u) << list.problems[0].message;
  ASSERT_EQ(list.targets.size(), 4u);
  EXPECT_FALSE(list.csv);
  EXPECT_EQ(list.targets[0].spec(), "sbc1.example.com:5061");
  EXPECT_EQ(list.targets[0].line, 3u);
  EXPECT_EQ(list.targets[0].label, "");
  EXPECT_EQ(list.targets[1].label, "London SBC");
  EXPECT_EQ(list.targets[1].port, 5062);
  EXPECT_EQ(*list.targets[1].sni, "sip.example.com");
  EXPECT_DOUBLE_EQ(*list.targets[1].timeout_seconds, 2.5);
  EXPECT_EQ(list.targets[2].host, "2001:db8::1");
  EXPECT_EQ(list.targets[2].spec(), "[2001:db8::1]:5061");
  EXPECT_EQ(*list.targets[2].address, "2001:db8::1");
  EXPECT_EQ(*list.targets[3].client_key, "k.pem");
}

TEST(TargetList, BadLinesAreReportedWithLineNumbersAndTheRestIsUsed) {
  auto list = parse_target_list(
      "good.example.com\n"
      "bad!host:5061\n"
      "good2.example.com:70000\n"
      "x.example.com colour=red\n"
      "y.example.com timeout=500\n"
      "z.example.com address=not-an-ip\n"
      "w.example.com client-cert=c.pem\n"
      "v.example.com sni=a sni=b\n"
      "u.example.com a=b label\n"
      "good.example.com:5061 again\n"
      "last.example.com\n");
  ASSERT_EQ(list.targets.size(), 2u);
  EXPECT_EQ(list.targets[1].host, "last.example.com");
  ASSERT_EQ(list.problems.size(), 9u);
  EXPECT_EQ(list.problems[0].line, 2u);
  EXPECT_EQ(list.problems[1].line, 3u);
  EXPECT_NE(list.problems[1].message.find("port must be 1-65535"), std::string::npos);
  EXPECT_NE(list.problems[2].message.find("unknown key 'colour'"), std::string::npos);
  EXPECT_NE(list.problems[3].message.find("between 0.1 and 120"), std::string::npos);
  EXPECT_NE(list.problems[5].message.find("go together"), std::string::npos);
  EXPECT_NE(list.problems[6].message.find("given twice"), std::string::npos);
  EXPECT_EQ(list.problems[8].line, 10u);
  EXPECT_NE(list.problems[8].message.find("duplicate of line 1"), std::string::npos);
}

TEST(TargetList, ProfileAtAndTrustOverridesInPlainAndCsvLines) {
  auto list = parse_target_list(
      "lab.example.com lab profile=generic-sip-tls at=2027-03-15 trust=/etc/lab-ca.pem\n"
      "x.example.com at=15/03/2027\n"
      "y.example.com profile=a profile=b\n");
  ASSERT_EQ(list.targets.size(), 1u);
  EXPECT_EQ(*list.targets[0].profile, "generic-sip-tls");
  EXPECT_EQ(format_instant(*list.targets[0].at), "2027-03-15T00:00:00Z");
  EXPECT_EQ(*list.targets[0].trust, "/etc/lab-ca.pem");
  ASSERT_EQ(list.problems.size(), 2u);
  EXPECT_EQ(list.problems[0].line, 2u);
  EXPECT_NE(list.problems[0].message.find("not an ISO 8601 date"), std::string::npos);
  EXPECT_NE(list.problems[1].message.find("given twice"), std::string::npos);

  auto csv = parse_target_list("host,profile,at,trust\nsbc.example.com,mtls-both-eku,2026-12-01T10:00:00Z,ca.pem\n");
  ASSERT_EQ(csv.problems.size(), 0u) << csv.problems[0].message;
  ASSERT_EQ(csv.targets.size(), 1u);
  EXPECT_EQ(*csv.targets[0].profile, "mtls-both-eku");
  EXPECT_EQ(format_instant(*csv.targets[0].at), "2026-12-01T10:00:00Z");
  EXPECT_EQ(*csv.targets[0].trust, "ca.pem");
}

TEST(TargetList, BareIpv6WithoutPortIsAcceptedWithBracketsForAPort) {
  auto list = parse_target_list("2001:db8::5\n[::1]:5070\n[::1\n");
  ASSERT_EQ(list.targets.size(), 2u);
  EXPECT_EQ(list.targets[0].port, 5061);
  EXPECT_EQ(list.targets[1].port, 5070);
  ASSERT_EQ(list.problems.size(), 1u);
  EXPECT_EQ(list.problems[0].line, 3u);
}

TEST(TargetList, CsvWithHeader) {
  auto list = parse_target_list(
      "host,port,label,sni,timeout\n"
      "sbc1.example.com,5062,\"London, north\",sip.example.com,3\n"
      "[::1],,v6,,\n"
      "bad host,,x,,\n"
      "sbc3.example.com,abc,,,\n");
  EXPECT_TRUE(list.csv);
  ASSERT_EQ(list.targets.size(), 2u);
  EXPECT_EQ(list.targets[0].label, "London, north");
  EXPECT_EQ(list.targets[0].port, 5062);
  EXPECT_EQ(*list.targets[0].sni, "sip.example.com");
  EXPECT_EQ(list.targets[1].spec(), "[::1]:5061");
  ASSERT_EQ(list.problems.size(), 2u);
  EXPECT_EQ(list.problems[0].line, 4u);
  EXPECT_EQ(list.problems[1].line, 5u);
}

TEST(TargetList, CsvWithoutHeader) {
  auto list = parse_target_list("sbc1.example.com:5061,first,sni=a.example.com\nsbc2.example.com,,timeout=1\n");
  ASSERT_EQ(list.problems.size(), 0u) << list.problems[0].message;
  ASSERT_EQ(list.targets.size(), 2u);
  EXPECT_EQ(list.targets[0].label, "first");
  EXPECT_EQ(*list.targets[0].sni, "a.example.com");
  EXPECT_DOUBLE_EQ(*list.targets[1].timeout_seconds, 1);
}

TEST(TargetList, CapsOnLineLengthTargetsAndProblems) {
  TargetListLimits limits;
  limits.max_line_bytes = 40;
  limits.max_targets = 3;
  limits.max_problems = 2;
  std::string text = std::string(100, 'a') + ".example.com\n";
  for (int i = 0; i < 10; ++i) text += "h" + std::to_string(i) + ".example.com\n";
  auto list = parse_target_list(text, limits);
  EXPECT_EQ(list.targets.size(), 3u);
  EXPECT_TRUE(list.truncated);
  ASSERT_EQ(list.problems.size(), 2u);
  EXPECT_EQ(list.problems[0].line, 1u);
  EXPECT_NE(list.problems[1].message.find("more than 3 targets"), std::string::npos);
  EXPECT_EQ(list.problems[1].line, 5u);

  limits.max_targets = 100;
  auto noisy = parse_target_list(std::string(50, '\n') + "bad!\nbad!!\nbad!!!\nok.example.com\n", limits);
  EXPECT_EQ(noisy.problems.size(), 2u);
  EXPECT_EQ(noisy.problems_total, 3u);
  EXPECT_EQ(noisy.targets.size(), 1u);
}

TEST(TargetList, ControlCharactersAndEmptyInput) {
  EXPECT_TRUE(parse_target_list("").targets.empty());
  auto list = parse_target_list(std::string("a.example.com\0x\nb.example.com\n", 30));
  ASSERT_EQ(list.targets.size(), 1u);
  EXPECT_EQ(list.targets[0].host, "b.example.com");
  EXPECT_EQ(list.problems.size(), 1u);
}

}  // namespace
}  // namespace tc::sources
