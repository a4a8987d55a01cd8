#include "rules/connection_rules.h"

#include <algorithm>
#include <fmt/format.h>

#include "policy/alert_registry.h"
#include "policy/cipher_registry.h"
#include "rules/catalogue.h"
#include "rules/cert_rules.h"

namespace tc {

namespace {

constexpr uint8_t kFatal = 2;
constexpr uint8_t kHandshakeFailure = 40;
constexpr uint8_t kBadCertificate = 42;
constexpr uint8_t kUnsupportedCertificate = 43;
constexpr uint8_t kUnknownCa = 48;
constexpr uint8_t kCertificateRequired = 116;
constexpr uint16_t kCertificateRequest = 13;

uint64_t frame_of(const Connection& connection, uint16_t type, Side from) {
  for (const auto& message : connection.messages) {
    if (message.type == type && message.from == from) return message.frame;
  }
  return 0;
}

// The first fatal alert in the clear from `side`, if any.
const AlertRecord* fatal_alert_from(const Connection& connection, Side side) {
  for (const auto& alert : connection.alerts) {
    if (alert.from == side && alert.level == kFatal && alert.description) return &alert;
  }
  return nullptr;
}

std::string platform_renewal_text(const RuleContext& context) {
  const Profile& profile = *context.profile;
  const TimelineEvent* renewal = profile.event("platform-cert-without-client-auth");
  if (!renewal) return "";
  if (context.at >= renewal->date) {
    return " " + profile.platform + "'s certificate has had no clientAuth EKU since the week of " +
           format_date(renewal->date) +
           " (seed 000), so the call fails wherever the endpoint checks the purpose (alert 43).";
  }
  return " " + profile.platform + "'s certificate loses the clientAuth EKU with its renewal in the week of " +
         format_date(renewal->date) + " (seed 000); from then the call fails wherever the endpoint checks the "
         "purpose (alert 43).";
}

void judge_client_authentication(const Connection& connection, const RuleContext& context, Findings& out) {
  if (!connection.certificate_request) return;
  // Evidence shared by the findings below (built only for a full finding).
  auto request_evidence = [&] {
    nlohmann::json evidence = connection_evidence(connection);
    evidence["frame"] = frame_of(connection, kCertificateRequest, Side::server);
    evidence["ca_names"] = connection.certificate_request_ca_names;
    return evidence;
  };
  add_finding(out, context.brief, "mtls-requested", [&] {
    std::string detail;
    switch (connection.direction) {
      case Direction::outbound:
        detail = "On this outbound connection the customer endpoint (" + connection.server +
                 ") asks the platform for a client certificate. The platform answers with its server certificate." +
                 platform_renewal_text(context);
        break;
      case Direction::inbound:
        detail = "The server " + connection.server + " asked the connecting endpoint for a client certificate; " +
                 context.profile->platform + " never does that on inbound calls (seed 000), so this server is not " +
                 "behaving like the platform.";
        break;
      case Direction::unknown:
        detail = "The server " + connection.server +
                 " asked for a client certificate. If it is the customer endpoint answering the platform (an "
                 "outbound call), the call fails wherever the endpoint checks the purpose:" +
                 platform_renewal_text(context) + " Give --endpoint or --platform to know the direction.";
        break;
    }
    return make_finding("mtls-requested", connection_label(connection), detail, request_evidence());
  });

  const AlertRecord* server_alert = fatal_alert_from(connection, Side::server);
  auto server_alert_json = [&](uint8_t description) {
    return nlohmann::json{{"from", "server"}, {"description", description}, {"frame", server_alert->frame}};
  };
  if (connection.client_certificates && *connection.client_certificates == 0 && server_alert &&
      (*server_alert->description == kHandshakeFailure || *server_alert->description == kCertificateRequired ||
       *server_alert->description == kBadCertificate || *server_alert->description == kUnknownCa)) {
    add_finding(out, context.brief, "mtls-required", [&] {
      nlohmann::json evidence = request_evidence();
      evidence["alert"] = server_alert_json(*server_alert->description);
      return make_finding("mtls-required", connection_label(connection),
                          fmt::format("The client sent an empty Certificate and the server aborted with alert {} "
                                      "{} (frame {}): the endpoint requires a client certificate.",
                                      *server_alert->description, alert_name(*server_alert->description),
                                      server_alert->frame),
                          evidence);
    });
  }
  if (!connection.client_certificates || *connection.client_certificates == 0 || connection.client_chain.empty()) {
    return;
  }
  const CertificateFacts& leaf = connection.client_chain.front();
  auto client_certificate_evidence = [&] {
    nlohmann::json evidence = request_evidence();
    evidence["client_certificate"] = {
        {"subject", leaf.subject},
        {"sha256", leaf.sha256},
        {"eku", leaf.has_eku_extension ? nlohmann::json(leaf.eku) : nlohmann::json(nullptr)}};
    return evidence;
  };
  bool lacks_client_auth = leaf.has_eku_extension && !leaf.has_eku("clientAuth");
  if (server_alert && *server_alert->description == kUnsupportedCertificate && lacks_client_auth) {
    add_finding(out, context.brief, "client-cert-rejected-eku", [&] {
      nlohmann::json evidence = client_certificate_evidence();
      evidence["alert"] = server_alert_json(kUnsupportedCertificate);
      return make_finding(
          "client-cert-rejected-eku", connection_label(connection),
          fmt::format("The client presented {} (EKU {}) and the server answered alert 43 unsupported_certificate "
                      "(frame {}): the endpoint requires clientAuth — the exact failure of seed 000.",
                      leaf.subject, fmt::join(leaf.eku, ", "), server_alert->frame),
          evidence);
    });
    return;
  }
  if (!server_alert && leaf.has_eku("clientAuth") && connection.established) {
    add_finding(out, context.brief, "client-cert-depends-on-eku", [&] {
      return make_finding(
          "client-cert-depends-on-eku", connection_label(connection),
          "The server accepted the client certificate " + leaf.subject + " (not after " +
              format_date(leaf.not_after) +
              "), which carries clientAuth. Its renewal from a public CA will lack clientAuth, and an endpoint that "
              "checks the purpose will then reject it." +
              (connection.direction == Direction::outbound ? platform_renewal_text(context) : std::string()),
          client_certificate_evidence());
    });
  }
}

void judge_suites(const Connection& connection, const RuleContext& context, Findings& out) {
  const Profile& profile = *context.profile;
  if (connection.cipher && profile.is_deprecated(*connection.cipher)) {
    add_finding(out, context.brief, "cipher-deprecated-negotiated", [&] {
      nlohmann::json evidence = connection_evidence(connection);
      evidence["cipher"] = format_suite_code(*connection.cipher);
      std::string why;
      if (connection.direction == Direction::inbound) {
        why = " On inbound calls the endpoint's offer order decides: it ranks this suite above every better one the "
              "platform supports (seed 002).";
      } else if (connection.direction == Direction::outbound) {
        why = " On outbound calls the platform offers the deprecated suites last, so the endpoint supports nothing "
              "better (seed 002).";
      } else {
        why = " Inbound, the endpoint ranked it first; outbound, the endpoint supports nothing better than what the "
              "platform offers last (seed 002).";
      }
      return make_finding("cipher-deprecated-negotiated", connection_label(connection),
                          "The server chose " + describe_suite(*connection.cipher) + ", which " + profile.platform +
                              " deprecates." + why + " Once the platform removes it, the handshake fails.",
                          evidence);
    });
  }
  if (connection.direction == Direction::inbound && !connection.client_offer.empty()) {
    auto pick = platform_choice(connection.client_offer, profile);
    if (pick && profile.is_deprecated(*pick)) {
      add_finding(out, context.brief, "cipher-deprecated-offered-first", [&] {
        nlohmann::json evidence = connection_evidence(connection);
        evidence["platform_would_pick"] = format_suite_code(*pick);
        std::vector<std::string> offer;
        for (uint16_t suite : connection.client_offer) offer.push_back(format_suite_code(suite));
        evidence["client_offer"] = offer;
        return make_finding("cipher-deprecated-offered-first", connection_label(connection),
                            "Honouring the client's order over the suites it supports, " + profile.platform +
                                " picks " + describe_suite(*pick) + "." +
                                (profile.supported_suites_assumed
                                     ? " (Supported set partly assumed: " + profile.supported_suites_note + ")"
                                     : std::string()),
                            evidence);
      });
    }
  }
}

void judge_versions(const Connection& connection, const RuleContext& context, Findings& out) {
  const Profile& profile = *context.profile;
  auto supported = [&](uint16_t version) {
    return std::find(profile.tls_versions.begin(), profile.tls_versions.end(), version) != profile.tls_versions.end();
  };
  // Built only for a finding: most connections negotiate a supported version.
  auto allowed_versions = [&] {
    std::string allowed;
    for (uint16_t version : profile.tls_versions) allowed += (allowed.empty() ? "" : ", ") + format_tls_version(version);
    return allowed;
  };
  if (connection.version && !supported(*connection.version)) {
    add_finding(out, context.brief, "tls-version-unsupported", [&] {
      nlohmann::json evidence = connection_evidence(connection);
      evidence["version"] = format_tls_version(*connection.version);
      return make_finding("tls-version-unsupported", connection_label(connection),
                          "The connection negotiated " + format_tls_version(*connection.version) + "; " +
                              profile.platform + " supports " + allowed_versions() + ".",
                          evidence);
    });
    return;
  }
  if (!connection.version && !connection.offered_versions.empty() &&
      std::none_of(connection.offered_versions.begin(), connection.offered_versions.end(), supported)) {
    add_finding(out, context.brief, "tls-version-unsupported", [&] {
      nlohmann::json evidence = connection_evidence(connection);
      std::vector<std::string> offered;
      for (uint16_t version : connection.offered_versions) offered.push_back(format_tls_version(version));
      evidence["offered_versions"] = offered;
      return make_finding("tls-version-unsupported", connection_label(connection),
                          fmt::format("The client offered only {}; {} supports {}.", fmt::join(offered, ", "),
                                      profile.platform, allowed_versions()),
                          evidence);
    });
  }
}

void judge_alerts(const Connection& connection, const RuleContext& context, Findings& out) {
  // Alerts the client-authentication findings already in `out` explain are not repeated.
  bool explained = std::any_of(out.begin(), out.end(), [](const Finding& finding) {
    return finding.id == "mtls-required" || finding.id == "client-cert-rejected-eku";
  });
  for (const auto& alert : connection.alerts) {
    if (alert.level != kFatal || !alert.description) continue;
    if (explained && alert.from == Side::server) continue;
    add_finding(out, context.brief, "handshake-alert", [&] {
      nlohmann::json evidence = connection_evidence(connection);
      evidence["alert"] = {
          {"from", to_string(alert.from)}, {"description", *alert.description}, {"frame", alert.frame}};
      std::string sender = alert.from == Side::client ? "client " + connection.client : "server " + connection.server;
      return make_finding("handshake-alert", connection_label(connection),
                          fmt::format("The {} sent fatal alert {} {} (frame {}).", sender, *alert.description,
                                      alert_name(*alert.description), alert.frame),
                          evidence);
    });
    break;  // the first fatal alert ends the connection
  }
}

}  // namespace

nlohmann::json connection_evidence(const Connection& connection) {
  return {{"client", connection.client},
          {"server", connection.server},
          {"direction", to_string(connection.direction)},
          {"first_frame", connection.first_frame}};
}

std::string connection_label(const Connection& connection) {
  return connection.client + " → " + connection.server + " (frame " + std::to_string(connection.first_frame) + ")";
}

std::optional<uint16_t> platform_choice(const std::vector<uint16_t>& client_offer, const Profile& profile) {
  for (uint16_t suite : client_offer) {
    if (profile.is_supported(suite)) return suite;
  }
  return std::nullopt;
}

Findings judge_handshake(const Connection& connection, const RuleContext& context) {
  Findings out;
  judge_client_authentication(connection, context, out);
  judge_suites(connection, context, out);
  judge_versions(connection, context, out);
  judge_alerts(connection, context, out);
  return out;
}

Findings judge_server_chain(const std::vector<CertificateFacts>& chain, const std::optional<std::string>& name,
                            const ChainVerdict* verdict, const RuleContext& context) {
  Findings found;
  if (chain.empty()) return found;
  RuleContext chain_context = context;
  chain_context.purpose = Purpose::server;
  chain_context.host = name;
  const CertificateFacts& leaf = chain.front();
  found = judge_certificate(leaf, CertRole::leaf, chain_context);
  // Facts recorded once by the cert audit, not on every connection.
  found.erase(std::remove_if(found.begin(), found.end(),
                             [](const Finding& finding) {
                               return finding.id == "cert-eku-sip-domain" || finding.id == "cert-eku-any" ||
                                      finding.id == "cert-no-revocation-info";
                             }),
              found.end());
  Findings names = judge_hostname(leaf, chain_context);
  found.insert(found.end(), names.begin(), names.end());
  if (verdict) {
    Findings chain_findings = judge_chain(*verdict, chain_context, certificate_label(leaf));
    found.insert(found.end(), chain_findings.begin(), chain_findings.end());
  }
  return found;
}

Findings judge_connection(const Connection& connection, const ChainVerdict* server_chain,
                          const RuleContext& context) {
  Findings out = judge_handshake(connection, context);
  std::optional<std::string> name = context.host ? context.host : connection.sni;
  for (auto& finding : judge_server_chain(connection.server_chain, name, server_chain, context)) {
    finding.evidence["connection"] = connection_evidence(connection);
    out.push_back(std::move(finding));
  }
  return out;
}

}  // namespace tc
