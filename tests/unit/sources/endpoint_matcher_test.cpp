#include <gtest/gtest.h>

#include "sources/endpoint_matcher.h"
#include "sources/evidence_completer.h"

namespace tc::sources {
namespace {

AddressPattern pattern(const char* text) {
  std::string error;
  auto parsed = parse_address_pattern(text, error);
  EXPECT_TRUE(parsed.has_value()) << text << ": " << error;
  return parsed.value_or(AddressPattern{});
}

TEST(AddressPattern, AddressesPrefixesAndPorts) {
  EXPECT_TRUE(matches(pattern("10.0.0.1"), "10.0.0.1:5061"));
  EXPECT_FALSE(matches(pattern("10.0.0.1"), "10.0.0.2:5061"));
  EXPECT_TRUE(matches(pattern("10.0.0.0/24"), "10.0.0.77:40000"));
  EXPECT_FALSE(matches(pattern("10.0.0.0/24"), "10.0.1.77:40000"));
  EXPECT_TRUE(matches(pattern("10.0.0.1:5061"), "10.0.0.1:5061"));
  EXPECT_FALSE(matches(pattern("10.0.0.1:5061"), "10.0.0.1:5062"));
  EXPECT_TRUE(matches(pattern("[2001:db8::1]:5061"), "[2001:db8::1]:5061"));
  EXPECT_TRUE(matches(pattern("2001:db8::/32"), "[2001:db8:1::5]:5061"));
  EXPECT_FALSE(matches(pattern("2001:db8::/32"), "10.0.0.1:5061"));
}

TEST(AddressPattern, BadInputSaysWhy) {
  std::string error;
  EXPECT_FALSE(parse_address_pattern("sbc.example.com", error));
  EXPECT_NE(error.find("is not an IP address"), std::string::npos);
  EXPECT_FALSE(parse_address_pattern("10.0.0.1/33", error));
  EXPECT_NE(error.find("prefix length must be 0 to 32"), std::string::npos);
  EXPECT_FALSE(parse_address_pattern("10.0.0.1:99999", error));
}

TEST(EndpointMatcher, DirectionFromEndpointPlatformAndNames) {
  Connection connection;
  connection.client = "198.51.100.10:40000";
  connection.server = "203.0.113.5:5061";
  EXPECT_EQ(EndpointMatcher({pattern("203.0.113.5")}, {}, {}).direction_of(connection), Direction::outbound);
  EXPECT_EQ(EndpointMatcher({}, {pattern("198.51.100.0/24")}, {}).direction_of(connection), Direction::outbound);
  EXPECT_EQ(EndpointMatcher({}, {pattern("203.0.113.5:5061")}, {}).direction_of(connection), Direction::inbound);
  EXPECT_EQ(EndpointMatcher({}, {}, {}).direction_of(connection), Direction::unknown);
  connection.sni = "lb01.byoc.mypurecloud.com";
  EXPECT_EQ(EndpointMatcher({}, {}, {"*.byoc.mypurecloud.com"}).direction_of(connection), Direction::inbound);
}

TEST(Ja3, Md5OfTheDomainVectors) {
  // DOMAIN.md §8.
  EXPECT_EQ(md5_hex("771,61-255,0-35-22-23-13,,"), "0edd08521da4dc0c42c1da2d48ef238f");
  EXPECT_EQ(md5_hex("771,61,65281-35-22-23"), "0a1b50ec9d6f653df97959bf4f28ce91");
}

}  // namespace
}  // namespace tc::sources
