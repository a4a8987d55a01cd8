#include "rules/probe_rules.h"

#include <fmt/format.h>

#include <algorithm>

#include "policy/alert_registry.h"
#include "policy/cipher_registry.h"
#include "rules/catalogue.h"
#include "rules/connection_rules.h"

namespace tc {

namespace {

constexpr uint8_t kUnsupportedCertificate = 43;
constexpr uint16_t kTls12 = 0x0303;

bool has_finding(const Findings& findings, std::string_view id) {
  return std::any_of(findings.begin(), findings.end(), [&](const Finding& f) { return f.id == id; });
}

nlohmann::json endpoint_evidence(const EndpointEvidence& endpoint) {
  return {{"host", endpoint.host},
          {"address", endpoint.address},
          {"port", endpoint.port},
          {"sni", endpoint.sni ? nlohmann::json(*endpoint.sni) : nlohmann::json(nullptr)}};
}

std::string alert_text(std::optional<uint8_t> alert) {
  return alert ? fmt::format("alert {} {}", *alert, alert_name(*alert)) : "no alert";
}

std::string drill_outcome(const DrillAttempt& drill) {
  if (drill.completed) return "accepted";
  if (drill.alert) return "rejected with " + alert_text(drill.alert);
  return "failed (" + drill.error + ")";
}

const DrillAttempt* find_drill(const EndpointEvidence& endpoint, DrillCredential kind) {
  for (const auto& drill : endpoint.eku_drill) {
    if (drill.credential == kind) return &drill;
  }
  return nullptr;
}

std::string renewal_clause(const RuleContext& context) {
  const TimelineEvent* renewal = context.profile->event("platform-cert-without-client-auth");
  if (!renewal) return "the platform's certificate lacks clientAuth";
  return context.at >= renewal->date
             ? "the platform's certificate has had no clientAuth since the week of " + format_date(renewal->date)
             : "the platform's certificate loses clientAuth in the week of " + format_date(renewal->date);
}

// Step 3: what the drill proves or suggests about EKU enforcement.
void judge_drill(const EndpointEvidence& endpoint, const RuleContext& context, EndpointJudgement& judgement) {
  const std::string label = endpoint_label(endpoint);
  const DrillAttempt* server_only = find_drill(endpoint, DrillCredential::generated_server_auth);
  const DrillAttempt* both = find_drill(endpoint, DrillCredential::generated_both);
  const DrillAttempt* provided = find_drill(endpoint, DrillCredential::provided);
  auto drill_json = [&](const DrillAttempt& drill) {
    return nlohmann::json{{"certificate", to_string(drill.credential)},
                          {"label", drill.label},
                          {"outcome", drill_outcome(drill)}};
  };
  if (provided != nullptr) {
    // The user's certificate is the one case where trust is not in question
    // (alert 43 is not 48): the judge_handshake client-certificate rules apply.
    Connection connection = endpoint.connections[provided->connection];
    connection.direction = Direction::outbound;
    for (auto& finding : judge_handshake(connection, context)) {
      if (finding.id != "client-cert-rejected-eku" && finding.id != "client-cert-depends-on-eku") continue;
      finding.subject = label;
      finding.evidence["endpoint"] = endpoint_evidence(endpoint);
      finding.evidence["drill"] = drill_json(*provided);
      judgement.connection_findings[provided->connection].push_back(finding.id);
      judgement.findings.push_back(std::move(finding));
    }
  }
  if (server_only != nullptr && both != nullptr) {
    const bool purpose_rejected = !server_only->completed && server_only->alert == kUnsupportedCertificate;
    const bool both_not_purpose = both->alert != kUnsupportedCertificate;
    if (purpose_rejected && both_not_purpose && !has_finding(judgement.findings, "client-cert-rejected-eku")) {
      nlohmann::json evidence = endpoint_evidence(endpoint);
      evidence["drill"] = {drill_json(*server_only), drill_json(*both)};
      judgement.connection_findings[server_only->connection].push_back("client-eku-enforcement-likely");
      judgement.findings.push_back(make_finding(
          "client-eku-enforcement-likely", label,
          "A generated serverAuth-only client certificate got alert 43 unsupported_certificate; the same kind of "
          "certificate with serverAuth + clientAuth got " + drill_outcome(*both) +
              ". The endpoint checks the client EKU, and " + renewal_clause(context) +
              " (seed 000). Inferred from certificates the endpoint does not trust; --client-cert with a "
              "certificate it trusts proves it.",
          evidence));
    }
    if (server_only->completed) {
      nlohmann::json evidence = endpoint_evidence(endpoint);
      evidence["drill"] = {drill_json(*server_only)};
      judgement.connection_findings[server_only->connection].push_back("client-cert-not-verified");
      judgement.findings.push_back(make_finding(
          "client-cert-not-verified", label,
          "The endpoint requested a client certificate and completed the handshake with a generated, untrusted, "
          "serverAuth-only one: it verifies neither trust nor purpose, so the request adds no security (seed 000).",
          evidence));
    }
  }
}

// Step 4: suites and versions.
void judge_suites_and_versions(const EndpointEvidence& endpoint, const RuleContext& context,
                               EndpointJudgement& judgement) {
  if (!endpoint.suites_scanned) return;
  const Profile& profile = *context.profile;
  const std::string label = endpoint_label(endpoint);
  std::vector<uint16_t> usable;
  for (uint16_t suite : endpoint.suites_accepted) {
    if (profile.is_supported(suite)) usable.push_back(suite);
  }
  const bool only_deprecated =
      !usable.empty() && std::all_of(usable.begin(), usable.end(), [&](uint16_t s) { return profile.is_deprecated(s); });
  if (only_deprecated || (endpoint.platform_offer.connected && endpoint.without_deprecated.tested &&
                          !endpoint.without_deprecated.connected)) {
    nlohmann::json evidence = endpoint_evidence(endpoint);
    nlohmann::json codes = nlohmann::json::array();
    for (uint16_t suite : usable) codes.push_back(format_suite_code(suite));
    evidence["usable_suites"] = codes;
    evidence["without_deprecated"] = endpoint.without_deprecated.connected ? "connects" : endpoint.without_deprecated.failure;
    std::vector<std::string> names;
    for (uint16_t suite : usable) names.push_back(describe_suite(suite));
    judgement.findings.push_back(make_finding(
        "cipher-only-deprecated", label,
        fmt::format("Of the suites {} supports{}, the endpoint accepts only {}; with the deprecated suites removed "
                    "from the platform's offer it {} (seed 002).",
                    profile.platform, profile.supported_suites_assumed ? " (partly assumed, DOMAIN.md §3)" : "",
                    names.empty() ? std::string("none") : fmt::format("{}", fmt::join(names, ", ")),
                    endpoint.without_deprecated.connected ? "still connects"
                                                          : "gets no ServerHello (" + endpoint.without_deprecated.failure + ")"),
        evidence));
  }
  if (endpoint.platform_offer.connected && endpoint.platform_offer.suite &&
      profile.is_deprecated(*endpoint.platform_offer.suite) &&
      !has_finding(judgement.findings, "cipher-deprecated-negotiated")) {
    nlohmann::json evidence = endpoint_evidence(endpoint);
    evidence["cipher"] = format_suite_code(*endpoint.platform_offer.suite);
    judgement.findings.push_back(make_finding(
        "cipher-deprecated-negotiated", label,
        "From the platform's offer (deprecated suites last" +
            std::string(profile.offer_order_assumed ? ", order otherwise assumed" : "") + ") the endpoint picks " +
            describe_suite(*endpoint.platform_offer.suite) + (endpoint.server_preference ? ", by its own preference order." : "."),
        evidence));
  }
  std::vector<std::string> extra;
  for (const auto& version : endpoint.versions) {
    if (!version.tested) continue;
    const bool platform_speaks = std::find(profile.tls_versions.begin(), profile.tls_versions.end(), version.version) !=
                                 profile.tls_versions.end();
    if (version.version == kTls12 && !version.supported && !has_finding(judgement.findings, "tls-version-unsupported")) {
      nlohmann::json evidence = endpoint_evidence(endpoint);
      evidence["reason"] = version.reason;
      judgement.findings.push_back(make_finding(
          "tls-version-unsupported", label,
          "The endpoint refuses TLS 1.2 (" + version.reason + "); " + profile.platform +
              " speaks TLS 1.2 only (seed 003).",
          evidence));
    }
    if (version.supported && !platform_speaks) extra.push_back(format_tls_version(version.version));
  }
  if (!extra.empty()) {
    nlohmann::json evidence = endpoint_evidence(endpoint);
    evidence["versions"] = extra;
    judgement.findings.push_back(make_finding(
        "tls-versions-extra", label,
        fmt::format("The endpoint also accepts {}; {} does not use them.", fmt::join(extra, ", "), profile.platform),
        evidence));
  }
}

void judge_sip(const EndpointEvidence& endpoint, EndpointJudgement& judgement) {
  const bool any_completed = endpoint.platform_handshake_completed ||
                             std::any_of(endpoint.eku_drill.begin(), endpoint.eku_drill.end(),
                                         [](const DrillAttempt& d) { return d.completed; });
  if (!any_completed || (endpoint.sip && endpoint.sip->response)) return;
  nlohmann::json evidence = endpoint_evidence(endpoint);
  std::string why = endpoint.sip ? endpoint.sip->error : "no OPTIONS was sent";
  evidence["error"] = why;
  judgement.findings.push_back(
      make_finding("sip-options-failed", endpoint_label(endpoint),
                   "OPTIONS over the completed TLS connection got no final answer: " + why + ".", evidence));
}

// The one sentence. Client authentication first (the failure the seeds are
// about), then the handshake and the certificate the platform validates.
std::string outbound_verdict(const EndpointEvidence& endpoint, const EndpointJudgement& judgement,
                             const RuleContext& context) {
  const std::string fail = "Outbound calls from the platform fail, because ";
  const std::string work = "Outbound calls from the platform work as far as TLS goes";
  const Connection& platform = endpoint.connections.at(endpoint.platform_connection);
  if (!platform.is_tls) return "Unknown: the endpoint did not answer the platform's handshake with TLS (" +
                               endpoint.platform_handshake_error + ").";
  const bool requested = endpoint.client_auth == ClientAuth::optional || endpoint.client_auth == ClientAuth::required;
  if (requested) {
    const DrillAttempt* provided = find_drill(endpoint, DrillCredential::provided);
    const DrillAttempt* server_only = find_drill(endpoint, DrillCredential::generated_server_auth);
    if (has_finding(judgement.findings, "client-cert-rejected-eku")) {
      return fail + "the endpoint asks for a client certificate and rejected a certificate it trusts that lacks "
                    "clientAuth (alert 43), and " + renewal_clause(context) + ".";
    }
    if (has_finding(judgement.findings, "client-eku-enforcement-likely")) {
      return fail + "(very likely) the endpoint asks for a client certificate and rejects ones without clientAuth "
                    "(alert 43), and " + renewal_clause(context) + ".";
    }
    if (provided != nullptr && provided->completed && !provided->has_client_auth_eku) {
      return work + ": the endpoint asks for a client certificate but accepted one without clientAuth; turn the "
                    "request off anyway (seed 000).";
    }
    if (server_only != nullptr && server_only->completed) {
      return work + ": the endpoint asks for a client certificate but accepts any, even an untrusted one; turn the "
                    "request off (seed 000).";
    }
    return "At risk: the endpoint asks for a client certificate (" + std::string(to_string(endpoint.client_auth)) +
           ") and checks it, and " + renewal_clause(context) +
           "; whether it also requires clientAuth needs a certificate it trusts: run again with --client-cert/"
           "--client-key (e.g. your own publicly issued serverAuth-only certificate).";
  }
  if (!endpoint.platform_handshake_completed) {
    const AlertRecord* alert = nullptr;
    for (const auto& record : platform.alerts) {
      if (record.from == Side::server && record.description) alert = &record;
    }
    return fail + "the platform's handshake fails (" +
           (alert ? alert_text(alert->description) : endpoint.platform_handshake_error) + ").";
  }
  for (const auto& finding : judgement.findings) {
    const bool certificate = finding.id.starts_with("cert-") || finding.id.starts_with("chain-") ||
                             finding.id.starts_with("hostname-");
    if (certificate && finding.severity >= Severity::high && finding.id != "cert-missing-client-auth-eku") {
      return fail + "the platform rejects the endpoint's certificate: " + std::string(finding.title) + ".";
    }
  }
  return work + ": the endpoint does not request a client certificate and the handshake completes.";
}

}  // namespace

std::string endpoint_label(const EndpointEvidence& endpoint) {
  std::string address = endpoint.address.find(':') != std::string::npos ? "[" + endpoint.address + "]" : endpoint.address;
  address += ":" + std::to_string(endpoint.port);
  return endpoint.host == endpoint.address ? address : endpoint.host + " (" + address + ")";
}

EndpointJudgement judge_endpoint(const EndpointEvidence& endpoint, const ChainVerdict* chain_verdict,
                                 const RuleContext& context) {
  EndpointJudgement judgement;
  judgement.connection_findings.resize(endpoint.connections.size());
  if (endpoint.connections.empty()) return judgement;
  const std::string label = endpoint_label(endpoint);

  // Steps 1 and 2: the platform's handshake, judged like any outbound connection.
  Connection platform = endpoint.connections[endpoint.platform_connection];
  platform.direction = Direction::outbound;
  for (auto& finding : judge_handshake(platform, context)) {
    finding.subject = label;
    finding.evidence["endpoint"] = endpoint_evidence(endpoint);
    judgement.connection_findings[endpoint.platform_connection].push_back(finding.id);
    judgement.findings.push_back(std::move(finding));
  }
  std::optional<std::string> name = endpoint.sni ? endpoint.sni : std::optional(endpoint.host);
  for (auto& finding : judge_server_chain(endpoint.chain, name, chain_verdict, context)) {
    finding.evidence["endpoint"] = endpoint_evidence(endpoint);
    judgement.connection_findings[endpoint.platform_connection].push_back(finding.id);
    judgement.findings.push_back(std::move(finding));
  }
  judge_drill(endpoint, context, judgement);
  judge_suites_and_versions(endpoint, context, judgement);
  judge_sip(endpoint, judgement);
  judgement.outbound_verdict = outbound_verdict(endpoint, judgement, context);
  return judgement;
}

}  // namespace tc
