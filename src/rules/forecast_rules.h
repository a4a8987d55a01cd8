#pragma once
// `trunkcheck forecast`: what needs action before a date, from the facts the
// scans stored (never a live connection) and the profile's timeline, judged
// at context.at (never the wall clock). Findings reuse the catalogue's ids and
// severities: a forecast names the same problem a probe would, with the date
// it starts to matter.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/certificate.h"
#include "model/endpoint.h"
#include "model/finding.h"
#include "rules/context.h"
#include "rules/lifetime.h"

namespace tc {

// The latest stored facts about one endpoint (a target's address).
struct StoredEndpointFacts {
  std::string target;                    // "host:port" as in the targets file
  std::string label;
  std::string address;
  int64_t run_id = 0;
  Instant probed_at{};
  bool reachable = false;
  std::string error;
  std::optional<CertificateFacts> leaf;   // the endpoint's certificate (stored fields)
  std::optional<CertificateFacts> anchor; // the root its chain verified to, when it did
  ClientAuth client_auth = ClientAuth::unknown;
  bool suites_scanned = false;
  std::vector<uint16_t> suites_accepted;
  std::optional<uint16_t> platform_cipher;  // what the platform's offer negotiated
  bool without_deprecated_tested = false;
  bool without_deprecated_connected = false;
};

struct EndpointForecast {
  size_t index = 0;                          // into the facts given
  std::optional<Instant> expires;            // the leaf's notAfter
  bool expires_before_until = false;
  std::optional<LifetimeLimitAt> renewal_now;        // a certificate issued at `at`
  std::optional<LifetimeLimitAt> renewal_at_expiry;  // … issued on the day it expires
  std::optional<Instant> root_distrusted_on;
  std::string root_distrust_event;
  Findings findings;
};

struct ForecastJudgement {
  std::vector<EndpointForecast> endpoints;
  Findings findings;  // every endpoint's, in order
};

// "label (target, address)" or "target (address)": how forecast findings name an endpoint.
std::string stored_endpoint_label(const StoredEndpointFacts& facts);

// Judges each endpoint's stored facts at context.at for the window up to `until`.
ForecastJudgement forecast_endpoints(const std::vector<StoredEndpointFacts>& endpoints, const RuleContext& context,
                                     Instant until);

}  // namespace tc
