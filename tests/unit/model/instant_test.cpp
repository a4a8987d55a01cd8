#include <gtest/gtest.h>

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

}  // namespace
}  // namespace tc
