#pragma once
// The targets a report judged — probed endpoints (probe, scan) or servers seen
// in a capture (pcap) — with the few facts the monitoring formats need
// (Prometheus, JUnit). Read back from the document's JSON sections, so every
// subcommand that fills them gets these formats for free.
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "model/connection.h"
#include "model/instant.h"
#include "report/document.h"

namespace tc {

struct CertificateExpiry {
  std::string subject;
  std::string sha256;
  Instant not_after{};
};

struct ReportTarget {
  std::string target;    // "sbc.example.com:5061" (probe, scan) or "203.0.113.5:5061" (pcap server)
  std::string address;   // the address probed (probe, scan); empty for pcap
  std::string label;     // the scan's target label, else empty
  std::string subject;   // how probe findings name it: "host (addr:port)" or "addr:port"
  std::optional<bool> probe_success;          // probe/scan: the platform handshake completed
  std::optional<bool> client_auth_requested;  // a CertificateRequest was seen (null: unknown)
  std::optional<uint64_t> suites_accepted;    // probe/scan with the suite scan
  std::optional<uint64_t> deprecated_suites_accepted;
  std::optional<uint64_t> connections;        // pcap: connections to this server
  std::optional<uint64_t> established;
  std::string error;                          // scan: why the target could not be probed
  std::vector<CertificateExpiry> certificates;  // the chain the target sent (distinct by sha256)
};

// Targets in document order. `deprecated` lists the profile's deprecated suite
// codes ("0x003d"), to count deprecated suites accepted.
std::vector<ReportTarget> report_targets(const ReportDocument& document, const std::vector<std::string>& deprecated);

// The target a finding is about: its endpoint (probe, scan), or the server
// of its first example connection (pcap); empty when it names none.
std::string finding_target(const Finding& finding);

// The same, falling back to the target whose `subject` the finding's subject
// starts with (probe findings that carry no endpoint evidence).
std::string finding_target(const Finding& finding, const std::vector<ReportTarget>& targets);

// "host:port" of a probe/scan endpoint JSON object.
std::string endpoint_target(const nlohmann::json& endpoint);

// pcap: per-server facts gathered while a capture streams by (bounded: at
// most `max_servers` servers; later new servers are only counted).
class ServerFacts {
 public:
  explicit ServerFacts(size_t max_servers = 10000) : max_servers_(max_servers) {}
  void add(const Connection& connection);
  // The "servers" section: [{server, connections, established,
  // certificate_requests, certificates: [{subject, sha256, not_after}]}] and
  // the number of servers left out at the cap.
  nlohmann::json to_json() const;
  uint64_t servers_omitted() const { return omitted_; }

 private:
  struct Server {
    uint64_t connections = 0, established = 0, certificate_requests = 0;
    std::map<std::string, CertificateExpiry> certificates;  // by sha256, at most 16
  };
  size_t max_servers_;
  std::map<std::string, Server> servers_;
  uint64_t omitted_ = 0;
};

}  // namespace tc
