#pragma once
// Throwaway keys and certificates made in memory for one run: the probe's EKU
// drill (a client certificate with serverAuth only, or serverAuth+clientAuth)
// and `listen --self-signed` (a root no client trusts and a leaf it signs).
// Keys never leave memory. Validity comes from the caller (nothing here reads
// the clock); serial numbers are 128 random bits.
#include <string>
#include <string_view>
#include <vector>

#include "model/instant.h"
#include "x509/handles.h"

namespace tc::x509 {

enum class KeyKind { ec_p256, rsa2048 };

struct ForgeSpec {
  std::string common_name;             // subject CN; empty: an empty subject (the SANs name it)
  std::vector<std::string> dns_names;  // subjectAltName dNSName entries, in order
  // Extended key usage. Neither: no EKU extension at all (any purpose).
  bool server_auth = true;
  bool client_auth = false;
  KeyKind key = KeyKind::ec_p256;
  Instant not_before{};
  Instant not_after{};
};

struct ForgedIdentity {
  EvpPkeyPtr key;
  X509Ptr certificate;
  std::vector<X509Ptr> chain;  // the issuers, nearest first, leaf excluded; empty when self-signed
  std::string error;           // why certificate and key are null

  explicit operator bool() const { return certificate != nullptr && key != nullptr; }
};

// A self-signed CA: basicConstraints critical CA:TRUE, keyUsage critical
// keyCertSign+cRLSign, subjectKeyIdentifier.
ForgedIdentity forge_self_signed_ca(std::string_view common_name, KeyKind key, Instant not_before,
                                    Instant not_after);

// An end-entity certificate: basicConstraints critical CA:FALSE, keyUsage
// critical digitalSignature (+keyEncipherment for RSA), the EKUs asked for,
// the DNS SANs, subject and authority key identifiers. Signed by `issuer`
// (which must be a CA with its key) or, when null, by its own key.
ForgedIdentity forge_leaf(const ForgeSpec& spec, const ForgedIdentity* issuer);

}  // namespace tc::x509
