#pragma once
// Enumerates what a TLS server accepts with crafted ClientHellos (one
// hello_attempt per question, each stopped after the ServerHello): TLS
// versions, the TLS 1.2 suites it accepts, whether its preference or the
// client's decides and its order, and what it picks from the platform's offer
// with and without the deprecated suites.
//
// Phases, each parallel up to max_connections and each needing the one before:
//   1. versions (SSL 3.0, TLS 1.0, 1.1, 1.2 without supported_versions; 1.3 with it) and
//      the two platform offers;
//   2. TLS 1.2 suites: the candidates split round-robin into groups, each
//      offered repeatedly with the chosen suite removed until the server refuses;
//   3. the accepted suites offered forward and reversed (who decides);
//   4. if the server decides: its order, by sequential elimination.
// A silent endpoint (attempts that time out or cannot connect, several in a
// row) ends the scan early with a partial result and a note, instead of
// costing one timeout per remaining attempt.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/connection.h"
#include "sources/hello_attempt.h"
#include "sources/socket.h"

namespace tc::sources {

struct SuiteScanRequest {
  SocketAddress address;
  std::optional<std::string> sni;        // host name for server_name; nullopt for IP literals
  std::vector<uint16_t> candidates;      // TLS 1.2 suites to enumerate; empty: default_scan_candidates()
  std::vector<uint16_t> platform_offer;  // Profile::offer_order (the platform as client), in order
  std::vector<uint16_t> deprecated;      // Profile::deprecated_suites
  int max_connections = 4;               // attempts in flight at once
  std::chrono::milliseconds attempt_timeout{5000};
  int silent_limit = 3;  // consecutive silent attempts before giving up
  // Least time between two attempt starts, for endpoints that block clients
  // opening connections too fast (SBC DoS protection); 0: no pacing.
  std::chrono::milliseconds pace{0};
};

// Every TLS 1.2 suite of the cipher registry (no TLS 1.3 suites, no SCSVs).
std::vector<uint16_t> default_scan_candidates();

struct VersionSupport {
  uint16_t version = 0;
  bool tested = false;     // false when the scan stopped before asking
  bool supported = false;  // a ServerHello choosing exactly this version
  HelloOutcome outcome = HelloOutcome::connect_failed;
  std::optional<uint16_t> answered_version;  // what a ServerHello chose (may differ from `version`)
  std::optional<uint16_t> cipher;
  std::optional<uint8_t> alert;
  std::string reason;  // why not supported; empty when supported
};

// The answer to one fixed offer (the platform's, or the platform's without
// its deprecated suites).
struct OfferResult {
  bool tested = false;  // false: no offer to make, or the scan stopped first
  std::vector<uint16_t> offered;
  bool connected = false;  // a ServerHello arrived
  std::optional<uint16_t> suite;
  std::optional<uint16_t> version;
  HelloOutcome outcome = HelloOutcome::connect_failed;
  std::optional<uint8_t> alert;
  std::string failure;  // empty when connected
};

struct ScanAttempt {
  std::string purpose;        // "version TLS 1.3", "TLS 1.2 suites, group 2 of 4, offer 3" …
  HelloAttemptResult result;  // outcome, version, suite, error, elapsed, Connection
};

struct SuiteScanResult {
  std::vector<VersionSupport> versions;   // SSL 3.0, TLS 1.0, 1.1, 1.2, 1.3, in that order
  std::vector<uint16_t> suites_accepted;  // TLS 1.2, in candidate order
  bool preference_tested = false;         // needs two accepted suites and both answers
  bool server_preference = false;         // the server's order decides, not the client's
  // The server's order over suites_accepted; empty unless server_preference.
  std::vector<uint16_t> preference_order;
  OfferResult platform_choice;        // TLS 1.2, SNI set, the platform's offer in its order
  OfferResult without_deprecated;     // the same offer minus the deprecated suites
  std::vector<ScanAttempt> attempts;  // every connection made, in start order
  std::chrono::milliseconds wall_time{0};
  bool complete = true;            // false: the endpoint stopped answering mid-scan
  std::vector<std::string> notes;  // what limited or qualifies the result

  [[nodiscard]] size_t attempt_count() const { return attempts.size(); }
  [[nodiscard]] const VersionSupport* version(uint16_t version) const;
};

SuiteScanResult scan_suites(const SuiteScanRequest& request);

}  // namespace tc::sources
