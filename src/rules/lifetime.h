#pragma once
// CA/B Forum SC-081 lifetime limits, read from the profile's table.
#include <optional>

#include "model/certificate.h"
#include "policy/profile.h"

namespace tc {

struct LifetimeLimitAt {
  int max_days = 0;
  Instant in_force_from{};
};

// The limit for a certificate issued at `issued`, or nullopt if the profile has none.
std::optional<LifetimeLimitAt> lifetime_limit_for(const Profile& profile, Instant issued);
// The next tightening after `moment`, if any.
std::optional<LifetimeLimitAt> next_lifetime_limit(const Profile& profile, Instant moment);
// Whole days of a certificate's lifetime as SC-081 counts it: any excess over
// a whole number of 86,400-second days counts as another day.
int64_t lifetime_days(const CertificateFacts& certificate);

}  // namespace tc
