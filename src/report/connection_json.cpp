#include "report/connection_json.h"

#include "model/json_encoding.h"
#include "policy/alert_registry.h"
#include "policy/cipher_registry.h"
#include "report/json_text.h"

namespace tc {

namespace {

nlohmann::json optional_version(const std::optional<uint16_t>& version) {
  return version ? nlohmann::json(format_tls_version(*version)) : nlohmann::json(nullptr);
}

// The name of a handshake message type (or ChangeCipherSpec); empty when unknown.
std::string_view known_message_name(uint16_t type) {
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
    default: return {};
  }
}

std::string message_name(uint16_t type) {
  std::string_view known = known_message_name(type);
  return known.empty() ? "type " + std::to_string(type) : std::string(known);
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

namespace {

// Keys in sorted order throughout, as nlohmann's std::map writes them. Text
// that is not UTF-8 becomes U+FFFD, as in every report (JsonText).
void write_chain(JsonText& json, const std::vector<CertificateFacts>& chain) {
  json.raw('[');
  for (size_t i = 0; i < chain.size(); ++i) {
    const CertificateFacts& facts = chain[i];
    if (i > 0) json.raw(',');
    json.raw("{\"eku\":");
    if (facts.has_eku_extension) {
      json.string_array(facts.eku);
    } else {
      json.null();
    }
    json.raw(",\"issuer\":");
    json.string(facts.issuer);
    json.raw(",\"not_after\":\"");
    json.raw(format_instant(facts.not_after));
    json.raw("\",\"not_before\":\"");
    json.raw(format_instant(facts.not_before));
    json.raw("\",\"san\":");
    json.string_array(facts.san_dns);
    json.raw(",\"sha256\":");
    json.string(facts.sha256);
    json.raw(",\"subject\":");
    json.string(facts.subject);
    json.raw('}');
  }
  json.raw(']');
}

void write_suite_code(JsonText& json, uint16_t code) {
  static constexpr char kHex[] = "0123456789abcdef";
  const char text[] = {'"', '0', 'x', kHex[code >> 12], kHex[(code >> 8) & 15], kHex[(code >> 4) & 15],
                       kHex[code & 15], '"'};
  json.raw({text, sizeof text});
}

void write_optional_string(JsonText& json, const std::string& text) {
  if (text.empty()) {
    json.null();
  } else {
    json.string(text);
  }
}

void write_number(JsonText& json, uint64_t value) { json.integer(static_cast<int64_t>(value)); }

void write_connection(JsonText& json, const Connection& connection, const std::vector<std::string>& finding_ids,
                      std::string_view server_chain_json, std::string_view client_chain_json) {
  json.raw("{\"alerts\":[");
  for (size_t i = 0; i < connection.alerts.size(); ++i) {
    const AlertRecord& alert = connection.alerts[i];
    if (i > 0) json.raw(',');
    json.raw("{\"description\":");
    // Encrypted alerts carry neither a level nor a description we can read.
    if (alert.description) {
      write_number(json, *alert.description);
    } else {
      json.null();
    }
    json.raw(",\"frame\":");
    write_number(json, alert.frame);
    json.raw(alert.from == Side::client ? ",\"from\":\"client\",\"level\":" : ",\"from\":\"server\",\"level\":");
    if (alert.description) {
      write_number(json, alert.level);
      json.raw(",\"name\":");
      json.string(alert_name(*alert.description));
    } else {
      json.raw("null,\"name\":null");
    }
    json.raw('}');
  }
  json.raw("],\"anomalies\":");
  json.string_array(connection.anomalies);
  json.raw(connection.certificate_request ? ",\"certificate_request\":true" : ",\"certificate_request\":false");
  json.raw(",\"certificate_request_ca_names\":");
  json.string_array(connection.certificate_request_ca_names);
  json.raw(",\"cipher\":");
  if (connection.cipher) {
    write_suite_code(json, *connection.cipher);
  } else {
    json.null();
  }
  json.raw(",\"client\":");
  json.string(connection.client);
  json.raw(",\"client_certificates\":");
  if (connection.client_certificates) {
    write_number(json, *connection.client_certificates);
  } else {
    json.null();
  }
  json.raw(",\"client_chain\":");
  json.raw(client_chain_json);
  json.raw(",\"client_offer\":[");
  for (size_t i = 0; i < connection.client_offer.size(); ++i) {
    if (i > 0) json.raw(',');
    write_suite_code(json, connection.client_offer[i]);
  }
  json.raw("],\"direction\":\"");
  json.raw(to_string(connection.direction));
  json.raw(connection.established ? "\",\"established\":true" : "\",\"established\":false");
  json.raw(",\"findings\":");
  json.string_array(finding_ids);
  json.raw(",\"first_frame\":");
  write_number(json, connection.first_frame);
  json.raw(connection.incomplete ? ",\"incomplete\":true,\"ja3\":" : ",\"incomplete\":false,\"ja3\":");
  write_optional_string(json, connection.ja3);
  json.raw(",\"ja3s\":");
  write_optional_string(json, connection.ja3s);
  json.raw(",\"messages\":[");
  for (size_t i = 0; i < connection.messages.size(); ++i) {
    const MessageRecord& message = connection.messages[i];
    if (i > 0) json.raw(',');
    json.raw("{\"frame\":");
    write_number(json, message.frame);
    json.raw(message.from == Side::client ? ",\"from\":\"client\",\"type\":" : ",\"from\":\"server\",\"type\":");
    const std::string_view known = message.encrypted ? "encrypted" : known_message_name(message.type);
    if (known.empty()) {
      json.string(message_name(message.type));
    } else {
      json.string(known);  // no string made for the usual names
    }
    json.raw('}');
  }
  json.raw("],\"offered_versions\":[");
  for (size_t i = 0; i < connection.offered_versions.size(); ++i) {
    if (i > 0) json.raw(',');
    json.string(format_tls_version(connection.offered_versions[i]));
  }
  json.raw("],\"server\":");
  json.string(connection.server);
  json.raw(",\"server_chain\":");
  json.raw(server_chain_json);
  json.raw(",\"sip\":");
  if (connection.sip) {
    json.value(sip_to_json(connection.sip));
  } else {
    json.null();
  }
  json.raw(",\"sni\":");
  if (connection.sni) {
    json.string(*connection.sni);
  } else {
    json.null();
  }
  json.raw(",\"version\":");
  if (connection.version) {
    json.string(format_tls_version(*connection.version));
  } else {
    json.null();
  }
  json.raw('}');
}

}  // namespace

void append_chain_json(JsonText& out, const std::vector<CertificateFacts>& chain) { write_chain(out, chain); }

void append_connection_json(JsonText& out, const Connection& connection, const std::vector<std::string>& finding_ids,
                            std::string_view server_chain_json, std::string_view client_chain_json) {
  write_connection(out, connection, finding_ids, server_chain_json, client_chain_json);
}

}  // namespace tc
