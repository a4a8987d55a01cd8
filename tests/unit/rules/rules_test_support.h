#pragma once
// Builds CertificateFacts and contexts for rule tests: rules are pure, so
// their tests need no OpenSSL and no files.
#include <algorithm>
#include <string>
#include <variant>

#include "model/certificate.h"
#include "policy/profile_loader.h"
#include "rules/context.h"

namespace tc::testing {

inline CertificateFacts leaf_facts(std::string cn = "sbc.example.com") {
  CertificateFacts facts;
  facts.source = "leaf.pem";
  facts.common_name = cn;
  facts.subject = "CN=" + cn;
  facts.issuer = "CN=Example Issuing CA,O=Example";
  facts.sha256 = std::string(64, 'a');
  facts.not_before = *parse_instant("2026-04-01");
  facts.not_after = *parse_instant("2026-10-01");  // 183 days
  facts.has_eku_extension = true;
  facts.eku = {"serverAuth"};
  facts.key_usage = {"digitalSignature", "keyEncipherment"};
  facts.san_dns = {cn};
  facts.key_type = "RSA";
  facts.key_bits = 2048;
  facts.signature_algorithm = "sha256WithRSAEncryption";
  facts.has_crl_distribution_points = true;
  facts.crl_urls = {"http://crl.example/ca.crl"};
  return facts;
}

inline Profile profile_named(const std::string& name) {
  auto loaded = load_profile(name);
  return std::get<Profile>(loaded);
}

inline RuleContext context_at(const Profile& profile, const char* at, Purpose purpose = Purpose::server) {
  RuleContext context;
  context.at = *parse_instant(at);
  context.profile = &profile;
  context.purpose = purpose;
  return context;
}

inline std::vector<std::string> ids_of(const Findings& findings) {
  std::vector<std::string> ids;
  for (const auto& finding : findings) ids.push_back(finding.id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

inline bool has_id(const Findings& findings, const std::string& id) {
  return std::any_of(findings.begin(), findings.end(), [&](const Finding& f) { return f.id == id; });
}

}  // namespace tc::testing
