#include "report/endpoint_json.h"

#include <fmt/format.h>

#include <algorithm>

#include "policy/alert_registry.h"
#include "policy/cipher_registry.h"
#include "report/connection_json.h"

namespace tc {

namespace {

nlohmann::json suite_list(const std::vector<uint16_t>& suites) {
  nlohmann::json out = nlohmann::json::array();
  for (uint16_t suite : suites) out.push_back(format_suite_code(suite));
  return out;
}

nlohmann::json offer_json(const OfferCheck& check) {
  if (!check.tested) return nullptr;
  return {{"offered", suite_list(check.offered)},
          {"connected", check.connected},
          {"cipher", check.suite ? nlohmann::json(format_suite_code(*check.suite)) : nlohmann::json(nullptr)},
          {"failure", check.failure.empty() ? nlohmann::json(nullptr) : nlohmann::json(check.failure)}};
}

std::string drill_outcome(const DrillAttempt& drill) {
  if (drill.completed) return "accepted";
  return drill.alert ? "rejected" : "error";
}

}  // namespace

nlohmann::json endpoint_to_json(const EndpointEvidence& endpoint, const EndpointJudgement& judgement) {
  nlohmann::json drill = nlohmann::json::array();
  for (const auto& attempt : endpoint.eku_drill) {
    drill.push_back({{"certificate", to_string(attempt.credential)},
                     {"label", attempt.label},
                     {"client_auth_eku", attempt.has_client_auth_eku},
                     {"outcome", drill_outcome(attempt)},
                     {"alert", attempt.alert ? nlohmann::json(*attempt.alert) : nlohmann::json(nullptr)},
                     {"alert_name", attempt.alert ? nlohmann::json(alert_name(*attempt.alert)) : nlohmann::json(nullptr)},
                     {"error", attempt.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(attempt.error)},
                     {"connection", attempt.connection}});
  }
  nlohmann::json versions = nlohmann::json::object();
  for (const auto& version : endpoint.versions) {
    versions[format_tls_version(version.version)] =
        version.tested ? nlohmann::json(version.supported) : nlohmann::json(nullptr);
  }
  nlohmann::json sip = nullptr;
  if (endpoint.sip) {
    const auto& response = endpoint.sip->response;
    sip = {{"status", response ? nlohmann::json(response->status) : nlohmann::json(nullptr)},
           {"reason", response ? nlohmann::json(response->reason) : nlohmann::json(nullptr)},
           {"server", response && !response->server.empty() ? nlohmann::json(response->server) : nlohmann::json(nullptr)},
           {"error", endpoint.sip->error.empty() ? nlohmann::json(nullptr) : nlohmann::json(endpoint.sip->error)}};
  }
  return {{"host", endpoint.host},
          {"address", endpoint.address},
          {"port", endpoint.port},
          {"sni", endpoint.sni ? nlohmann::json(*endpoint.sni) : nlohmann::json(nullptr)},
          {"outbound_verdict", judgement.outbound_verdict},
          {"platform_handshake",
           {{"completed", endpoint.platform_handshake_completed},
            {"error", endpoint.platform_handshake_error.empty() ? nlohmann::json(nullptr)
                                                                : nlohmann::json(endpoint.platform_handshake_error)},
            {"connection", endpoint.platform_connection}}},
          {"client_auth", to_string(endpoint.client_auth)},
          {"client_ca_names", endpoint.client_ca_names},
          {"eku_drill", drill},
          {"suites_accepted", endpoint.suites_scanned ? suite_list(endpoint.suites_accepted) : nlohmann::json(nullptr)},
          {"server_preference",
           endpoint.server_preference_tested ? nlohmann::json(endpoint.server_preference) : nlohmann::json(nullptr)},
          {"preference_order", suite_list(endpoint.preference_order)},
          {"platform_offer", offer_json(endpoint.platform_offer)},
          {"without_deprecated", offer_json(endpoint.without_deprecated)},
          {"versions", versions},
          {"chain", chain_to_json(endpoint.chain)},
          {"sip", sip},
          {"complete", endpoint.complete},
          {"notes", endpoint.notes},
          {"elapsed_seconds", endpoint.elapsed_seconds}};
}

nlohmann::json endpoint_connections_json(const EndpointEvidence& endpoint, const EndpointJudgement& judgement) {
  nlohmann::json out = nlohmann::json::array();
  for (size_t i = 0; i < endpoint.connections.size(); ++i) {
    nlohmann::json connection = connection_to_json(endpoint.connections[i], judgement.connection_findings.at(i));
    connection["purpose"] = endpoint.connection_purposes.at(i);
    out.push_back(std::move(connection));
  }
  return out;
}

nlohmann::json endpoint_ladder_connections_json(const EndpointEvidence& endpoint, const EndpointJudgement& judgement) {
  std::vector<size_t> indexes{endpoint.platform_connection};
  for (const auto& attempt : endpoint.eku_drill) {
    if (std::find(indexes.begin(), indexes.end(), attempt.connection) == indexes.end()) indexes.push_back(attempt.connection);
  }
  nlohmann::json out = nlohmann::json::array();
  for (size_t i : indexes) {
    if (i >= endpoint.connections.size()) continue;
    nlohmann::json connection = connection_to_json(endpoint.connections[i], judgement.connection_findings.at(i));
    connection["purpose"] = endpoint.connection_purposes.at(i);
    out.push_back(std::move(connection));
  }
  return out;
}

TextSection endpoint_text(const EndpointEvidence& endpoint, const EndpointJudgement& judgement) {
  TextSection section{"Endpoint " + endpoint_label(endpoint), {}};
  auto& lines = section.lines;
  lines.push_back(judgement.outbound_verdict);
  std::string handshake = endpoint.platform_handshake_completed ? "completed" : "failed: " + endpoint.platform_handshake_error;
  const Connection& platform = endpoint.connections.at(endpoint.platform_connection);
  lines.push_back(fmt::format("platform handshake (TLS 1.2, SNI {}): {}{}", endpoint.sni.value_or("none"), handshake,
                              platform.cipher ? ", cipher " + describe_suite(*platform.cipher) : std::string()));
  lines.push_back("client authentication: " + std::string(to_string(endpoint.client_auth)) +
                  (endpoint.client_ca_names.empty() ? std::string()
                                                    : fmt::format(" (CA names: {})", fmt::join(endpoint.client_ca_names, "; "))));
  for (const auto& attempt : endpoint.eku_drill) {
    lines.push_back(fmt::format("  drill: {} → {}{}", attempt.label, drill_outcome(attempt),
                                attempt.alert ? fmt::format(" (alert {} {})", *attempt.alert, alert_name(*attempt.alert))
                                              : std::string()));
  }
  if (endpoint.suites_scanned) {
    std::vector<std::string> codes;
    for (uint16_t suite : endpoint.suites_accepted) codes.push_back(format_suite_code(suite));
    lines.push_back(fmt::format("TLS 1.2 suites accepted ({}): {}", codes.size(), fmt::join(codes, " ")));
    if (endpoint.server_preference_tested) {
      lines.push_back(endpoint.server_preference ? "order: the server's preference decides" : "order: the client's offer decides");
    }
    if (endpoint.platform_offer.tested) {
      lines.push_back("the platform's offer gets: " +
                      (endpoint.platform_offer.suite ? describe_suite(*endpoint.platform_offer.suite)
                                                     : "no ServerHello (" + endpoint.platform_offer.failure + ")"));
    }
    if (endpoint.without_deprecated.tested) {
      lines.push_back("without the deprecated suites: " +
                      (endpoint.without_deprecated.suite ? describe_suite(*endpoint.without_deprecated.suite)
                                                         : "no ServerHello (" + endpoint.without_deprecated.failure + ")"));
    }
    std::vector<std::string> versions;
    for (const auto& version : endpoint.versions) {
      if (version.tested) versions.push_back(format_tls_version(version.version) + (version.supported ? " yes" : " no"));
    }
    lines.push_back(fmt::format("versions: {}", fmt::join(versions, ", ")));
  }
  if (endpoint.sip) {
    if (endpoint.sip->response) {
      lines.push_back(fmt::format("SIP OPTIONS: {} {}{}", endpoint.sip->response->status, endpoint.sip->response->reason,
                                  endpoint.sip->response->server.empty() ? "" : " (" + endpoint.sip->response->server + ")"));
    } else {
      lines.push_back("SIP OPTIONS: " + endpoint.sip->error);
    }
  }
  for (const auto& note : endpoint.notes) lines.push_back("note: " + note);
  lines.push_back(fmt::format("{} connections in {:.2f} s", endpoint.connections.size(), endpoint.elapsed_seconds));
  return section;
}

}  // namespace tc
