#pragma once
// The summary of a `cert --each` inventory (the audit the Cisco field notice
// asks for, seed 004), counted certificate by certificate as each is judged,
// so no certificate's facts need to be kept for it.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>

#include "model/certificate.h"
#include "model/instant.h"
#include "rules/lifetime.h"

namespace tc::cli {

class InventoryCounts {
 public:
  // `horizon`: --until (default --at + 90 days); the lifetime limit is the
  // one for certificates issued then.
  InventoryCounts(Instant at, Instant horizon, std::optional<LifetimeLimitAt> horizon_limit);
  void add(const CertificateFacts& facts);
  // document.sections["inventory"].
  nlohmann::json to_json() const;
  // The text report's closing line.
  std::string sentence() const;

 private:
  Instant at_;
  Instant horizon_;
  std::optional<LifetimeLimitAt> horizon_limit_;
  size_t certificates_ = 0, leaves_ = 0, with_client_auth_ = 0, expired_ = 0, expiring_ = 0, over_limit_ = 0;
};

}  // namespace tc::cli
