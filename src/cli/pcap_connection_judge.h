#pragma once
// What `pcap` does with each connection as the capture reader finishes it:
// completes the evidence (certificates, chain verdict, JA3), sets the
// direction, judges it and renders its JSON listing. One judge per worker
// thread: its caches are its own, everything it shares is read-only.
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "model/connection.h"
#include "model/finding.h"
#include "report/chain_json_cache.h"
#include "report/json_text.h"
#include "rules/context.h"
#include "sources/endpoint_matcher.h"
#include "sources/evidence_completer.h"
#include "wire/parallel_capture.h"

namespace tc::cli {

// The certificate findings on one server chain checked against one name:
// judged once, shared by every connection that presented that chain.
struct JudgedChain {
  Findings findings;  // without connection evidence
  std::string label;  // the leaf's label in their subjects ("CN=x (frame 9)")
};

struct JudgedConnection final : wire::WorkerOutput {
  // With a judge made with `copy_server_chains` (reports that read each
  // connection whole: HTML, Prometheus, JUnit) the whole connection. Otherwise
  // only what the tally reads: endpoints, direction, frames, versions, suite,
  // SNI and the handshake's flags; the server chain is shared_server_chain.
  Connection connection;
  std::shared_ptr<const std::vector<CertificateFacts>> shared_server_chain;
  uint64_t server_certificate_frame = 0;
  Findings findings;                          // the handshake's own (client authentication, suites, …)
  std::shared_ptr<const JudgedChain> chain;   // then these; null when no chain was seen
  std::vector<std::string> ids;               // distinct finding ids of both, in the order first raised
  std::string listing;                        // the connections[] element as JSON text; empty when not listed

  // How findings name this connection's own leaf ("CN=x (frame 9)"); empty without a chain.
  std::string leaf_label() const;
};

class ConnectionJudge {
 public:
  enum class Listing { all, with_findings, none };

  // `copy_server_chains`: every connection carries its server chain's facts
  // (reports that need them per connection: HTML, Prometheus, JUnit); else
  // connections share one copy per chain.
  ConnectionJudge(const x509::TrustStore& trust, const sources::EndpointMatcher& matcher, const RuleContext& context,
                  Listing listing, bool copy_server_chains);

  JudgedConnection judge(Connection&& connection);

 private:
  std::shared_ptr<const JudgedChain> judge_chain(const Connection& connection,
                                                 const std::vector<CertificateFacts>& server_chain,
                                                 const sources::EvidenceCompleter::Completed& evidence);
  // The direction; whether the names point at the platform is looked up
  // once per SNI and leaf.
  Direction direction_of(const Connection& connection, const std::vector<CertificateFacts>& server_chain);

  // The handshake's findings: brief (ids only) unless one starts a finding
  // group (FindingGroups::group_key) this judge has not yet produced whole.
  Findings judge_handshake_findings(const Connection& connection);

  sources::EvidenceCompleter completer_;
  const sources::EndpointMatcher& matcher_;
  const RuleContext& context_;
  RuleContext brief_context_;
  Listing listing_;
  bool copy_server_chains_;
  // Bounded caches, cleared when full: a capture repeats a few chains
  // thousands of times, but may also hold endless distinct ones.
  std::unordered_map<std::string, std::shared_ptr<const JudgedChain>> chains_;  // by name and chain
  std::unordered_map<std::string, bool> names_platform_;                         // by leaf and SNI
  // Groups this judge has produced a whole finding for. The report keeps
  // only a group's first finding whole, and this judge's connections reach
  // it in report order, so later ones of a group need only their ids.
  std::unordered_set<std::string> whole_groups_;
  std::string group_key_;  // reused
  std::string key_;        // reused for the chain and name cache lookups
  ChainJsonCache chain_json_;
  JsonText text_;  // reused for each rendering
  static constexpr size_t kMaxCachedChains = 1024;
  static constexpr size_t kMaxWholeGroups = 65536;  // then cleared: whole findings again, never fewer
};

}  // namespace tc::cli
