#pragma once
// The targets file of `trunkcheck scan`: one endpoint per line,
//   host[:port] [label] [key=value …]      # comment
// or CSV (header optional: host,port,label,sni,timeout,address,client-cert,
// client-key,profile,at,trust).
// IPv6 addresses go in brackets when a port follows ("[2001:db8::1]:5061").
// Pure: parses text already read, never touches files or the network. A bad
// line is reported with its line number and the rest is used. Bounded: lines
// longer than max_line_bytes and targets beyond max_targets are refused (and
// reported), so a hostile or mistaken file cannot make the scan unbounded.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/instant.h"

namespace tc::sources {

struct TargetListLimits {
  size_t max_line_bytes = 4096;
  size_t max_targets = 100000;
  size_t max_problems = 100;   // problems recorded; later ones are only counted
  uint16_t default_port = 5061;
};

// Per-target overrides of the scan's options (key=value on the line).
struct Target {
  size_t line = 0;              // 1-based line number in the file
  std::string host;             // without brackets
  uint16_t port = 0;
  std::string label;            // empty when none was given
  std::optional<std::string> sni;          // sni=NAME
  std::optional<std::string> address;      // address=IP (probe only this address)
  std::optional<double> timeout_seconds;   // timeout=SECONDS (0.1-120)
  std::optional<std::string> client_cert;  // client-cert=PATH
  std::optional<std::string> client_key;   // client-key=PATH
  std::optional<std::string> profile;      // profile=NAME|FILE (loaded by the scan)
  std::optional<Instant> at;               // at=DATE (ISO 8601): judged as of then
  std::optional<std::string> trust;        // trust=FILE: replaces the scan's --trust files
  // "host:port" / "[v6]:port": the key the store and history use.
  std::string spec() const;
};

struct TargetProblem {
  size_t line = 0;
  std::string message;
};

struct TargetList {
  std::vector<Target> targets;
  std::vector<TargetProblem> problems;   // at most max_problems
  size_t problems_total = 0;              // including those not recorded
  bool truncated = false;                 // max_targets reached; later lines ignored
  bool csv = false;                       // read as CSV
};

// The keys a target line may set (documented in README and docs/security.md).
const std::vector<std::string_view>& target_keys();

TargetList parse_target_list(std::string_view text, const TargetListLimits& limits = {});

}  // namespace tc::sources
