#include "rules/hostname_match.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cctype>

namespace tc {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  if (!out.empty() && out.back() == '.') out.pop_back();  // absolute form "host.example."
  return out;
}

// RFC 6125 §6.4.3: a wildcard only as the whole left-most label, matching
// exactly one label, never a public suffix alone ("*.com").
bool wildcard_matches(std::string_view pattern, std::string_view host) {
  if (pattern.size() < 3 || pattern.substr(0, 2) != "*.") return false;
  std::string_view rest = pattern.substr(1);  // ".example.com"
  if (rest.find('.', 1) == std::string_view::npos) return false;
  if (host.size() <= rest.size() || host.substr(host.size() - rest.size()) != rest) return false;
  std::string_view label = host.substr(0, host.size() - rest.size());
  return !label.empty() && label.find('.') == std::string_view::npos;
}

// "sip:example.com" (no user part, RFC 5922 §7.1) → "example.com".
std::optional<std::string> sip_domain_of(std::string_view uri) {
  std::string value = lower(uri);
  if (!value.starts_with("sip:")) return std::nullopt;
  std::string rest = value.substr(4);
  if (rest.find('@') != std::string::npos) return std::nullopt;
  size_t end = rest.find_first_of(";:?>");
  return rest.substr(0, end);
}

std::string normalise_ip(std::string_view text) {
  std::string value(text);
  if (value.size() > 2 && value.front() == '[' && value.back() == ']') value = value.substr(1, value.size() - 2);
  unsigned char buffer[16];
  char out[INET6_ADDRSTRLEN];
  if (inet_pton(AF_INET, value.c_str(), buffer) == 1) return inet_ntop(AF_INET, buffer, out, sizeof out);
  if (inet_pton(AF_INET6, value.c_str(), buffer) == 1) return inet_ntop(AF_INET6, buffer, out, sizeof out);
  return value;
}

}  // namespace

bool is_ip_literal(std::string_view host) {
  std::string value(host);
  if (value.size() > 2 && value.front() == '[' && value.back() == ']') value = value.substr(1, value.size() - 2);
  unsigned char buffer[16];
  return inet_pton(AF_INET, value.c_str(), buffer) == 1 || inet_pton(AF_INET6, value.c_str(), buffer) == 1;
}

HostnameMatch match_hostname(const CertificateFacts& certificate, std::string_view host_text) {
  HostnameMatch result;
  result.host_is_ip = is_ip_literal(host_text);
  if (result.host_is_ip) {
    // An IP may match a SAN iPAddress for generic TLS; SIP identity never uses it.
    std::string wanted = normalise_ip(host_text);
    for (const auto& ip : certificate.san_ip) {
      if (normalise_ip(ip) == wanted) {
        result.generic = true;
        result.matched_name = ip;
        result.reading_used = "SAN iPAddress";
      }
    }
    return result;
  }

  std::string host = lower(host_text);
  bool has_any_san = !certificate.san_dns.empty() || !certificate.san_uri.empty() || !certificate.san_ip.empty();

  // Generic (RFC 6125): dNSName, exact or wildcard; CN only when no dNSName.
  for (const auto& name : certificate.san_dns) {
    std::string candidate = lower(name);
    if (candidate == host) {
      result.generic = true;
      result.via_wildcard = false;
      result.matched_name = name;
      result.reading_used = "SAN dNSName";
      break;
    }
    if (!result.generic && wildcard_matches(candidate, host)) {
      result.generic = true;
      result.via_wildcard = true;
      result.matched_name = name;
      result.reading_used = "SAN dNSName (wildcard)";
    }
  }
  if (!result.generic && certificate.san_dns.empty() && !certificate.common_name.empty()) {
    std::string cn = lower(certificate.common_name);
    if (cn == host || wildcard_matches(cn, host)) {
      result.generic = true;
      result.via_wildcard = cn != host;
      result.matched_name = certificate.common_name;
      result.reading_used = "CN";
    }
  }

  // SIP (RFC 5922 §7.1): SAN URIs with a sip: domain take precedence; then
  // dNSName; CN only when there is no SAN at all; never wildcards.
  std::vector<std::string> sip_domains;
  for (const auto& uri : certificate.san_uri) {
    if (auto domain = sip_domain_of(uri)) sip_domains.push_back(*domain);
  }
  if (!sip_domains.empty()) {
    result.sip = std::find(sip_domains.begin(), sip_domains.end(), host) != sip_domains.end();
    if (result.sip && !result.generic) {
      result.matched_name = "sip:" + host;
      result.reading_used = "SAN URI";
    }
  } else if (!certificate.san_dns.empty()) {
    result.sip = std::any_of(certificate.san_dns.begin(), certificate.san_dns.end(),
                             [&](const std::string& name) { return lower(name) == host; });
  } else if (!has_any_san) {
    result.sip = lower(certificate.common_name) == host;
  }
  return result;
}

}  // namespace tc
