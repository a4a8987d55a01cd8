// Fuzzes the scan targets-file parser (plain and CSV forms). Checks, beyond
// "no crash": the caps hold (targets, recorded problems), every target has a
// host and a port, line numbers only grow, and a target's spec() parses back
// to the same host and port.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sources/target_list.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tc::sources::TargetListLimits limits;
  limits.max_line_bytes = 512;
  limits.max_targets = 64;
  limits.max_problems = 16;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const tc::sources::TargetList list = tc::sources::parse_target_list(text, limits);
  if (list.targets.size() > limits.max_targets) std::abort();
  if (list.problems.size() > limits.max_problems || list.problems_total < list.problems.size()) std::abort();
  size_t previous_line = 0;
  for (const tc::sources::Target& target : list.targets) {
    if (target.host.empty() || target.port == 0 || target.line <= previous_line) std::abort();
    previous_line = target.line;
    const tc::sources::TargetList again = tc::sources::parse_target_list(target.spec() + "\n", limits);
    if (again.targets.size() != 1 || again.targets[0].host != target.host || again.targets[0].port != target.port) {
      std::abort();
    }
  }
  return 0;
}
