#pragma once
// Resolves a profile's trusted roots against the system trust store: the
// published rows by subject hash (then full name, since hashes collide), the
// truncated rest of the table by vendor family. Builds the trust store that
// chains are verified against.
#include <string>
#include <vector>

#include "policy/profile.h"
#include "x509/trust_store.h"

namespace tc {

struct ResolvedRoot {
  std::string vendor;
  std::string common_name;   // as published, or the system root's CN for family matches
  std::string subject_hash;
  bool found = false;        // present in the system store
  std::string match;         // "published row" or "vendor family"
  std::string subject;       // the system root's full subject, when found
  std::string sha256;
  std::string path;
};

struct RootResolution {
  std::vector<ResolvedRoot> rows;            // one per published row, found or not
  std::vector<ResolvedRoot> family_matches;  // system roots matched by vendor family
};

RootResolution resolve_profile_roots(const std::vector<TrustedRootRow>& rows,
                                     const std::vector<VendorFamily>& families, const x509::TrustStore& system);

// The anchors chains are judged against: the profile's resolved roots (or the
// whole system store for profiles that trust it), labelled "profile".
void add_profile_anchors(const Profile& profile, const x509::TrustStore& system, x509::TrustStore& out);

}  // namespace tc
