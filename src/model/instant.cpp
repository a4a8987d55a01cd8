#include "model/instant.h"

#include <cstdio>

namespace tc {

namespace {

bool read_digits(std::string_view text, size_t pos, size_t count, int& out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    char c = text[i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  out = value;
  return true;
}

}  // namespace

std::optional<Instant> parse_instant(std::string_view text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  // YYYY-MM-DD
  if (!read_digits(text, 0, 4, year) || text.size() < 10 || text[4] != '-' ||
      !read_digits(text, 5, 2, month) || text[7] != '-' || !read_digits(text, 8, 2, day)) {
    return std::nullopt;
  }
  size_t pos = 10;
  int offset_seconds = 0;
  if (pos < text.size()) {
    if (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ') return std::nullopt;
    // hh:mm[:ss]
    if (!read_digits(text, pos + 1, 2, hour) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !read_digits(text, pos + 4, 2, minute)) {
      return std::nullopt;
    }
    pos += 6;
    if (pos < text.size() && text[pos] == ':') {
      if (!read_digits(text, pos + 1, 2, second)) return std::nullopt;
      pos += 3;
    }
    // Fractions of a second are accepted and dropped.
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    }
    if (pos < text.size()) {
      char zone = text[pos];
      if ((zone == 'Z' || zone == 'z') && pos + 1 == text.size()) {
        pos += 1;
      } else if ((zone == '+' || zone == '-') && pos + 6 == text.size() && text[pos + 3] == ':') {
        int zone_hours = 0, zone_minutes = 0;
        if (!read_digits(text, pos + 1, 2, zone_hours) || !read_digits(text, pos + 4, 2, zone_minutes)) {
          return std::nullopt;
        }
        offset_seconds = (zone_hours * 3600 + zone_minutes * 60) * (zone == '+' ? 1 : -1);
        pos += 6;
      } else {
        return std::nullopt;
      }
    }
  }
  if (pos != text.size()) return std::nullopt;
  if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
  std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                                   std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok()) return std::nullopt;
  Instant result = std::chrono::sys_days{date} + std::chrono::hours{hour} + std::chrono::minutes{minute} +
                   std::chrono::seconds{second};
  return result - std::chrono::seconds{offset_seconds};
}

std::string format_instant(Instant instant) {
  auto day_point = std::chrono::floor<std::chrono::days>(instant);
  std::chrono::year_month_day date{day_point};
  std::chrono::hh_mm_ss time{instant - day_point};
  const int year = static_cast<int>(date.year());
  const auto hours = static_cast<long>(time.hours().count());
  const auto minutes = static_cast<long>(time.minutes().count());
  const auto seconds = static_cast<long>(time.seconds().count());
  if (year < 0 || year > 9999) {
    // Years outside four digits keep snprintf's widths (ASN.1 times never get here).
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02ld:%02ld:%02ldZ", year,
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()), hours, minutes, seconds);
    return buffer;
  }
  // Digits by hand: snprintf was a visible share of a 10,000-certificate report,
  // which formats several instants per certificate.
  std::string text = "0000-00-00T00:00:00Z";
  auto two = [&](size_t at, long value) {
    text[at] = static_cast<char>('0' + value / 10);
    text[at + 1] = static_cast<char>('0' + value % 10);
  };
  two(0, year / 100);
  two(2, year % 100);
  two(5, static_cast<long>(static_cast<unsigned>(date.month())));
  two(8, static_cast<long>(static_cast<unsigned>(date.day())));
  two(11, hours);
  two(14, minutes);
  two(17, seconds);
  return text;
}

std::string format_date(Instant instant) { return format_instant(instant).substr(0, 10); }

int64_t days_between(Instant from, Instant to) {
  return std::chrono::floor<std::chrono::days>(to - from).count();
}

}  // namespace tc
