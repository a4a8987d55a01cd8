#pragma once
// The little the listen rules need to know about a SIP URI as the client sent
// it: its scheme, its host, whether that host is an IP literal, and its
// transport parameter. Rules may not use the wire layer's full parser, and
// need only these four facts, read from the RFC 3261 §19.1.1 layout:
//
//   sip:user:password@host:port;uri-parameters?headers
//
// A name-addr (`"A" <sip:a@b;transport=tls>;tag=1`) is reduced to the URI
// between the angle brackets first, so Contact values can be given as sent.
#include <optional>
#include <string>
#include <string_view>

namespace tc {

struct SipUriFacts {
  std::string scheme;                    // "sip", "sips" (lower case), or another scheme as sent
  std::string host;                      // without IPv6 brackets
  bool host_is_ip = false;               // IPv4 or IPv6 literal
  std::optional<std::string> transport;  // transport= value, lower case
};

// nullopt when the text holds no "scheme:" URI with a host.
std::optional<SipUriFacts> read_sip_uri_facts(std::string_view text);

// sips: or ;transport=tls: the URI asks for TLS.
bool uri_asks_for_tls(const SipUriFacts& uri);

}  // namespace tc
