#include "policy/root_resolver.h"

#include <algorithm>

#include "model/text.h"
#include "x509/certificate_facts.h"
#include "x509/name_text.h"

namespace tc {

namespace {

// Case-insensitive, and only at the start of a word: "Entrust" must not
// match "IdenTrust".
bool contains_word_ignoring_case(std::string_view haystack, std::string_view needle) {
  for (size_t at = find_ignoring_case(haystack, needle); at != std::string_view::npos;
       at = find_ignoring_case(haystack, needle, at + 1)) {
    if (at == 0 || !std::isalnum(static_cast<unsigned char>(haystack[at - 1]))) return true;
  }
  return false;
}

ResolvedRoot describe(const x509::Anchor& anchor, std::string vendor, std::string match) {
  // Only the names: decoding every fact of each matched root cost more than reading them.
  std::string subject = x509::name_to_string(X509_get_subject_name(anchor.cert.get()));
  std::string common_name = x509::common_name_of(anchor.cert.get());
  ResolvedRoot root;
  root.vendor = std::move(vendor);
  root.common_name = common_name.empty() ? subject : std::move(common_name);
  root.subject_hash = anchor.subject_hash;
  root.found = true;
  root.match = std::move(match);
  root.subject = std::move(subject);
  root.sha256 = anchor.sha256;
  root.path = anchor.path;
  return root;
}

}  // namespace

RootResolution resolve_profile_roots(const std::vector<TrustedRootRow>& rows,
                                     const std::vector<VendorFamily>& families, const x509::TrustStore& system) {
  RootResolution resolution;
  std::vector<std::string> matched_sha256;
  for (const auto& row : rows) {
    ResolvedRoot resolved{row.vendor, row.common_name, row.subject_hash, false, "published row", {}, {}, {}};
    // Hashes collide: accept a candidate only when its CN is the published name.
    for (const x509::Anchor* anchor : system.find_by_subject_hash(row.subject_hash)) {
      if (x509::common_name_of(anchor->cert.get()) != row.common_name) continue;
      resolved = describe(*anchor, row.vendor, "published row");
      resolved.common_name = row.common_name;
      matched_sha256.push_back(anchor->sha256);
      break;
    }
    resolution.rows.push_back(std::move(resolved));
  }
  for (const auto& anchor : system.anchors()) {
    if (std::find(matched_sha256.begin(), matched_sha256.end(), anchor.sha256) != matched_sha256.end()) continue;
    std::string subject = x509::name_to_string(X509_get_subject_name(anchor.cert.get()));
    for (const auto& family : families) {
      bool hit = std::any_of(family.organisation_patterns.begin(), family.organisation_patterns.end(),
                             [&](const std::string& pattern) { return contains_word_ignoring_case(subject, pattern); });
      if (hit) {
        resolution.family_matches.push_back(describe(anchor, family.vendor, "vendor family"));
        break;
      }
    }
  }
  std::sort(resolution.family_matches.begin(), resolution.family_matches.end(),
            [](const ResolvedRoot& a, const ResolvedRoot& b) {
              return a.vendor != b.vendor ? a.vendor < b.vendor : a.common_name < b.common_name;
            });
  return resolution;
}

void add_profile_anchors(const Profile& profile, const x509::TrustStore& system, x509::TrustStore& out) {
  if (profile.trust_system_store) {
    for (const auto& anchor : system.anchors()) out.add(x509::share(anchor.cert.get()), "profile", anchor.path);
    return;
  }
  RootResolution resolution =
      resolve_profile_roots(profile.trusted_roots, profile.trusted_vendor_families, system);
  auto add_found = [&](const std::vector<ResolvedRoot>& roots) {
    for (const auto& root : roots) {
      if (!root.found) continue;
      for (const auto& anchor : system.anchors()) {
        if (anchor.sha256 == root.sha256) out.add(x509::share(anchor.cert.get()), "profile", anchor.path);
      }
    }
  };
  add_found(resolution.rows);
  add_found(resolution.family_matches);
}

}  // namespace tc
