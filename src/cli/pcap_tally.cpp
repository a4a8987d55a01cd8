#include "cli/pcap_tally.h"

#include <algorithm>
#include <fmt/format.h>
#include <iostream>

#include "policy/cipher_registry.h"
#include "report/connection_json.h"
#include "rules/cert_rules.h"
#include "rules/connection_rules.h"

namespace tc::cli {

namespace {

std::string one_line_verdict(const JudgedConnection& judged) {
  const Connection& connection = judged.connection;
  std::string ids;
  for (const auto& finding : judged.findings) ids += (ids.empty() ? "" : " ") + finding.id;
  if (judged.chain) {
    for (const auto& finding : judged.chain->findings) ids += (ids.empty() ? "" : " ") + finding.id;
  }
  return fmt::format("{} {} {} cipher {} {}{}", connection_label(connection), to_string(connection.direction),
                     connection.version ? format_tls_version(*connection.version) : "no ServerHello",
                     connection.cipher ? format_suite_code(*connection.cipher) : "-",
                     connection.established ? "established" : "not established",
                     ids.empty() ? "" : ": " + ids);
}

}  // namespace

void PcapTally::DirectionCounts::add(Direction direction) {
  (direction == Direction::inbound ? inbound : direction == Direction::outbound ? outbound : unknown)++;
}

PcapTally::PcapTally(StreamedReport& report, const std::string& format, bool print_each)
    : report_(report),
      html_(format == "html"),
      per_server_(format == "prometheus" || format == "junit"),
      print_each_(print_each) {}

void PcapTally::add(const JudgedConnection& judged) {
  const Connection& connection = judged.connection;
  ++connections_;
  directions_.add(connection.direction);
  for (const auto& finding : judged.findings) groups_.add(finding, connection);
  if (judged.chain) {
    // Shared chain findings become the connection's own only where a group keeps one.
    for (const auto& finding : judged.chain->findings) {
      groups_.add(finding, connection, [&](Finding& own) {
        // Named by this connection's leaf, not by the one first judged (possibly on another thread).
        if (own.subject == judged.chain->label) own.subject = judged.leaf_label();
        own.evidence["connection"] = connection_evidence(connection);
      });
    }
  }
  if (!judged.listing.empty()) report_.add_serialized(judged.listing);
  if (per_server_) servers_.add(connection);
  if (html_ && !judged.ids.empty()) add_ladder(judged);
  if (print_each_) std::cout << one_line_verdict(judged) << std::endl;
}

void PcapTally::add_ladder(const JudgedConnection& judged) {
  ++with_findings_;
  std::vector<std::string> sorted_ids = judged.ids;
  std::sort(sorted_ids.begin(), sorted_ids.end());
  std::string kind = judged.connection.server + "|" + std::string(to_string(judged.connection.direction));
  for (const auto& id : sorted_ids) kind += "|" + id;
  if (auto drawn = ladder_kinds_.find(kind); drawn != ladder_kinds_.end()) {
    auto& similar = ladders_[drawn->second]["similar_connections"];
    similar = similar.get<uint64_t>() + 1;
  } else if (ladders_.size() < kHtmlLadders) {
    ladder_kinds_.emplace(kind, ladders_.size());
    nlohmann::json drawn_connection = connection_to_json(judged.connection, judged.ids);
    drawn_connection["similar_connections"] = 0;
    ladders_.push_back(std::move(drawn_connection));
  } else {
    ++not_drawn_;
  }
}

void PcapTally::fill(ReportDocument& document, const CaptureFacts& capture, const Session& session) const {
  const wire::CaptureStats& stats = capture.stats;
  document.findings = groups_.findings();
  nlohmann::json counts = nlohmann::json::object();
  for (const auto& [id, count] : groups_.connections_per_id()) counts[id] = count;
  document.summary_counts = counts;
  document.sections["capture"] = {{"files", capture.files},
                                  {"interface", capture.interface_name},
                                  {"frames", stats.frames},
                                  {"bytes", stats.bytes},
                                  {"tls_connections", connections_},
                                  {"other_tcp_connections", stats.connections_other},
                                  {"directions",
                                   {{"inbound", directions_.inbound},
                                    {"outbound", directions_.outbound},
                                    {"unknown", directions_.unknown}}},
                                  {"skipped",
                                   {{"ip_fragments", stats.ip_fragments_skipped},
                                    {"non_ip", stats.non_ip},
                                    {"non_tcp", stats.non_tcp},
                                    {"malformed", stats.malformed},
                                    {"unsupported_link_type", stats.unsupported_link_type},
                                    {"connections_evicted", stats.connections_evicted},
                                    {"lost_bytes", stats.lost_bytes}}}};
  TextSection summary{"Capture", {}};
  summary.lines.push_back(fmt::format("{} frames, {} bytes; {} TLS connections ({} inbound, {} outbound, {} unknown "
                                      "direction); {} other TCP connections",
                                      stats.frames, stats.bytes, connections_, directions_.inbound,
                                      directions_.outbound, directions_.unknown, stats.connections_other));
  if (stats.ip_fragments_skipped || stats.malformed || stats.lost_bytes || stats.connections_evicted) {
    summary.lines.push_back(fmt::format("skipped: {} IP fragments, {} malformed frames, {} lost bytes, {} connections "
                                        "evicted at the tracking cap",
                                        stats.ip_fragments_skipped, stats.malformed, stats.lost_bytes,
                                        stats.connections_evicted));
  }
  if (directions_.unknown > 0 && capture.direction_hint) {
    document.notes.push_back("direction unknown for some connections: give --endpoint (the customer side) or "
                             "--platform (the cloud side) to judge inbound and outbound calls separately");
  }
  if (session.profile.supported_suites_assumed && directions_.inbound > 0) {
    document.notes.push_back("the platform's supported suites are partly assumed: " +
                             session.profile.supported_suites_note);
  }
  document.text_sections.push_back(std::move(summary));
  if (per_server_) {
    document.sections["servers"] = servers_.to_json();
    if (servers_.servers_omitted() > 0) {
      document.notes.push_back(fmt::format("per-server metrics cover the first 10000 servers; {} connections to "
                                           "further servers are not broken down",
                                           servers_.servers_omitted()));
    }
  }
  if (html_) {
    document.sections["connections"] = ladders_;
    document.sections["ladders"] = {{"connections", connections_},
                                    {"with_findings", with_findings_},
                                    {"drawn", ladder_kinds_.size()},
                                    {"not_drawn", not_drawn_},
                                    {"cap", kHtmlLadders}};
  }
}

}  // namespace tc::cli
