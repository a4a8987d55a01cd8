#include "cli/trust_setup.h"

#include "policy/root_resolver.h"

namespace tc::cli {

TrustSetup build_trust(const Session& session, ReportDocument& document) {
  TrustSetup setup;
  auto system_report = setup.system.add_system(x509::system_certificate_directory());
  if (setup.system.size() == 0) {
    document.notes.push_back("no system trust store found at " + x509::system_certificate_directory() +
                             " (install ca-certificates); only --trust anchors are used");
  }
  add_profile_anchors(session.profile, setup.system, setup.store);
  if (!session.options.trust_paths.empty()) {
    auto report = setup.store.add_paths(session.options.trust_paths, x509::kSourceTrustFile);
    for (const auto& problem : report.problems) {
      document.errors.push_back("--trust " + problem.path + ": " + problem.message);
    }
  }
  return setup;
}

}  // namespace tc::cli
