#include "cli/cert_command.h"

#include <sys/stat.h>

#include <fmt/format.h>
#include <fstream>
#include <memory>
#include <sstream>

#include "cli/common.h"
#include "cli/inventory_counts.h"
#include "cli/trust_setup.h"
#include "policy/cipher_registry.h"
#include "report/certificate_row_json.h"
#include "report/csv_report.h"
#include "report/json_report.h"
#include "rules/catalogue.h"
#include "rules/cert_rules.h"
#include "rules/lifetime.h"
#include "x509/certificate_file.h"
#include "x509/chain_builder.h"
#include "x509/crl.h"
#include "sources/cert_files.h"

namespace tc::cli {

namespace {

struct CertOptions {
  GlobalOptions global;
  std::vector<std::string> paths;
  std::string host;
  std::string purpose;
  bool each = false;
  std::string password;
  std::string password_file;
  std::string crl_path;
  std::string until_text;
};

struct LoadedCertificate {
  x509::X509Ptr cert;
  CertificateFacts facts;
};

x509::Purpose verify_purpose(Purpose purpose) {
  return purpose == Purpose::client ? x509::Purpose::client : x509::Purpose::server;
}

std::string eku_text(const CertificateFacts& facts) {
  if (!facts.has_eku_extension) return "(no EKU: any)";
  return fmt::format("{}", fmt::join(facts.eku, "+"));
}

// Reads --password-file's first line; the password itself is never echoed.
std::optional<std::string> read_password_file(const std::string& path) {
  std::ifstream file(path);
  if (!file) return std::nullopt;
  std::string line;
  std::getline(file, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

int run_cert(CertOptions& options) {
  int exit_code = kExitOk;
  auto session = open_session(options.global, exit_code);
  if (!session) return exit_code;
  auto purpose = parse_purpose(options.purpose.empty() ? session->profile.default_purpose : options.purpose);
  std::optional<Instant> until;
  if (!options.until_text.empty()) {
    until = parse_instant(options.until_text);
    if (!until) {
      print_error("--until: '" + options.until_text + "' is not an ISO 8601 date");
      return kExitUsage;
    }
  }
  x509::InputOptions input;
  if (!options.password_file.empty()) {
    auto password = read_password_file(options.password_file);
    if (!password) {
      print_error(options.password_file + ": cannot read the password file");
      return kExitInput;
    }
    input.password = std::move(password);
  } else if (!options.password.empty()) {
    input.password = options.password;
  }

  ReportDocument document;
  document.command = "cert";
  // JSON keeps each finding as its text from the moment it is judged (see
  // report/finding_texts.h); text and CSV render the document's findings.
  const bool json = session->options.format == "json";
  FindingTexts finding_texts;
  auto keep_finding = [&](Finding&& finding) {
    if (json) {
      finding_texts.add(finding);
    } else {
      document.findings.push_back(std::move(finding));
    }
  };
  RuleContext context{session->at, &session->profile, *purpose,
                      options.host.empty() ? std::nullopt : std::optional<std::string>(options.host)};

  // Inputs: files and directories, every problem reported per path.
  bool any_directory = false;
  for (const auto& path : options.paths) {
    struct stat info {};
    if (stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode)) any_directory = true;
  }
  bool inventory = options.each || any_directory;
  // An inventory without --crl judges facts alone: no signature is checked
  // against another certificate, so public keys need not be decoded with each
  // certificate (the costliest part of parsing in OpenSSL 3.0).
  input.decode_public_keys = !inventory || !options.crl_path.empty();
  // Every file read, repeated certificates kept once (sources/cert_files.h).
  // Handles parsed without their keys serve no further purpose: each is freed
  // once its facts are decoded, before the next file is read.
  sources::CertFileSet inputs = sources::load_cert_paths(
      options.paths, input, input.decode_public_keys ? sources::Handles::keep : sources::Handles::free_after_facts);
  document.errors = inputs.messages();
  std::vector<LoadedCertificate> certificates;
  for (auto& loaded : inputs.files) {
    if (loaded.contains_private_key()) {
      keep_finding(make_finding(
          "file-contains-private-key", loaded.path,
          fmt::format("{} private key block(s) found; they were recognised and skipped, never printed or stored.",
                      loaded.private_keys),
          {{"path", loaded.path}}));
      if (loaded.key_file_world_or_group_readable) {
        keep_finding(make_finding("key-file-exposed", loaded.path,
                                                 "The file holds a private key and its mode lets group or others "
                                                 "read it.",
                                                 {{"path", loaded.path}}));
      }
    }
    for (size_t i = 0; i < loaded.certs.size(); ++i) {
      certificates.push_back({std::move(loaded.certs[i]), std::move(loaded.facts[i])});
    }
  }
  for (const auto& error : document.errors) print_error(error);
  if (certificates.empty()) {
    print_error(inputs.nothing_readable() ? "no input could be read" : "no certificates found in the input");
    return kExitInput;
  }

  // Revocation, when a CRL is given.
  std::optional<x509::ParsedCrls> crl;
  if (!options.crl_path.empty()) {
    std::ifstream file(options.crl_path, std::ios::binary);
    if (!file) {
      print_error(options.crl_path + ": cannot read the CRL file");
      return kExitInput;
    }
    std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    crl = x509::parse_crls({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
    for (const auto& error : crl->errors) print_error(options.crl_path + ": " + error);
    if (crl->crls.empty()) return kExitInput;
  }

  // An inventory without --crl verifies nothing against anchors (each
  // certificate is judged alone): it needs only the set-up's messages.
  const bool anchors_needed = !inventory || crl.has_value();
  TrustSetup trust = build_trust(*session, document, anchors_needed ? TrustUse::verify : TrustUse::messages_only);
  // The issuer of a certificate among the presented ones and the anchors, for
  // checking a CRL's signature.
  auto find_issuer = [&](const X509* cert) -> const X509* {
    for (const auto& other : certificates) {
      if (x509::issues(other.cert.get(), cert)) return other.cert.get();
    }
    for (const auto& anchor : trust.store.anchors()) {
      if (x509::issues(anchor.cert.get(), cert)) return anchor.cert.get();
    }
    return nullptr;
  };

  // JSON: each certificate's row is written as it is judged, straight as text
  // (a DOM for 10,000 rows cost more than judging them).
  std::optional<ReportOutput> output;
  std::optional<JsonStreamWriter> writer;
  if (json) {
    output.emplace(*session);
    writer.emplace(output->stream(), "certificates");
  }
  // Judges one certificate, keeps its findings and returns their ids.
  auto judge_one = [&](LoadedCertificate& item, CertRole role) {
    Findings found = judge_certificate(item.facts, role, context);
    if (role == CertRole::leaf) {
      Findings names = judge_hostname(item.facts, context);
      found.insert(found.end(), names.begin(), names.end());
    }
    if (crl) {
      x509::RevocationCheck check = x509::check_revocation(item.cert.get(), crl->crls, find_issuer(item.cert.get()));
      if (check.revoked) found.push_back(revoked_finding(item.facts, options.crl_path));
      if (!check.note.empty()) document.notes.push_back(item.facts.source + ": " + check.note);
    }
    std::vector<std::string> ids;
    for (const auto& finding : found) ids.push_back(finding.id);
    if (writer) writer->add_text([&](JsonText& out) { append_certificate_row(out, item.facts, to_string(role), ids); });
    for (auto& finding : found) keep_finding(std::move(finding));
    return ids;
  };

  TextSection section;
  if (inventory) {
    section.heading = fmt::format("Inventory: {} certificates", certificates.size());
    Instant horizon = until.value_or(session->at + Days{90});
    InventoryCounts counts(session->at, horizon, lifetime_limit_for(session->profile, horizon));
    std::ostringstream csv;
    write_csv_row(csv, {"path", "subject", "issuer", "not_after", "eku", "key", "sha256", "findings"});
    // The rows feed only the text and CSV reports (JSON rows are written by judge_one).
    const bool rows_wanted = !json;
    for (auto& item : certificates) {
      std::vector<std::string> finding_ids = judge_one(item, role_of(item.facts));
      const auto& facts = item.facts;
      counts.add(facts);
      if (rows_wanted) {
        std::string ids = fmt::format("{}", fmt::join(finding_ids, " "));
        std::string key = fmt::format("{} {}", facts.key_type, facts.key_bits);
        std::string name = facts.common_name.empty() ? facts.subject : "CN=" + facts.common_name;
        section.lines.push_back(fmt::format("{}  {}  not after {}  {}  {}  {}", facts.source, name,
                                            format_date(facts.not_after), eku_text(facts), key,
                                            ids.empty() ? "ok" : ids));
        write_csv_row(csv, {facts.source, facts.subject, facts.issuer, format_instant(facts.not_after),
                            eku_text(facts), key, facts.sha256, ids});
      }
      // Judged, counted and written: nothing reads these facts again, and
      // freeing them now reuses the memory for the next certificate.
      item.facts = CertificateFacts{};
    }
    document.sections["inventory"] = counts.to_json();
    document.csv = csv.str();
    section.lines.push_back(counts.sentence());
  } else if (!certificates.empty()) {
    std::vector<x509::X509Ptr> presented;
    for (const auto& item : certificates) presented.push_back(x509::share(item.cert.get()));
    ChainVerdict verdict =
        x509::verify_chain(presented, trust.store, {session->at, verify_purpose(*purpose)});
    size_t leaf = verdict.leaf_found ? verdict.leaf_index : 0;
    std::string subject = certificate_label(certificates[leaf].facts);
    std::vector<bool> judged(certificates.size(), false);
    judge_one(certificates[leaf], CertRole::leaf);
    judged[leaf] = true;
    for (size_t i = 0; i < certificates.size(); ++i) {
      if (judged[i]) continue;
      judge_one(certificates[i], role_of(certificates[i].facts) == CertRole::leaf ? CertRole::intermediate
                                                                                 : role_of(certificates[i].facts));
    }
    for (Finding& finding : judge_chain(verdict, context, subject)) keep_finding(std::move(finding));
    nlohmann::json path = nlohmann::json::array();
    section.heading = "Chain of " + subject;
    for (size_t depth = 0; depth < verdict.path.size(); ++depth) {
      const auto& facts = verdict.path[depth];
      path.push_back({{"subject", facts.subject}, {"subject_hash", facts.subject_hash}, {"sha256", facts.sha256}});
      section.lines.push_back(fmt::format("{}: {}  hash {}  sha256 {}…  not after {}", depth, facts.subject,
                                          facts.subject_hash, facts.sha256.substr(0, 16),
                                          format_date(facts.not_after)));
    }
    section.lines.push_back(verdict.trusted ? "trusted at " + format_instant(session->at) + " (anchor: " +
                                                  verdict.anchor_source + ")"
                                            : "not trusted at " + format_instant(session->at) + ": " +
                                                  verdict.verify_error_text);
    document.sections["chain"] = {{"trusted", verdict.trusted},
                                  {"trusted_ignoring_time", verdict.trusted_ignoring_time},
                                  {"anchor_source", verdict.anchor_source},
                                  {"verify_error", verdict.verify_error},
                                  {"verify_error_text", verdict.verify_error_text},
                                  {"presented_in_order", verdict.presented_in_order},
                                  {"root_included", verdict.root_included},
                                  {"missing_issuer", verdict.missing_issuer ? nlohmann::json(*verdict.missing_issuer)
                                                                            : nlohmann::json(nullptr)},
                                  {"path", path}};
    nlohmann::json forecast = renewal_forecast(context);
    document.sections["renewal_forecast"] = forecast;
    if (!forecast.empty()) {
      std::string next = forecast.contains("next")
                             ? fmt::format("; from {} at most {} days", forecast["next"]["from"].get<std::string>(),
                                           forecast["next"]["max_days"].get<int>())
                             : "";
      section.lines.push_back(fmt::format("renewal: a certificate issued on {} may live at most {} days (to {}){}",
                                          forecast["issued_at"].get<std::string>(), forecast["max_days"].get<int>(),
                                          forecast["expires_by"].get<std::string>(), next));
    }
  }
  document.sections["purpose"] = std::string(to_string(*purpose));
  if (writer) {
    finalise_document(document, *session);
    finding_texts.sort();
    writer->finish(document, TRUNKCHECK_VERSION, finding_texts);
    if (output->failed(*session)) return kExitInput;
    return exit_code_for(finding_texts.worst(), *session);
  }
  // certificates[] exists only in the JSON report (written above as judged).
  if (!section.heading.empty()) document.text_sections.push_back(std::move(section));
  return emit_report(document, *session);
}

}  // namespace

void register_cert_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<CertOptions>();
  CLI::App* command = app.add_subcommand("cert", "Audit certificates, chains and inventories");
  command->add_option("paths", options->paths, "Certificate files (PEM, DER, PKCS#12) or directories")
      ->required();
  command->add_option("--host", options->host, "Host name peers connect to (checked against the certificate)");
  command->add_option("--purpose", options->purpose, "What the certificate is for (default: the profile's)")
      ->check(CLI::IsMember({"server", "client", "both"}));
  command->add_flag("--each", options->each, "Inventory: judge each certificate alone");
  command->add_option("--password", options->password, "PKCS#12 password (prefer --password-file)");
  command->add_option("--password-file", options->password_file, "File whose first line is the PKCS#12 password");
  command->add_option("--crl", options->crl_path, "CRL file (PEM or DER) to check revocation against");
  command->add_option("--until", options->until_text, "Inventory horizon for expiry counts (default --at + 90 days)");
  add_global_options(*command, options->global, {"text", "json", "csv"});
  command->callback([options, &exit_code] { exit_code = run_cert(*options); });
}

}  // namespace tc::cli
