#pragma once
// Certificate revocation lists given with --crl: parse them (PEM, several per
// file, or DER) and answer "is this certificate revoked?" for a matching
// issuer, checking the CRL's signature when the issuer certificate is known.
#include <openssl/x509.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "model/instant.h"
#include "x509/handles.h"

namespace tc::x509 {

struct ParsedCrls {
  std::vector<X509CrlPtr> crls;
  std::vector<std::string> errors;
};
ParsedCrls parse_crls(std::span<const uint8_t> bytes);

enum class CrlSignature { not_checked, valid, invalid };

struct RevocationCheck {
  bool crl_found = false;     // a CRL from the certificate's issuer was given
  bool revoked = false;
  std::optional<Instant> revoked_at;
  std::string crl_issuer;     // RFC 2253
  CrlSignature signature = CrlSignature::not_checked;  // not_checked: issuer unknown
  std::optional<Instant> next_update;
  // A CRL whose signature does not verify is reported and not used.
  std::string note;
};

// `issuer` may be null (not presented and not in the trust store).
RevocationCheck check_revocation(const X509* cert, const std::vector<X509CrlPtr>& crls, const X509* issuer);

}  // namespace tc::x509
