#include <gtest/gtest.h>

#include <cstdio>

#include "model/instant.h"

namespace tc {
namespace {

TEST(Instant, ParsesTheIso8601FormsUsersType) {
  EXPECT_EQ(format_instant(*parse_instant("2026-03-09")), "2026-03-09T00:00:00Z");
  EXPECT_EQ(format_instant(*parse_instant("2026-03-09T12:34:56Z")), "2026-03-09T12:34:56Z");
  EXPECT_EQ(format_instant(*parse_instant("2026-03-09T12:34")), "2026-03-09T12:34:00Z");
  EXPECT_EQ(format_instant(*parse_instant("2026-03-09T12:00:00+02:00")), "2026-03-09T10:00:00Z");
  EXPECT_EQ(format_instant(*parse_instant("2026-03-09 12:00:00.250Z")), "2026-03-09T12:00:00Z");
  EXPECT_EQ(format_instant(*parse_instant("2100-01-01")), "2100-01-01T00:00:00Z");
}

TEST(Instant, RejectsWhatIsNotADate) {
  for (const char* bad : {"", "2026", "2026-02-30", "2026-3-9", "yesterday", "2026-03-09T25:00", "2026-03-09Tx",
                          "2026-03-09T12:00:00+0200"}) {
    EXPECT_FALSE(parse_instant(bad).has_value()) << bad;
  }
}

TEST(Instant, DaysBetweenFloors) {
  auto a = *parse_instant("2026-03-09T12:00:00Z");
  auto b = *parse_instant("2026-03-10T11:59:59Z");
  EXPECT_EQ(days_between(a, b), 0);
  EXPECT_EQ(days_between(b, a), -1);
}

// The hand-written digits against the snprintf form they replaced.
std::string snprintf_instant(Instant instant) {
  auto day_point = std::chrono::floor<std::chrono::days>(instant);
  std::chrono::year_month_day date{day_point};
  std::chrono::hh_mm_ss time{instant - day_point};
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02ld:%02ld:%02ldZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<long>(time.hours().count()), static_cast<long>(time.minutes().count()),
                static_cast<long>(time.seconds().count()));
  return buffer;
}

TEST(Instant, FormatsLikeSnprintfEverywhere) {
  using std::chrono::seconds;
  for (int64_t at : {int64_t{0}, int64_t{-1}, int64_t{951782400}, int64_t{1767225599}, int64_t{253402300799},
                     int64_t{253402300800}, int64_t{-62135596800}, int64_t{-62135596801}, int64_t{-99999999999}}) {
    Instant instant{seconds{at}};
    EXPECT_EQ(format_instant(instant), snprintf_instant(instant)) << at;
  }
  // Every hour of a leap year, at odd minutes and seconds.
  for (int64_t at = 1704067200; at < 1735689600; at += 3600 + 61) {
    Instant instant{seconds{at}};
    ASSERT_EQ(format_instant(instant), snprintf_instant(instant)) << at;
  }
}

}  // namespace
}  // namespace tc
