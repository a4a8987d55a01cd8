#include "report/finding_groups.h"

#include <algorithm>
#include <fmt/format.h>

namespace tc {

void FindingGroups::add(const Finding& finding, const Connection& connection) { add(finding, connection, nullptr); }

void FindingGroups::group_key(const Finding& finding, const Connection& connection, std::string& key) {
  // Certificate findings group by certificate, the rest by server endpoint.
  auto sha256 = finding.evidence.find("sha256");
  const std::string& anchor =
      sha256 != finding.evidence.end() ? sha256->get_ref<const std::string&>() : connection.server;
  key.assign(finding.id).append("|").append(anchor).append("|").append(to_string(connection.direction));
}

void FindingGroups::add(const Finding& finding, const Connection& connection,
                        const std::function<void(Finding&)>& complete) {
  group_key(finding, connection, key_);
  auto found = groups_.find(key_);
  if (found == groups_.end()) found = groups_.emplace(key_, Group{}).first;
  Group& group = found->second;
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
  IdCount& count = per_id_[finding.id];
  if (count.connections == 0 || count.last_connection_frame != connection.first_frame) {
    ++count.connections;
    count.last_connection_frame = connection.first_frame;
  }
}

std::map<std::string, uint64_t> FindingGroups::connections_per_id() const {
  std::map<std::string, uint64_t> sorted;
  for (const auto& [id, count] : per_id_) sorted.emplace(id, count.connections);
  return sorted;
}

Findings FindingGroups::findings() const {
  std::vector<const std::pair<const std::string, Group>*> sorted;
  for (const auto& entry : groups_) sorted.push_back(&entry);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->first < b->first; });
  Findings out;
  for (const auto* entry : sorted) {
    const Group& group = entry->second;
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
