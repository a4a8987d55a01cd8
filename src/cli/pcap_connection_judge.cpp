#include "cli/pcap_connection_judge.h"

#include <algorithm>

#include "report/connection_json.h"
#include "report/finding_groups.h"
#include "rules/cert_rules.h"
#include "rules/connection_rules.h"

namespace tc::cli {

namespace {

// A chain's facts as a connection carries them: each names the frame of the
// server's Certificate message as its source.
std::vector<CertificateFacts> with_source(std::vector<CertificateFacts> chain, uint64_t frame) {
  for (auto& facts : chain) facts.source = sources::frame_source(frame);
  return chain;
}

template <typename Member>
void release(Member& member) {
  Member().swap(member);
}

// Frees what the tally does not read of a connection when it needs no whole
// ones (JSON, text, CSV: the listing is rendered already), here, on the
// worker that built it while it is still in this core's cache. Freed later,
// after the report thread had read the output, it cost ~3x as much.
void release_unread(Connection& connection) {
  release(connection.offered_versions);
  release(connection.client_offer);
  release(connection.client_extensions);
  release(connection.supported_groups);
  release(connection.ec_point_formats);
  release(connection.ja3_text);
  release(connection.ja3);
  release(connection.server_extensions);
  release(connection.ja3s_text);
  release(connection.ja3s);
  release(connection.server_chain_der);
  release(connection.server_chain);
  release(connection.certificate_request_ca_names_der);
  release(connection.certificate_request_ca_names);
  release(connection.client_chain_der);
  release(connection.client_chain);
  release(connection.alerts);
  release(connection.messages);
  release(connection.anomalies);
  connection.sip.reset();
}

}  // namespace

std::string JudgedConnection::leaf_label() const {
  if (!connection.server_chain.empty()) return certificate_label(connection.server_chain.front());
  if (!shared_server_chain || shared_server_chain->empty()) return {};
  CertificateFacts leaf = shared_server_chain->front();
  leaf.source = sources::frame_source(server_certificate_frame);
  return certificate_label(leaf);
}

ConnectionJudge::ConnectionJudge(const x509::TrustStore& trust, const sources::EndpointMatcher& matcher,
                                 const RuleContext& context, Listing listing, bool copy_server_chains)
    : completer_(trust, context.at),
      matcher_(matcher),
      context_(context),
      brief_context_(context),
      listing_(listing),
      copy_server_chains_(copy_server_chains) {
  brief_context_.brief = true;
}

Findings ConnectionJudge::judge_handshake_findings(const Connection& connection) {
  Findings brief = judge_handshake(connection, brief_context_);
  bool starts_group = false;
  for (const Finding& finding : brief) {
    FindingGroups::group_key(finding, connection, group_key_);
    if (!whole_groups_.contains(group_key_)) starts_group = true;
  }
  if (!starts_group) return brief;
  Findings whole = judge_handshake(connection, context_);
  if (whole_groups_.size() >= kMaxWholeGroups) whole_groups_.clear();
  for (const Finding& finding : whole) {
    // A finding whose evidence names a certificate groups by it: its brief
    // twin (no evidence) never matches that key, so it stays whole.
    FindingGroups::group_key(finding, connection, group_key_);
    whole_groups_.insert(group_key_);
  }
  return whole;
}

std::shared_ptr<const JudgedChain> ConnectionJudge::judge_chain(
    const Connection& connection, const std::vector<CertificateFacts>& server_chain,
    const sources::EvidenceCompleter::Completed& evidence) {
  if (server_chain.empty()) return nullptr;
  // The chain half depends only on the chain and the name checked.
  // The name checked: --host, else the SNI (not copied: most lookups find the chain judged).
  const std::optional<std::string>& name = context_.host ? context_.host : connection.sni;
  std::string& key = key_;
  key.assign(name ? std::string_view(*name) : std::string_view()).append("|").append(evidence.chain_key);
  auto cached = chains_.find(key);
  if (cached != chains_.end()) return cached->second;
  if (chains_.size() >= kMaxCachedChains) chains_.clear();
  const std::vector<CertificateFacts> chain = with_source(server_chain, evidence.server_certificate_frame);
  auto judged = std::make_shared<JudgedChain>();
  judged->findings = judge_server_chain(chain, name, evidence.server_chain, context_);
  judged->label = certificate_label(chain.front());
  return chains_.emplace(key, std::move(judged)).first->second;
}

Direction ConnectionJudge::direction_of(const Connection& connection,
                                        const std::vector<CertificateFacts>& server_chain) {
  if (auto decided = matcher_.direction_by_address(connection)) return *decided;
  const CertificateFacts* leaf = server_chain.empty() ? nullptr : &server_chain.front();
  // The leaf's sha256 (64 hex digits or nothing), then a tag that tells an absent SNI from an empty one.
  std::string& key = key_;
  key.assign(leaf ? leaf->sha256 : std::string_view());
  if (connection.sni) {
    key.append(1, '\1').append(*connection.sni);
  } else {
    key.append(1, '\0');
  }
  auto cached = names_platform_.find(key);
  if (cached == names_platform_.end()) {
    if (names_platform_.size() >= kMaxCachedChains) names_platform_.clear();
    cached = names_platform_.emplace(key, matcher_.names_platform(connection.sni, leaf)).first;
  }
  return cached->second ? Direction::inbound : Direction::unknown;
}

JudgedConnection ConnectionJudge::judge(Connection&& connection) {
  using ServerChain = sources::EvidenceCompleter::ServerChain;
  static const std::vector<CertificateFacts> kNoChain;
  JudgedConnection out;
  // Cleared here, not while rendering: both chains' texts are used by reference below.
  chain_json_.make_room();
  const sources::EvidenceCompleter::Completed evidence =
      completer_.complete(connection, copy_server_chains_ ? ServerChain::copied : ServerChain::shared);
  out.shared_server_chain = evidence.shared_server_chain;
  out.server_certificate_frame = evidence.server_certificate_frame;
  const std::vector<CertificateFacts>& server_chain =
      copy_server_chains_ ? connection.server_chain
                          : evidence.shared_server_chain ? *evidence.shared_server_chain : kNoChain;
  connection.direction = direction_of(connection, server_chain);
  out.findings = judge_handshake_findings(connection);
  out.chain = judge_chain(connection, server_chain, evidence);
  auto note_id = [&](const Finding& finding) {
    if (std::find(out.ids.begin(), out.ids.end(), finding.id) == out.ids.end()) out.ids.push_back(finding.id);
  };
  std::for_each(out.findings.begin(), out.findings.end(), note_id);
  if (out.chain) std::for_each(out.chain->findings.begin(), out.chain->findings.end(), note_id);
  if (listing_ == Listing::all || (listing_ == Listing::with_findings && !out.ids.empty())) {
    const std::string& server_chain_json = chain_json_.json(server_chain);
    const std::string& client_chain_json = chain_json_.json(connection.client_chain);
    text_.clear();
    append_connection_json(text_, connection, out.ids, server_chain_json, client_chain_json);
    out.listing = text_.text();
  }
  if (!copy_server_chains_) release_unread(connection);
  out.connection = std::move(connection);
  return out;
}

}  // namespace tc::cli
