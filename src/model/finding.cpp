#include "model/finding.h"

namespace tc {

std::optional<Severity> worst_severity(const Findings& findings) {
  std::optional<Severity> worst;
  for (const auto& finding : findings) {
    if (!worst || finding.severity > *worst) worst = finding.severity;
  }
  return worst;
}

}  // namespace tc
