#include "policy/profile.h"

#include <algorithm>

namespace tc {

const TimelineEvent* Profile::event(std::string_view id) const {
  for (const auto& entry : timeline) {
    if (entry.id == id) return &entry;
  }
  return nullptr;
}

bool Profile::is_deprecated(uint16_t suite) const {
  return std::find(deprecated_suites.begin(), deprecated_suites.end(), suite) != deprecated_suites.end();
}

bool Profile::is_supported(uint16_t suite) const {
  return std::find(supported_suites.begin(), supported_suites.end(), suite) != supported_suites.end();
}

}  // namespace tc
