#include "model/certificate.h"

#include <algorithm>

namespace tc {

bool CertificateFacts::has_eku(const std::string& name) const {
  return std::find(eku.begin(), eku.end(), name) != eku.end();
}

int64_t CertificateFacts::lifetime_seconds() const {
  // RFC 5280 validity is inclusive of both ends, so a certificate valid from
  // 00:00:00 to 23:59:59 of the same day lives 86,400 s.
  return (not_after - not_before).count() + 1;
}

}  // namespace tc
