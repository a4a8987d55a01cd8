#pragma once
// A scan target's own profile=, at= and trust= (the targets file's
// key=value overrides): each distinct combination gets its own session copy
// and trust store, built once before the probes start. Targets without
// overrides share the scan's.
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "cli/common.h"
#include "cli/trust_setup.h"
#include "sources/target_list.h"
#include "x509/trust_store.h"

namespace tc::cli {

struct TargetJudging {
  Session session;                     // the scan's, with the target's profile and --at
  const x509::TrustStore* trust = nullptr;
  std::optional<TrustSetup> own_trust; // when profile= or trust= changed the anchors
  std::string error;                   // profile or trust file unusable: the target is not probed
};

class TargetJudgings {
 public:
  TargetJudgings(const Session& scan_session, const x509::TrustStore& scan_trust);
  // Stable for the object's lifetime; safe to share read-only across threads.
  const TargetJudging& for_target(const sources::Target& target);

 private:
  TargetJudging scan_;
  std::map<std::string, std::unique_ptr<TargetJudging>> by_overrides_;
};

}  // namespace tc::cli
