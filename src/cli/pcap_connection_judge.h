#pragma once
// What `pcap` does with each connection as the capture reader finishes it:
// completes the evidence (certificates, chain verdict, JA3), sets the
// direction, judges it and renders its JSON listing. One judge per worker
// thread: its caches are its own, everything it shares is read-only.
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/connection.h"
#include "model/finding.h"
#include "rules/context.h"
#include "sources/endpoint_matcher.h"
#include "sources/evidence_completer.h"
#include "wire/parallel_capture.h"

namespace tc::cli {

struct JudgedConnection final : wire::WorkerOutput {
  Connection connection;
  Findings findings;
  std::vector<std::string> ids;  // distinct finding ids, in the order first raised
  std::string listing;           // the connections[] element as JSON text; empty when not listed
};

class ConnectionJudge {
 public:
  enum class Listing { all, with_findings, none };

  ConnectionJudge(const x509::TrustStore& trust, const sources::EndpointMatcher& matcher, const RuleContext& context,
                  Listing listing);

  JudgedConnection judge(Connection&& connection);

 private:
  sources::EvidenceCompleter completer_;
  const sources::EndpointMatcher& matcher_;
  const RuleContext& context_;
  Listing listing_;
  // The chain half of the findings depends only on the chain and the name:
  // judged once each (bounded: cleared at kMaxCachedChains).
  struct JudgedChain {
    Findings findings;
    CertificateFacts leaf;  // as the connection judged first saw it
  };
  std::unordered_map<std::string, JudgedChain> chain_findings_;
  static constexpr size_t kMaxCachedChains = 1024;
};

}  // namespace tc::cli
