#pragma once
// Moments in UTC with one-second resolution. Rules receive an Instant through
// their context; nothing below the CLI reads the wall clock.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tc {

using Instant = std::chrono::sys_seconds;
using Days = std::chrono::days;

// Accepts "2026-03-09", "2026-03-09T12:00:00Z", "2026-03-09T12:00:00",
// "2026-03-09T12:00:00+02:00" and "2026-03-09 12:00:00".
std::optional<Instant> parse_instant(std::string_view text);
// "2026-03-09T12:00:00Z".
std::string format_instant(Instant instant);
// "2026-03-09".
std::string format_date(Instant instant);
// Whole days from `from` to `to`, rounded towards negative infinity.
int64_t days_between(Instant from, Instant to);

}  // namespace tc
