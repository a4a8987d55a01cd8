#include "cli/trust_setup.h"

#include "policy/root_resolver.h"

namespace tc::cli {

TrustSetup build_trust(const Session& session, ReportDocument& document, TrustUse use) {
  TrustSetup setup;
  const std::string system_directory = x509::system_certificate_directory();
  bool system_found = false;
  if (use == TrustUse::verify) {
    // Only the anchors taken into `store` need their keys, unless the profile trusts them all.
    if (!session.profile.trust_system_store) setup.system = x509::TrustStore(x509::TrustStore::Keys::deferred);
    setup.system.add_system(system_directory);
    system_found = setup.system.size() > 0;
    add_profile_anchors(session.profile, setup.system, setup.store);
  } else {
    system_found = x509::system_store_has_certificates(system_directory);
  }
  if (!system_found) {
    document.notes.push_back("no system trust store found at " + system_directory +
                             " (install ca-certificates); only --trust anchors are used");
  }
  if (!session.options.trust_paths.empty()) {
    // Read either way: an unreadable --trust file is reported in every mode.
    auto report = setup.store.add_paths(session.options.trust_paths, x509::kSourceTrustFile);
    for (const auto& problem : report.problems) {
      document.errors.push_back("--trust " + problem.path + ": " + problem.message);
    }
  }
  return setup;
}

}  // namespace tc::cli
