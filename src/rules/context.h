#pragma once
// What rules may know besides the evidence: the moment to judge at, the
// profile, and what the certificate is for. Rules never look anything up.
#include <optional>
#include <string>

#include "model/instant.h"
#include "policy/profile.h"

namespace tc {

enum class Purpose { server, client, both };

std::optional<Purpose> parse_purpose(std::string_view text);
std::string_view to_string(Purpose purpose);

struct RuleContext {
  Instant at{};
  const Profile* profile = nullptr;
  Purpose purpose = Purpose::server;
  std::optional<std::string> host;  // the name a peer connects to (--host)
  // Only which findings apply is wanted (ids and severities), not their
  // subjects, details and evidence: a report that already holds a finding
  // of the same kind only counts another (pcap's grouping). Rules must raise
  // the same ids in the same order either way.
  bool brief = false;
};

}  // namespace tc
