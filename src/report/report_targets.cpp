#include "report/report_targets.h"

#include <algorithm>
#include <set>

namespace tc {

namespace {

std::string string_or(const nlohmann::json& object, const char* key, const std::string& fallback = "") {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

void add_chain(const nlohmann::json& chain, ReportTarget& target) {
  if (!chain.is_array()) return;
  for (const auto& certificate : chain) {
    std::string sha256 = string_or(certificate, "sha256");
    auto not_after = parse_instant(string_or(certificate, "not_after"));
    if (sha256.empty() || !not_after) continue;
    bool seen = std::any_of(target.certificates.begin(), target.certificates.end(),
                            [&](const CertificateExpiry& known) { return known.sha256 == sha256; });
    if (!seen) target.certificates.push_back({string_or(certificate, "subject"), sha256, *not_after});
  }
}

ReportTarget endpoint_as_target(const nlohmann::json& endpoint, const std::set<std::string>& deprecated) {
  ReportTarget target;
  target.target = endpoint_target(endpoint);
  target.address = string_or(endpoint, "address");
  target.label = string_or(endpoint, "label");
  if (!target.address.empty()) {
    std::string address = target.address.find(':') != std::string::npos ? "[" + target.address + "]" : target.address;
    auto port = endpoint.find("port");
    if (port != endpoint.end() && port->is_number_integer()) address += ":" + std::to_string(port->get<int64_t>());
    std::string host = string_or(endpoint, "host");
    target.subject = host.empty() || host == target.address ? address : host + " (" + address + ")";
  }
  if (auto error = endpoint.find("error"); error != endpoint.end() && error->is_string()) target.error = *error;
  if (auto handshake = endpoint.find("platform_handshake"); handshake != endpoint.end() && handshake->is_object()) {
    target.probe_success = handshake->value("completed", false);
  } else if (!target.error.empty()) {
    target.probe_success = false;
  }
  std::string client_auth = string_or(endpoint, "client_auth");
  if (client_auth == "none") target.client_auth_requested = false;
  if (client_auth == "optional" || client_auth == "required") target.client_auth_requested = true;
  if (auto suites = endpoint.find("suites_accepted"); suites != endpoint.end() && suites->is_array()) {
    target.suites_accepted = suites->size();
    uint64_t count = 0;
    for (const auto& suite : *suites) {
      if (suite.is_string() && deprecated.count(suite.get<std::string>())) ++count;
    }
    target.deprecated_suites_accepted = count;
  }
  if (auto chain = endpoint.find("chain"); chain != endpoint.end()) add_chain(*chain, target);
  return target;
}

}  // namespace

std::string endpoint_target(const nlohmann::json& endpoint) {
  std::string host = string_or(endpoint, "host", string_or(endpoint, "address"));
  if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";
  auto port = endpoint.find("port");
  if (port != endpoint.end() && port->is_number_integer()) host += ":" + std::to_string(port->get<int64_t>());
  return host;
}

std::vector<ReportTarget> report_targets(const ReportDocument& document, const std::vector<std::string>& deprecated) {
  std::set<std::string> deprecated_set(deprecated.begin(), deprecated.end());
  std::vector<ReportTarget> out;
  const nlohmann::json& sections = document.sections;
  if (auto endpoints = sections.find("endpoints"); endpoints != sections.end() && endpoints->is_array()) {
    for (const auto& endpoint : *endpoints) {
      if (!endpoint.is_object()) continue;
      // scan wraps the probe's endpoint object, or lists it flat with label/error.
      const nlohmann::json& inner =
          endpoint.contains("endpoint") && endpoint["endpoint"].is_object() ? endpoint["endpoint"] : endpoint;
      ReportTarget target = endpoint_as_target(inner, deprecated_set);
      if (target.target.empty() || target.target.front() == ':') target.target = string_or(endpoint, "target");
      if (target.label.empty()) target.label = string_or(endpoint, "label");
      if (target.error.empty()) target.error = string_or(endpoint, "error");
      if (!target.error.empty() && !target.probe_success) target.probe_success = false;
      out.push_back(std::move(target));
    }
  }
  if (auto servers = sections.find("servers"); servers != sections.end() && servers->is_array()) {
    for (const auto& server : *servers) {
      ReportTarget target;
      target.target = string_or(server, "server");
      target.connections = server.value("connections", uint64_t{0});
      target.established = server.value("established", uint64_t{0});
      target.client_auth_requested = server.value("certificate_requests", uint64_t{0}) > 0;
      if (auto chain = server.find("certificates"); chain != server.end()) add_chain(*chain, target);
      out.push_back(std::move(target));
    }
  }
  return out;
}

std::string finding_target(const Finding& finding) {
  const nlohmann::json& evidence = finding.evidence;
  if (auto endpoint = evidence.find("endpoint"); endpoint != evidence.end() && endpoint->is_object()) {
    return endpoint_target(*endpoint);
  }
  if (auto target = evidence.find("target"); target != evidence.end() && target->is_string()) return *target;
  if (auto examples = evidence.find("examples"); examples != evidence.end() && examples->is_array() &&
                                                   !examples->empty() && examples->front().is_object()) {
    return string_or(examples->front(), "server");
  }
  if (auto connection = evidence.find("connection"); connection != evidence.end() && connection->is_object()) {
    return string_or(*connection, "server");
  }
  return "";
}

std::string finding_target(const Finding& finding, const std::vector<ReportTarget>& targets) {
  std::string target = finding_target(finding);
  if (!target.empty()) return target;
  for (const auto& candidate : targets) {
    if (!candidate.subject.empty() && finding.subject.starts_with(candidate.subject)) return candidate.target;
  }
  return "";
}

void ServerFacts::add(const Connection& connection) {
  auto it = servers_.find(connection.server);
  if (it == servers_.end()) {
    if (servers_.size() >= max_servers_) {
      ++omitted_;
      return;
    }
    it = servers_.emplace(connection.server, Server{}).first;
  }
  Server& server = it->second;
  ++server.connections;
  if (connection.established) ++server.established;
  if (connection.certificate_request) ++server.certificate_requests;
  for (const auto& facts : connection.server_chain) {
    if (server.certificates.size() >= 16 || facts.sha256.empty()) break;
    server.certificates.emplace(facts.sha256, CertificateExpiry{facts.subject, facts.sha256, facts.not_after});
  }
}

nlohmann::json ServerFacts::to_json() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [name, server] : servers_) {
    nlohmann::json certificates = nlohmann::json::array();
    for (const auto& [sha256, certificate] : server.certificates) {
      certificates.push_back(
          {{"subject", certificate.subject}, {"sha256", sha256}, {"not_after", format_instant(certificate.not_after)}});
    }
    out.push_back({{"server", name},
                   {"connections", server.connections},
                   {"established", server.established},
                   {"certificate_requests", server.certificate_requests},
                   {"certificates", certificates}});
  }
  return out;
}

}  // namespace tc
