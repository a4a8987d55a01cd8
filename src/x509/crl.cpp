#include "x509/crl.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <string_view>

#include "x509/certificate_facts.h"

namespace tc::x509 {

ParsedCrls parse_crls(std::span<const uint8_t> bytes) {
  ParsedCrls out;
  if (bytes.empty() || bytes.size() > static_cast<size_t>(INT32_MAX)) {
    out.errors.emplace_back(bytes.empty() ? "empty file" : "too large to be a CRL");
    return out;
  }
  if (bytes[0] == 0x30) {
    const unsigned char* cursor = bytes.data();
    X509CrlPtr crl{d2i_X509_CRL(nullptr, &cursor, static_cast<long>(bytes.size()))};
    ERR_clear_error();
    if (crl && cursor == bytes.data() + bytes.size()) {
      out.crls.push_back(std::move(crl));
      return out;
    }
  }
  std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (text.find("-----BEGIN X509 CRL-----") == std::string_view::npos) {
    out.errors.emplace_back("not a CRL: no PEM X509 CRL block and not DER");
    return out;
  }
  BioPtr bio{BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size()))};
  while (bio) {
    X509CrlPtr crl{PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr)};
    if (!crl) break;
    out.crls.push_back(std::move(crl));
  }
  unsigned long error = ERR_peek_last_error();
  // Running out of PEM blocks is the normal end; anything else is damage.
  if (error != 0 && ERR_GET_REASON(error) != PEM_R_NO_START_LINE) {
    const char* reason = ERR_reason_error_string(error);
    out.errors.push_back(std::string("CRL block does not decode: ") + (reason ? reason : "unknown error"));
  }
  ERR_clear_error();
  if (out.crls.empty() && out.errors.empty()) out.errors.emplace_back("no CRL could be read");
  return out;
}

RevocationCheck check_revocation(const X509* cert, const std::vector<X509CrlPtr>& crls, const X509* issuer) {
  RevocationCheck result;
  if (cert == nullptr) return result;
  for (const X509CrlPtr& crl : crls) {
    if (X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), X509_get_issuer_name(cert)) != 0) continue;
    result.crl_found = true;
    result.crl_issuer = name_to_string(X509_CRL_get_issuer(crl.get()));
    if (const ASN1_TIME* next = X509_CRL_get0_nextUpdate(crl.get())) result.next_update = to_instant(next);
    if (issuer != nullptr) {
      EVP_PKEY* key = X509_get0_pubkey(issuer);
      bool valid = key != nullptr && X509_CRL_verify(crl.get(), key) == 1;
      ERR_clear_error();
      result.signature = valid ? CrlSignature::valid : CrlSignature::invalid;
      if (!valid) {
        result.note = "the CRL from " + result.crl_issuer + " is not signed by the issuer's key; ignored";
        continue;
      }
    }
    X509_REVOKED* entry = nullptr;
    // 1: revoked; 2: listed as removeFromCRL (not revoked).
    if (X509_CRL_get0_by_cert(crl.get(), &entry, const_cast<X509*>(cert)) == 1 && entry != nullptr) {
      result.revoked = true;
      result.revoked_at = to_instant(X509_REVOKED_get0_revocationDate(entry));
      break;
    }
    if (result.signature == CrlSignature::valid) break;  // an authentic CRL said "not revoked"
  }
  ERR_clear_error();
  return result;
}

}  // namespace tc::x509
