#include <gtest/gtest.h>

#include <variant>

#include "policy/cipher_registry.h"
#include "policy/profile_loader.h"

namespace tc {
namespace {

Profile load_or_fail(const std::string& name) {
  auto loaded = load_profile(name);
  if (auto* error = std::get_if<ProfileError>(&loaded)) {
    ADD_FAILURE() << error->message;
    return {};
  }
  return std::get<Profile>(loaded);
}

TEST(ProfileLoader, ShipsTheThreeProfilesOfTheFoundationIssue) {
  auto names = shipped_profile_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "genesys-byoc-cloud"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "generic-sip-tls"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "mtls-both-eku"), names.end());
}

TEST(ProfileLoader, GenesysProfileCarriesTheDomainFacts) {
  Profile profile = load_or_fail("genesys-byoc-cloud");
  EXPECT_EQ(profile.tls_versions, std::vector<uint16_t>{0x0303});
  EXPECT_EQ(profile.port, 5061);
  EXPECT_FALSE(profile.platform_requests_client_certificates);
  EXPECT_TRUE(profile.is_deprecated(0x003d));
  EXPECT_TRUE(profile.is_deprecated(0xc028));
  EXPECT_FALSE(profile.is_deprecated(0xc030));
  EXPECT_TRUE(profile.offer_order_assumed);
  // Seed 002: the deprecated suites come last in the platform's offer.
  ASSERT_GE(profile.offer_order.size(), 2u);
  std::vector<uint16_t> last_two(profile.offer_order.end() - 2, profile.offer_order.end());
  std::sort(last_two.begin(), last_two.end());
  EXPECT_EQ(last_two, (std::vector<uint16_t>{0x003d, 0xc028}));
  const TimelineEvent* renewal = profile.event("platform-cert-without-client-auth");
  ASSERT_NE(renewal, nullptr);
  EXPECT_EQ(format_date(renewal->date), "2026-03-09");
  ASSERT_EQ(profile.trusted_roots.size(), 10u);
  EXPECT_EQ(profile.trusted_roots[0].subject_hash, "930ac5d2");
  ASSERT_EQ(profile.lifetime_limits.size(), 4u);
  EXPECT_EQ(profile.lifetime_limits[1].max_days, 200);
  EXPECT_EQ(format_date(profile.lifetime_limits[3].issued_from), "2029-03-15");
}

TEST(ProfileLoader, MtlsProfileNeedsClientAuth) {
  Profile profile = load_or_fail("mtls-both-eku");
  EXPECT_TRUE(profile.needs_client_auth_eku);
  EXPECT_EQ(profile.default_purpose, "both");
}

TEST(ProfileLoader, UnknownNameListsTheShippedOnes) {
  auto loaded = load_profile("no-such-profile");
  ASSERT_TRUE(std::holds_alternative<ProfileError>(loaded));
  EXPECT_NE(std::get<ProfileError>(loaded).message.find("genesys-byoc-cloud"), std::string::npos);
}

TEST(ProfileLoader, BadFieldsNameTheFileAndThePath) {
  auto bad_json = parse_profile("{not json", "x.json");
  ASSERT_TRUE(std::holds_alternative<ProfileError>(bad_json));
  EXPECT_EQ(std::get<ProfileError>(bad_json).message, "x.json: not valid JSON");

  auto bad_suite = parse_profile(R"({"name":"p","tls_versions":["TLS 1.2"],"deprecated_suites":["0x003d","BOGUS"]})",
                                 "p.json");
  ASSERT_TRUE(std::holds_alternative<ProfileError>(bad_suite));
  EXPECT_EQ(std::get<ProfileError>(bad_suite).message, "p.json: $.deprecated_suites[1]: unknown cipher suite 'BOGUS'");

  auto bad_date = parse_profile(
      R"({"name":"p","tls_versions":["TLS 1.2"],"timeline":[{"id":"a","date":"2026-13-01","text":"t"}]})", "p.json");
  ASSERT_TRUE(std::holds_alternative<ProfileError>(bad_date));
  EXPECT_EQ(std::get<ProfileError>(bad_date).message,
            "p.json: $.timeline[0].date: '2026-13-01' is not an ISO 8601 date");

  auto bad_hash = parse_profile(
      R"({"name":"p","tls_versions":["TLS 1.2"],"trusted_roots":[{"vendor":"v","common_name":"c","subject_hash":"XYZ"}]})",
      "p.json");
  ASSERT_TRUE(std::holds_alternative<ProfileError>(bad_hash));
  EXPECT_NE(std::get<ProfileError>(bad_hash).message.find("$.trusted_roots[0].subject_hash"), std::string::npos);

  auto no_versions = parse_profile(R"({"name":"p","tls_versions":[]})", "p.json");
  ASSERT_TRUE(std::holds_alternative<ProfileError>(no_versions));
}

}  // namespace
}  // namespace tc
