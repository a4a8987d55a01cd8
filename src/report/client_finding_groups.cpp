#include "report/client_finding_groups.h"

#include <fmt/format.h>

namespace tc {

std::string host_of(const std::string& address) {
  if (!address.empty() && address.front() == '[') return address.substr(1, address.find(']') - 1);
  return address.substr(0, address.rfind(':'));
}

void ClientFindingGroups::add(const Finding& finding, const Connection& connection, uint64_t ordinal) {
  std::string host = host_of(connection.client);
  std::string anchor = finding.evidence.contains("sha256") ? finding.evidence["sha256"].get<std::string>() : "";
  Group& group = groups_[finding.id + "|" + host + "|" + anchor];
  if (group.connections == 0 || group.last_ordinal != ordinal) {
    if (group.connections == 0) {
      group.first = finding;
      group.client_host = host;
    }
    ++group.connections;
    group.last_ordinal = ordinal;
    if (group.examples.size() < examples_per_group_) group.examples.push_back(connection.client);
  }
  auto& last = last_ordinal_per_id_[finding.id];
  if (last != ordinal) {
    ++per_id_[finding.id];
    last = ordinal;
  }
}

Findings ClientFindingGroups::findings() const {
  Findings out;
  for (const auto& [key, group] : groups_) {
    Finding finding = group.first;
    if (group.connections > 1) {
      finding.subject = fmt::format("client {} ({} connections, e.g. {}{})", group.client_host, group.connections,
                                    fmt::join(group.examples, ", "), group.connections > group.examples.size() ? ", …" : "");
    }
    finding.evidence["connections"] = group.connections;
    finding.evidence["examples"] = group.examples;
    out.push_back(std::move(finding));
  }
  return out;
}

}  // namespace tc
