#include "cli/inventory_counts.h"

#include <fmt/format.h>

#include "rules/cert_rules.h"

namespace tc::cli {

InventoryCounts::InventoryCounts(Instant at, Instant horizon, std::optional<LifetimeLimitAt> horizon_limit)
    : at_(at), horizon_(horizon), horizon_limit_(horizon_limit) {}

void InventoryCounts::add(const CertificateFacts& facts) {
  ++certificates_;
  if (facts.has_eku("clientAuth")) ++with_client_auth_;
  if (facts.not_after < at_) {
    ++expired_;
  } else if (facts.not_after < horizon_) {
    ++expiring_;
  }
  if (role_of(facts) == CertRole::leaf) {
    ++leaves_;
    if (horizon_limit_ && lifetime_days(facts) > horizon_limit_->max_days) ++over_limit_;
  }
}

nlohmann::json InventoryCounts::to_json() const {
  return {{"certificates", certificates_},
          {"leaves", leaves_},
          {"with_client_auth", with_client_auth_},
          {"expired", expired_},
          {"expire_before_until", expiring_},
          {"until", format_date(horizon_)},
          {"lifetime_over_limit_at_until", over_limit_},
          {"limit_days_at_until", horizon_limit_ ? horizon_limit_->max_days : 0}};
}

std::string InventoryCounts::sentence() const {
  return fmt::format(
      "{} certificates ({} leaves): {} carry clientAuth, {} expired, {} expire before {}, {} leaves live longer "
      "than the {} days allowed for certificates issued on {}.",
      certificates_, leaves_, with_client_auth_, expired_, expiring_, format_date(horizon_), over_limit_,
      horizon_limit_ ? horizon_limit_->max_days : 0, format_date(horizon_));
}

}  // namespace tc::cli
