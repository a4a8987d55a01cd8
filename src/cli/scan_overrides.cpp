#include "cli/scan_overrides.h"

#include <variant>

#include "policy/profile_loader.h"

namespace tc::cli {

TargetJudgings::TargetJudgings(const Session& scan_session, const x509::TrustStore& scan_trust) {
  scan_.session = scan_session;
  scan_.trust = &scan_trust;
}

const TargetJudging& TargetJudgings::for_target(const sources::Target& target) {
  if (!target.profile && !target.at && !target.trust) return scan_;
  const std::string key = target.profile.value_or("") + '\n' + (target.at ? format_instant(*target.at) : "") + '\n' +
                          target.trust.value_or("");
  auto& slot = by_overrides_[key];
  if (slot) return *slot;
  slot = std::make_unique<TargetJudging>();
  TargetJudging& judging = *slot;
  judging.session = scan_.session;
  judging.trust = scan_.trust;
  if (target.at) judging.session.at = *target.at;
  if (target.profile) {
    auto loaded = load_profile(*target.profile);
    if (auto* error = std::get_if<ProfileError>(&loaded)) {
      judging.error = "profile=" + *target.profile + ": " + error->message;
      return judging;
    }
    judging.session.profile = std::get<Profile>(std::move(loaded));
    judging.session.options.profile_name = *target.profile;
  }
  if (target.profile || target.trust) {
    // The profile's roots always count; trust= replaces the scan's --trust files.
    if (target.trust) judging.session.options.trust_paths = {*target.trust};
    ReportDocument problems;
    judging.own_trust = build_trust(judging.session, problems);
    judging.trust = &judging.own_trust->store;
    if (!problems.errors.empty()) {
      std::string message = problems.errors.front();
      // build_trust names the option; here the value came from the targets file.
      if (message.rfind("--trust ", 0) == 0) message = "trust=" + message.substr(8);
      judging.error = message;
    }
  }
  return judging;
}

}  // namespace tc::cli
