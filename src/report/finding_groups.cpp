#include "report/finding_groups.h"

#include <fmt/format.h>

namespace tc {

void FindingGroups::add(const Finding& finding, const Connection& connection) { add(finding, connection, nullptr); }

void FindingGroups::add(const Finding& finding, const Connection& connection,
                        const std::function<void(Finding&)>& complete) {
  // Certificate findings group by certificate, the rest by server endpoint.
  std::string anchor = finding.evidence.contains("sha256") ? finding.evidence["sha256"].get<std::string>()
                                                           : connection.server;
  std::string key = finding.id + "|" + anchor + "|" + std::string(to_string(connection.direction));
  Group& group = groups_[key];
  // One connection may raise the same id twice (e.g. two alerts); count it once.
  if (group.connections == 0 || group.last_connection_frame != connection.first_frame) {
    if (group.connections == 0) {
      group.first = finding;
      if (complete) complete(group.first);
    }
    ++group.connections;
    group.last_connection_frame = connection.first_frame;
    if (group.examples.size() < examples_per_group_) {
      group.examples.push_back(
          {{"client", connection.client}, {"server", connection.server}, {"first_frame", connection.first_frame}});
    }
  }
  auto& last = last_frame_per_id_[finding.id];
  if (per_id_[finding.id] == 0 || last != connection.first_frame) {
    ++per_id_[finding.id];
    last = connection.first_frame;
  }
}

Findings FindingGroups::findings() const {
  Findings out;
  for (const auto& [key, group] : groups_) {
    Finding finding = group.first;
    std::vector<uint64_t> frames;
    for (const auto& example : group.examples) frames.push_back(example["first_frame"].get<uint64_t>());
    if (group.connections > 1) {
      finding.subject = fmt::format("{} ({} connections, e.g. frames {}{})",
                                    group.examples.front()["server"].get<std::string>(), group.connections,
                                    fmt::join(frames, ", "), group.connections > frames.size() ? ", …" : "");
    }
    finding.evidence["connections"] = group.connections;
    finding.evidence["examples"] = group.examples;
    out.push_back(std::move(finding));
  }
  return out;
}

}  // namespace tc
