#pragma once
// `trunkcheck probe`: calls an endpoint the way the platform calls it and
// gathers EndpointEvidence per resolved address, in five steps:
//   1. the platform's outbound handshake (TLS 1.2, the profile's offer, SNI);
//   2. client authentication read from it (none / optional / required);
//   3. the EKU drill when a certificate is requested: generated serverAuth-only
//      and serverAuth+clientAuth certificates, and the user's own;
//   4. suites and versions with crafted ClientHellos (suite_scanner);
//   5. SIP OPTIONS over a completed connection.
// Gathering only: the rules judge the evidence afterwards.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "model/endpoint.h"
#include "policy/profile.h"
#include "sources/client_credential.h"

namespace tc::sources {

struct ProbeRequest {
  std::string host;
  uint16_t port = 5061;
  std::optional<std::string> sni;            // --sni; default: host unless it is an IP literal
  std::optional<std::string> address;        // --address: probe only this one
  const ClientCredential* user_credential = nullptr;  // --client-cert/--client-key
  std::chrono::milliseconds timeout{5000};   // per step (each connection)
  int max_connections = 8;                   // parallel attempts within one probe
  const Profile* profile = nullptr;
  bool scan_suites = true;
  // The wall clock (read by the CLI): generated drill certificates must be
  // valid by the endpoint's clock, whatever --at says.
  Instant now{};
};

struct ProbeOutcome {
  std::vector<EndpointEvidence> endpoints;   // one per address probed
  std::string error;                         // resolution failed / nothing could connect
};

ProbeOutcome probe_endpoint(const ProbeRequest& request);

}  // namespace tc::sources
