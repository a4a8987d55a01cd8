#include "rules/lifetime.h"

namespace tc {

std::optional<LifetimeLimitAt> lifetime_limit_for(const Profile& profile, Instant issued) {
  std::optional<LifetimeLimitAt> found;
  for (const auto& limit : profile.lifetime_limits) {
    if (limit.issued_from <= issued) found = LifetimeLimitAt{limit.max_days, limit.issued_from};
  }
  return found;
}

std::optional<LifetimeLimitAt> next_lifetime_limit(const Profile& profile, Instant moment) {
  for (const auto& limit : profile.lifetime_limits) {
    if (limit.issued_from > moment) return LifetimeLimitAt{limit.max_days, limit.issued_from};
  }
  return std::nullopt;
}

int64_t lifetime_days(const CertificateFacts& certificate) {
  int64_t seconds = certificate.lifetime_seconds();
  return (seconds + 86400 - 1) / 86400;
}

}  // namespace tc
