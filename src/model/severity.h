#pragma once
// Finding severities, ordered so that comparisons mean "at least as bad as".
#include <optional>
#include <string>
#include <string_view>

namespace tc {

enum class Severity { info = 0, low = 1, medium = 2, high = 3, critical = 4 };

std::string_view to_string(Severity severity);
std::optional<Severity> parse_severity(std::string_view text);

}  // namespace tc
