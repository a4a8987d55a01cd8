#include "cli/roots_command.h"

#include <fmt/format.h>
#include <memory>

#include "cli/common.h"
#include "policy/root_resolver.h"
#include "x509/trust_store.h"

namespace tc::cli {

namespace {

nlohmann::json root_to_json(const ResolvedRoot& root) {
  return {{"vendor", root.vendor},     {"common_name", root.common_name}, {"subject_hash", root.subject_hash},
          {"found", root.found},       {"match", root.match},             {"subject", root.subject},
          {"sha256", root.sha256},     {"path", root.path}};
}

int run_roots(const GlobalOptions& options) {
  int exit_code = kExitOk;
  auto session = open_session(options, exit_code);
  if (!session) return exit_code;
  ReportDocument document;
  document.command = "roots";
  x509::TrustStore system(x509::TrustStore::Keys::deferred);  // names only: nothing is verified
  std::string directory = x509::system_certificate_directory();
  system.add_system(directory);
  if (system.size() == 0) {
    print_error(directory + ": no system trust store (install Debian's ca-certificates)");
    return kExitInput;
  }
  const Profile& profile = session->profile;
  nlohmann::json json_roots = nlohmann::json::array();
  auto add_section = [&](const std::string& heading, const std::vector<TrustedRootRow>& rows,
                         const std::vector<VendorFamily>& families, const char* key) {
    RootResolution resolution = resolve_profile_roots(rows, families, system);
    TextSection section{heading, {}};
    nlohmann::json entries = nlohmann::json::array();
    for (const auto& root : resolution.rows) {
      section.lines.push_back(fmt::format("{:<8}  {:<44}  {:<32}  {}", root.subject_hash, root.common_name,
                                          root.vendor,
                                          root.found ? "found (published row)" : "NOT FOUND in " + directory));
      entries.push_back(root_to_json(root));
    }
    for (const auto& root : resolution.family_matches) {
      section.lines.push_back(fmt::format("{:<8}  {:<44}  {:<32}  found (vendor family match, not a published row)",
                                          root.subject_hash, root.common_name, root.vendor));
      entries.push_back(root_to_json(root));
    }
    size_t found = 0;
    for (const auto& root : resolution.rows) found += root.found ? 1 : 0;
    section.lines.push_back(fmt::format("{} of {} published rows found; {} more system roots match a vendor family.",
                                        found, resolution.rows.size(), resolution.family_matches.size()));
    document.text_sections.push_back(std::move(section));
    document.sections[key] = entries;
  };
  if (profile.trust_system_store) {
    document.notes.push_back("profile " + profile.name + " trusts the whole system store (" +
                             std::to_string(system.size()) + " roots)");
    document.sections["roots"] = nlohmann::json::array();
  } else {
    add_section("Roots " + profile.platform + " trusts (customer certificates must chain to one)",
                profile.trusted_roots, profile.trusted_vendor_families, "roots");
    if (!profile.trusted_vendor_families.empty()) {
      document.notes.push_back("the platform's published root table is truncated; roots listed as 'vendor family "
                               "match' were matched by organisation name, not by a published row");
    }
  }
  if (!profile.platform_roots.empty()) {
    add_section("Roots the platform's own certificates chain to (customer endpoints must trust these)",
                profile.platform_roots, {}, "platform_roots");
  }
  return emit_report(document, *session);
}

}  // namespace

void register_roots_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<GlobalOptions>();
  CLI::App* command = app.add_subcommand("roots", "Show the profile's trusted roots as found in the system store");
  add_global_options(*command, *options, {"text", "json"});
  command->callback([options, &exit_code] { exit_code = run_roots(*options); });
}

}  // namespace tc::cli
