#pragma once
// Builds keys, certificates, chains, CRLs and PKCS#12 files in memory with
// OpenSSL, for tests, fixtures (tests/tools/tc_make_certs) and benchmarks.
// Dates are always explicit: nothing here reads the clock, so a fixture made
// today judges the same at a fixed --at forever.
//
// Keys are generated once per (type, slot) and cached for the process, so
// thousands of certificates cost one signature each.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/connection.h"  // tc::Bytes
#include "model/instant.h"
#include "x509/handles.h"

namespace tc::testing {

enum class KeyType { rsa1024, rsa2048, rsa3072, ec_p256, ec_p384, ed25519 };
std::string_view to_string(KeyType type);

// A cached key: the same (type, slot) gives the same key for the whole run.
// Different slots give different keys (e.g. two CAs that must not share one).
x509::EvpPkeyPtr cached_key(KeyType type, int slot = 0);

struct CertSpec {
  std::string common_name;            // empty: no CN
  std::string organization;           // empty: no O
  uint64_t serial = 1;
  Instant not_before{};
  Instant not_after{};
  KeyType key_type = KeyType::ec_p256;
  int key_slot = 0;
  // Signature digest: "sha256", "sha384", "sha1", "md5" … ignored for Ed25519.
  std::string digest = "sha256";
  bool ca = false;
  std::optional<int> path_length;     // only with ca
  // nullopt: no EKU extension. Otherwise OpenSSL names or dotted OIDs;
  // "sipDomain" is accepted for 1.3.6.1.5.5.7.3.20.
  std::optional<std::vector<std::string>> eku;
  // Empty: no keyUsage extension. Names as in OpenSSL config:
  // digitalSignature, keyEncipherment, keyAgreement, keyCertSign, cRLSign …
  std::vector<std::string> key_usage;
  std::vector<std::string> san_dns;
  std::vector<std::string> san_ip;
  std::vector<std::string> san_uri;
  std::vector<std::string> crl_urls;
  std::vector<std::string> ocsp_urls;
  bool key_identifiers = true;        // subjectKeyIdentifier + authorityKeyIdentifier
};

// Common shapes, so tests read like the scenario they describe.
CertSpec root_ca_spec(std::string common_name, Instant not_before, Instant not_after);
CertSpec intermediate_ca_spec(std::string common_name, Instant not_before, Instant not_after);
CertSpec leaf_spec(std::string host, Instant not_before, Instant not_after,
                   std::vector<std::string> eku = {"serverAuth", "clientAuth"});

struct Issued {
  x509::X509Ptr cert;
  x509::EvpPkeyPtr key;   // the subject's key (shared with the cache)
  std::string error;      // non-empty when cert is null
  explicit operator bool() const { return cert != nullptr; }
};

// Issues `spec` signed by `issuer` (cert + key), or self-signed when null.
Issued issue(const CertSpec& spec, const Issued* issuer = nullptr);

// Encodings.
std::string to_pem(const X509* cert);
std::string to_pem(const std::vector<const X509*>& certs);  // a bundle, in the order given
Bytes to_der(const X509* cert);
// A PEM private key block (PKCS#8 "PRIVATE KEY"; "RSA PRIVATE KEY" with
// traditional=true for RSA). Test fixtures only.
std::string key_to_pem(const EVP_PKEY* key, bool traditional = false);
// PKCS#12 (AES-256, PBKDF2: OpenSSL 3 defaults) with the key, cert and chain.
std::optional<Bytes> to_pkcs12(const Issued& subject, const std::vector<const X509*>& chain,
                               const std::string& password);

struct RevokedEntry {
  uint64_t serial = 0;
  Instant revoked_at{};
};
// A v2 CRL signed by `issuer`.
x509::X509CrlPtr make_crl(const Issued& issuer, const std::vector<RevokedEntry>& revoked, Instant this_update,
                          Instant next_update, const std::string& digest = "sha256");
std::string crl_to_pem(const X509_CRL* crl);
Bytes crl_to_der(const X509_CRL* crl);

// Writes bytes to a file (mode 0644 unless given); false on failure.
bool write_file(const std::string& path, const std::string& contents, unsigned mode = 0644);
bool write_file(const std::string& path, const Bytes& contents, unsigned mode = 0644);

// A UTC instant from calendar fields, for readable fixed dates.
Instant utc(int year, unsigned month, unsigned day, int hour = 0, int minute = 0, int second = 0);

}  // namespace tc::testing
