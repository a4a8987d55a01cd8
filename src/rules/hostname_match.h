#pragma once
// Does a certificate identify a host? Two readings, because SIP stacks differ:
// generic TLS (RFC 6125: SAN dNSName, one left-most wildcard label, CN only
// without SAN) and strict SIP (RFC 5922 §7.1: SAN sip: URIs first, then
// dNSName, CN only without any SAN, no wildcards).
#include <string>
#include <string_view>

#include "model/certificate.h"

namespace tc {

struct HostnameMatch {
  bool host_is_ip = false;
  bool generic = false;       // RFC 6125 reading
  bool sip = false;           // RFC 5922 reading
  bool via_wildcard = false;  // the generic match needed a wildcard
  std::string matched_name;   // the certificate name that matched
  std::string reading_used;   // "SAN URI", "SAN dNSName", "CN", "SAN iPAddress"
};

bool is_ip_literal(std::string_view host);
HostnameMatch match_hostname(const CertificateFacts& certificate, std::string_view host);

}  // namespace tc
