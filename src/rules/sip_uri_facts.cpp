#include "rules/sip_uri_facts.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

#include "model/text.h"

namespace tc {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// "<uri>" inside a name-addr, else the text itself (an addr-spec).
std::string_view uri_part(std::string_view text) {
  auto open = text.find('<');
  if (open == std::string_view::npos) return text;
  auto close = text.find('>', open);
  if (close == std::string_view::npos) return {};
  return text.substr(open + 1, close - open - 1);
}

bool is_ip_literal(const std::string& host) {
  unsigned char buffer[16];
  return inet_pton(AF_INET, host.c_str(), buffer) == 1 || inet_pton(AF_INET6, host.c_str(), buffer) == 1;
}

}  // namespace

std::optional<SipUriFacts> read_sip_uri_facts(std::string_view text) {
  std::string_view uri = uri_part(text);
  while (!uri.empty() && (uri.front() == ' ' || uri.front() == '\t')) uri.remove_prefix(1);
  auto colon = uri.find(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  SipUriFacts facts;
  facts.scheme = lower(uri.substr(0, colon));
  // Headers ("?…") may hold anything escaped; the parameters end there. The
  // userinfo (which may carry ";tgrp=…", RFC 4904) ends at the '@'.
  std::string_view rest = uri.substr(colon + 1);
  rest = rest.substr(0, rest.find('?'));
  auto at = rest.find('@');
  std::string_view after_user = at == std::string_view::npos ? rest : rest.substr(at + 1);
  std::string_view hostport = after_user.substr(0, after_user.find(';'));
  std::string_view params = after_user.substr(hostport.size());
  // host = hostname / IPv4address / IPv6reference ("[" IPv6address "]").
  if (!hostport.empty() && hostport.front() == '[') {
    auto close = hostport.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    facts.host = std::string(hostport.substr(1, close - 1));
  } else {
    facts.host = std::string(hostport.substr(0, hostport.find(':')));
  }
  if (facts.host.empty()) return std::nullopt;
  facts.host_is_ip = is_ip_literal(facts.host);
  // uri-parameters = *( ";" uri-parameter )
  while (!params.empty()) {
    if (params.front() == ';') params.remove_prefix(1);
    std::string_view param = params.substr(0, params.find(';'));
    params.remove_prefix(param.size());
    auto equals = param.find('=');
    if (equals != std::string_view::npos && equals_ignoring_case(param.substr(0, equals), "transport")) {
      facts.transport = lower(param.substr(equals + 1));
    }
  }
  return facts;
}

bool uri_asks_for_tls(const SipUriFacts& uri) { return uri.scheme == "sips" || uri.transport == "tls"; }

}  // namespace tc
