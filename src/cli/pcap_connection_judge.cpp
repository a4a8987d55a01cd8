#include "cli/pcap_connection_judge.h"

#include <algorithm>

#include "report/connection_json.h"
#include "rules/cert_rules.h"
#include "rules/connection_rules.h"

namespace tc::cli {

ConnectionJudge::ConnectionJudge(const x509::TrustStore& trust, const sources::EndpointMatcher& matcher,
                                 const RuleContext& context, Listing listing)
    : completer_(trust, context.at), matcher_(matcher), context_(context), listing_(listing) {}

JudgedConnection ConnectionJudge::judge(Connection&& connection) {
  JudgedConnection out;
  sources::EvidenceCompleter::Completed evidence = completer_.complete(connection);
  connection.direction = matcher_.direction_of(connection);
  out.findings = judge_handshake(connection, context_);
  std::optional<std::string> name = context_.host ? context_.host : connection.sni;
  std::string chain_key = name.value_or("") + "|" + evidence.chain_key;
  auto cached = chain_findings_.find(chain_key);
  if (cached == chain_findings_.end()) {
    if (chain_findings_.size() >= kMaxCachedChains) chain_findings_.clear();
    JudgedChain judged{judge_server_chain(connection.server_chain, name, evidence.server_chain, context_),
                       connection.server_chain.empty() ? CertificateFacts{} : connection.server_chain.front()};
    cached = chain_findings_.emplace(chain_key, std::move(judged)).first;
  }
  // Cached findings name the leaf as the connection that was judged first saw
  // it ("CN=x (frame 9)"); each connection names its own frame, so the report
  // does not depend on which connections a thread happened to judge first.
  const std::string cached_label =
      connection.server_chain.empty() ? std::string() : certificate_label(cached->second.leaf);
  const std::string own_label =
      connection.server_chain.empty() ? std::string() : certificate_label(connection.server_chain.front());
  nlohmann::json named_connection = connection_evidence(connection);
  for (Finding finding : cached->second.findings) {
    if (finding.subject == cached_label) finding.subject = own_label;
    finding.evidence["connection"] = named_connection;
    out.findings.push_back(std::move(finding));
  }
  for (const auto& finding : out.findings) {
    if (std::find(out.ids.begin(), out.ids.end(), finding.id) == out.ids.end()) out.ids.push_back(finding.id);
  }
  if (listing_ == Listing::all || (listing_ == Listing::with_findings && !out.ids.empty())) {
    out.listing = connection_to_json(connection, out.ids).dump();
  }
  out.connection = std::move(connection);
  return out;
}

}  // namespace tc::cli
