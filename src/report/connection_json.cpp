#include "report/connection_json.h"

#include "model/json_encoding.h"
#include "policy/alert_registry.h"
#include "policy/cipher_registry.h"

namespace tc {

namespace {

nlohmann::json optional_version(const std::optional<uint16_t>& version) {
  return version ? nlohmann::json(format_tls_version(*version)) : nlohmann::json(nullptr);
}

std::string message_name(uint16_t type) {
  switch (type) {
    case 1: return "ClientHello";
    case 2: return "ServerHello";
    case 4: return "NewSessionTicket";
    case 11: return "Certificate";
    case 12: return "ServerKeyExchange";
    case 13: return "CertificateRequest";
    case 14: return "ServerHelloDone";
    case 15: return "CertificateVerify";
    case 16: return "ClientKeyExchange";
    case 20: return "Finished";
    case 256 + 20: return "ChangeCipherSpec";
    default: break;
  }
  return "type " + std::to_string(type);
}

nlohmann::json sip_to_json(const std::optional<SipEvidence>& sip) {
  if (!sip) return nullptr;
  nlohmann::json requests = nlohmann::json::array();
  for (const auto& request : sip->requests) {
    requests.push_back({{"method", request.method},
                        {"request_uri", request.request_uri},
                        {"via", request.via},
                        {"contact", request.contact},
                        {"user_agent", request.user_agent},
                        {"answered", request.answered == 0 ? nlohmann::json(nullptr) : nlohmann::json(request.answered)}});
  }
  nlohmann::json response = nullptr;
  if (sip->response) {
    response = {{"status", sip->response->status},
                {"reason", sip->response->reason},
                {"server", sip->response->server}};
  }
  return {{"requests", requests},
          {"response", response},
          {"error", sip->error.empty() ? nlohmann::json(nullptr) : nlohmann::json(sip->error)}};
}

}  // namespace

nlohmann::json chain_to_json(const std::vector<CertificateFacts>& chain) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& facts : chain) {
    out.push_back({{"subject", facts.subject},
                   {"issuer", facts.issuer},
                   {"sha256", facts.sha256},
                   {"not_before", format_instant(facts.not_before)},
                   {"not_after", format_instant(facts.not_after)},
                   {"eku", facts.has_eku_extension ? nlohmann::json(facts.eku) : nlohmann::json(nullptr)},
                   {"san", facts.san_dns}});
  }
  return out;
}

nlohmann::json connection_to_json(const Connection& connection, const std::vector<std::string>& finding_ids) {
  nlohmann::json offer = nlohmann::json::array();
  for (uint16_t suite : connection.client_offer) offer.push_back(format_suite_code(suite));
  nlohmann::json offered_versions = nlohmann::json::array();
  for (uint16_t version : connection.offered_versions) offered_versions.push_back(format_tls_version(version));
  nlohmann::json alerts = nlohmann::json::array();
  for (const auto& alert : connection.alerts) {
    alerts.push_back({{"from", to_string(alert.from)},
                      // Encrypted alerts carry neither a level nor a description we can read.
                      {"level", alert.description ? nlohmann::json(alert.level) : nlohmann::json(nullptr)},
                      {"description", alert.description ? nlohmann::json(*alert.description) : nlohmann::json(nullptr)},
                      {"name", alert.description ? nlohmann::json(alert_name(*alert.description)) : nlohmann::json(nullptr)},
                      {"frame", alert.frame}});
  }
  nlohmann::json messages = nlohmann::json::array();
  for (const auto& message : connection.messages) {
    messages.push_back({{"from", to_string(message.from)},
                        {"type", message.encrypted ? "encrypted" : message_name(message.type)},
                        {"frame", message.frame}});
  }
  return {{"client", connection.client},
          {"server", connection.server},
          {"direction", to_string(connection.direction)},
          {"first_frame", connection.first_frame},
          {"version", optional_version(connection.version)},
          {"offered_versions", offered_versions},
          {"client_offer", offer},
          {"sni", connection.sni ? nlohmann::json(*connection.sni) : nlohmann::json(nullptr)},
          {"ja3", connection.ja3.empty() ? nlohmann::json(nullptr) : nlohmann::json(connection.ja3)},
          {"ja3s", connection.ja3s.empty() ? nlohmann::json(nullptr) : nlohmann::json(connection.ja3s)},
          {"cipher", connection.cipher ? nlohmann::json(format_suite_code(*connection.cipher)) : nlohmann::json(nullptr)},
          {"server_chain", chain_to_json(connection.server_chain)},
          {"certificate_request", connection.certificate_request},
          {"certificate_request_ca_names", connection.certificate_request_ca_names},
          {"client_certificates", connection.client_certificates ? nlohmann::json(*connection.client_certificates)
                                                                 : nlohmann::json(nullptr)},
          {"client_chain", chain_to_json(connection.client_chain)},
          {"alerts", alerts},
          {"established", connection.established},
          {"incomplete", connection.incomplete},
          {"anomalies", connection.anomalies},
          {"findings", finding_ids},
          {"messages", messages},
          {"sip", sip_to_json(connection.sip)}};
}

}  // namespace tc
