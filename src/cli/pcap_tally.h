#pragma once
// `pcap`'s running totals, fed judged connections in report order (from one
// thread): findings grouped per server, directions, per-server facts, the
// HTML ladders, and the streamed connections[] listing. Fills the report's
// capture section at the end.
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "cli/common.h"
#include "cli/pcap_connection_judge.h"
#include "report/finding_groups.h"
#include "report/report_targets.h"
#include "wire/capture.h"

namespace tc::cli {

class PcapTally {
 public:
  // `print_each`: a line per connection on stdout as it completes (live text).
  PcapTally(StreamedReport& report, const std::string& format, bool print_each);
  // Whether this format's report reads each connection's server chain
  // (per-server facts, ladders), so judges must copy it into every connection.
  static bool needs_server_chains(const std::string& format) {
    return format == "html" || format == "prometheus" || format == "junit";
  }

  void add(const JudgedConnection& judged);

  struct CaptureFacts {
    std::vector<std::string> files;
    std::string interface_name;
    const wire::CaptureStats& stats;
    bool direction_hint;  // neither --endpoint nor --platform was given
  };
  // Findings, summary counts, the capture section and notes into `document`.
  void fill(ReportDocument& document, const CaptureFacts& capture, const Session& session) const;

 private:
  struct DirectionCounts {
    uint64_t inbound = 0, outbound = 0, unknown = 0;
    void add(Direction direction);
  };
  void add_ladder(const JudgedConnection& judged);

  StreamedReport& report_;
  bool html_;
  bool per_server_;
  bool print_each_;
  FindingGroups groups_;
  DirectionCounts directions_;
  ServerFacts servers_;
  uint64_t connections_ = 0;
  // HTML draws ladders for a bounded set of connections with findings: the
  // first of each (server, direction, finding ids), at most kHtmlLadders;
  // later connections of a drawn kind are counted on it.
  static constexpr size_t kHtmlLadders = 50;
  nlohmann::json ladders_ = nlohmann::json::array();
  std::unordered_map<std::string, size_t> ladder_kinds_;
  uint64_t with_findings_ = 0, not_drawn_ = 0;
};

}  // namespace tc::cli
