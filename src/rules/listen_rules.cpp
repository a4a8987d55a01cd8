#include "rules/listen_rules.h"

#include <algorithm>
#include <fmt/format.h>

#include "policy/alert_registry.h"
#include "rules/catalogue.h"
#include "rules/cert_rules.h"
#include "rules/connection_rules.h"
#include "rules/sip_uri_facts.h"

namespace tc {

namespace {

constexpr uint8_t kFatal = 2;
// The alerts a TLS client sends when it does not trust the server's chain
// (DOMAIN.md §5): 48 unknown_ca (OpenSSL, most stacks), 42 bad_certificate
// (Go), 46 certificate_unknown (Java).
constexpr uint8_t kTrustAlerts[] = {48, 42, 46};

bool client_hello_seen(const Connection& connection) {
  return std::any_of(connection.messages.begin(), connection.messages.end(),
                     [](const MessageRecord& message) { return message.from == Side::client && message.type == 1; });
}

const AlertRecord* trust_alert_from_client(const Connection& connection) {
  for (const auto& alert : connection.alerts) {
    if (alert.from != Side::client || alert.level != kFatal || !alert.description) continue;
    if (std::find(std::begin(kTrustAlerts), std::end(kTrustAlerts), *alert.description) != std::end(kTrustAlerts)) {
      return &alert;
    }
  }
  return nullptr;
}

void judge_sni(const Connection& connection, Findings& out) {
  if (!client_hello_seen(connection) || connection.sni) return;
  out.push_back(make_finding(
      "sni-missing", connection_label(connection),
      "The ClientHello from " + connection.client +
          " has no server_name extension. The platform validates by host name (seed 003); whether its endpoints "
          "require SNI is not published, so this is an assumption.",
      connection_evidence(connection)));
}

void judge_verification(const Connection& connection, const ListenSetup& setup, Findings& out) {
  if (client_validation(connection, setup).verdict != ClientValidation::skips) return;
  nlohmann::json evidence = connection_evidence(connection);
  if (!connection.server_chain.empty()) evidence["server_certificate"] = connection.server_chain.front().sha256;
  out.push_back(make_finding(
      "client-skips-verification", connection_label(connection),
      "The listener served a chain from a root created for this run, which the client cannot trust, and the "
      "client completed the handshake without alert 48, 42 or 46: it does not validate the server's certificate "
      "and would accept any impostor. Trust the platform's root, not its leaf (seed 001).",
      evidence));
}

void judge_sip(const Connection& connection, Findings& out) {
  if (!connection.sip) return;
  bool transport_reported = false, ip_reported = false;
  for (const auto& request : connection.sip->requests) {
    auto target = read_sip_uri_facts(request.request_uri);
    if (!target) continue;
    auto contact = request.contact.empty() ? std::nullopt : read_sip_uri_facts(request.contact);
    nlohmann::json evidence = connection_evidence(connection);
    evidence["method"] = request.method;
    evidence["request_uri"] = request.request_uri;
    evidence["contact"] = request.contact;
    if (!transport_reported && !uri_asks_for_tls(*target) && !(contact && uri_asks_for_tls(*contact))) {
      transport_reported = true;
      out.push_back(make_finding(
          "sip-uri-transport-not-tls", connection_label(connection),
          fmt::format("{} {} (Contact: {}): neither URI is sips: or carries transport=tls; the platform's TLS "
                      "trunks expect transport=tls as a host-part parameter (seed 003).",
                      request.method, request.request_uri, request.contact.empty() ? "none" : request.contact),
          evidence));
    }
    if (!ip_reported && target->host_is_ip) {
      ip_reported = true;
      out.push_back(make_finding(
          "sip-request-to-ip", connection_label(connection),
          fmt::format("{} {}: the Request-URI addresses {}, an IP address; subject name validation needs the "
                      "trunk's host name (seed 003).",
                      request.method, request.request_uri, target->host),
          evidence));
    }
  }
}

void judge_client_chain(const Connection& connection, const RuleContext& context, Findings& out) {
  if (connection.client_chain.empty()) return;
  RuleContext client_context = context;
  client_context.purpose = Purpose::client;
  client_context.host.reset();
  for (size_t i = 0; i < connection.client_chain.size(); ++i) {
    const CertificateFacts& certificate = connection.client_chain[i];
    CertRole role = i == 0 ? CertRole::leaf : role_of(certificate);
    for (Finding& finding : judge_certificate(certificate, role, client_context)) {
      finding.evidence["connection"] = connection_evidence(connection);
      out.push_back(std::move(finding));
    }
  }
}

}  // namespace

ValidationVerdict client_validation(const Connection& connection, const ListenSetup& setup) {
  if (!setup.throwaway_server_certificate) return {};
  if (const AlertRecord* alert = trust_alert_from_client(connection)) {
    return {ClientValidation::validates, alert->description};
  }
  // Only a completed handshake proves the client accepted the chain it saw.
  if (connection.established && !connection.server_chain_der.empty()) return {ClientValidation::skips, {}};
  if (connection.established && !connection.server_chain.empty()) return {ClientValidation::skips, {}};
  return {};
}

Findings judge_listened_connection(const Connection& connection, const ListenSetup& setup,
                                   const RuleContext& context) {
  Findings out = judge_handshake(connection, context);
  // --request-client-cert asked on purpose: the request is ours, not the client's doing.
  if (setup.requested_client_certificate) {
    out.erase(std::remove_if(out.begin(), out.end(),
                             [](const Finding& finding) { return finding.id == "mtls-requested"; }),
              out.end());
  }
  // The server's alerts are the listener's own. To a client without TLS 1.2
  // it says what tls-version-unsupported already says; to a client that sent
  // no ClientHello (garbage, SSLv2) it says nothing the anomaly does not.
  bool version_explained = std::any_of(out.begin(), out.end(), [](const Finding& finding) {
    return finding.id == "tls-version-unsupported";
  });
  if (version_explained || !client_hello_seen(connection)) {
    out.erase(std::remove_if(out.begin(), out.end(),
                             [](const Finding& finding) {
                               return finding.id == "handshake-alert" && finding.evidence["alert"]["from"] == "server";
                             }),
              out.end());
  }
  if (client_validation(connection, setup).verdict == ClientValidation::validates) {
    // The rejection of a chain nobody can trust is the answer we asked for.
    out.erase(std::remove_if(out.begin(), out.end(),
                             [](const Finding& finding) {
                               return finding.id == "handshake-alert" &&
                                      finding.evidence["alert"]["from"] == "client";
                             }),
              out.end());
  }
  judge_sni(connection, out);
  judge_verification(connection, setup, out);
  judge_sip(connection, out);
  if (setup.requested_client_certificate) judge_client_chain(connection, context, out);
  return out;
}

}  // namespace tc
