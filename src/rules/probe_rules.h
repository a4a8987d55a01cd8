#pragma once
// Rules over one probed endpoint (EndpointEvidence): the platform-like
// handshake judged like any connection, the server chain, the EKU drill,
// suites and versions, SIP — and the one plain sentence that answers the
// user's question: do outbound calls from the platform work, and why.
#include <string>

#include "model/chain.h"
#include "model/endpoint.h"
#include "model/finding.h"
#include "rules/context.h"

namespace tc {

struct EndpointJudgement {
  Findings findings;
  std::string outbound_verdict;   // "Outbound calls from the platform fail, because …"
  // Finding ids per connection (parallel to EndpointEvidence::connections).
  std::vector<std::vector<std::string>> connection_findings;
};

// "sbc.example.com (192.0.2.1:5061)": how findings name a probed endpoint.
std::string endpoint_label(const EndpointEvidence& endpoint);

// `chain_verdict`: the verdict on endpoint.chain at context.at (nullptr when
// no chain was seen).
EndpointJudgement judge_endpoint(const EndpointEvidence& endpoint, const ChainVerdict* chain_verdict,
                                 const RuleContext& context);

}  // namespace tc
