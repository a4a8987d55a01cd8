#pragma once
// What trunkcheck knows about one X.509 certificate, decoded once by the x509
// layer. Plain data: rules read it without touching OpenSSL.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/instant.h"

namespace tc {

struct CertificateFacts {
  std::string source;          // file path, "frame 12", "probe" … where it came from
  std::string subject;         // RFC 2253 one-line form
  std::string issuer;
  std::string common_name;     // last CN of the subject, empty if none
  std::string serial_hex;
  std::string sha256;          // hex fingerprint of the DER, lower case
  std::string subject_hash;    // OpenSSL X509_subject_name_hash, 8 hex digits
  std::string issuer_hash;
  std::string subject_key_id;  // hex, empty if absent
  std::string authority_key_id;
  Instant not_before{};
  Instant not_after{};
  // Extended key usage by short name: serverAuth, clientAuth, sipDomain,
  // anyExtendedKeyUsage; other purposes as dotted OIDs. Empty with
  // has_eku_extension=false means "no EKU extension" (any purpose).
  bool has_eku_extension = false;
  std::vector<std::string> eku;
  std::vector<std::string> key_usage;  // digitalSignature, keyEncipherment, keyCertSign …
  std::vector<std::string> san_dns;
  std::vector<std::string> san_ip;
  std::vector<std::string> san_uri;
  std::string key_type;        // RSA, EC, Ed25519, DSA …
  int key_bits = 0;
  std::string signature_algorithm;  // e.g. sha256WithRSAEncryption
  bool is_ca = false;
  bool self_issued = false;    // subject == issuer
  bool self_signed = false;    // and the signature verifies with its own key
  bool has_crl_distribution_points = false;
  bool has_ocsp = false;
  std::vector<std::string> crl_urls;

  bool has_eku(const std::string& name) const;
  // Lifetime as SC-081 counts it: not_after - not_before + 1 s, in seconds.
  int64_t lifetime_seconds() const;
};

}  // namespace tc
