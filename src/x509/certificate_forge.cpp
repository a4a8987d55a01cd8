#include "x509/certificate_forge.h"

#include <openssl/err.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <initializer_list>

namespace tc::x509 {
namespace {

std::string openssl_error(std::string_view what) {
  const unsigned long code = ERR_get_error();
  std::array<char, 256> buffer{};
  if (code != 0) ERR_error_string_n(code, buffer.data(), buffer.size());
  ERR_clear_error();
  return code != 0 ? std::string(what) + ": " + buffer.data() : std::string(what);
}

ForgedIdentity failure(std::string why) {
  ForgedIdentity out;
  out.error = std::move(why);
  return out;
}

EvpPkeyPtr generate_key(KeyKind kind) {
  switch (kind) {
    case KeyKind::ec_p256:
      return EvpPkeyPtr{EVP_EC_gen("P-256")};
    case KeyKind::rsa2048:
      return EvpPkeyPtr{EVP_RSA_gen(2048)};
  }
  return {};
}

// CertificateSerialNumber ::= INTEGER  (positive, at most 20 octets: RFC 5280 §4.1.2.2)
// 128 random bits: unpredictable, and distinct across the certificates of one run.
bool set_random_serial(X509* cert) {
  std::array<unsigned char, 16> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) return false;
  if (std::all_of(bytes.begin(), bytes.end(), [](unsigned char b) { return b == 0; })) bytes.back() = 1;
  BignumPtr number{BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr)};
  Asn1IntegerPtr serial{number ? BN_to_ASN1_INTEGER(number.get(), nullptr) : nullptr};
  return serial && X509_set_serialNumber(cert, serial.get()) == 1;
}

bool set_validity(X509* cert, Instant not_before, Instant not_after) {
  // ASN1_TIME_set picks UTCTime through 2049 and GeneralizedTime after (RFC 5280 §4.1.2.5).
  Asn1TimePtr from{ASN1_TIME_set(nullptr, static_cast<time_t>(not_before.time_since_epoch().count()))};
  Asn1TimePtr to{ASN1_TIME_set(nullptr, static_cast<time_t>(not_after.time_since_epoch().count()))};
  return from && to && X509_set1_notBefore(cert, from.get()) == 1 && X509_set1_notAfter(cert, to.get()) == 1;
}

// TBSCertificate up to the extensions: version 3, serial, issuer, validity,
// subject, subjectPublicKeyInfo. `issuer` null: issued by itself. Returns
// the error, empty on success.
std::string fill_tbs(X509* cert, std::string_view common_name, EVP_PKEY* key, X509* issuer,
                     Instant not_before, Instant not_after) {
  if (not_after < not_before) return "not_after is before not_before";
  if (X509_set_version(cert, X509_VERSION_3) != 1) return openssl_error("cannot set the version");
  if (!set_random_serial(cert)) return openssl_error("cannot make a random serial number");
  X509_NAME* subject = X509_get_subject_name(cert);
  if (!common_name.empty() &&
      X509_NAME_add_entry_by_NID(subject, NID_commonName, MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(common_name.data()),
                                 static_cast<int>(common_name.size()), -1, 0) != 1) {
    // ub-common-name is 64 characters (RFC 5280 appendix A.1).
    return openssl_error("cannot use \"" + std::string(common_name) + "\" as common name");
  }
  if (X509_set_issuer_name(cert, issuer != nullptr ? X509_get_subject_name(issuer) : subject) != 1) {
    return openssl_error("cannot set the issuer name");
  }
  if (!set_validity(cert, not_before, not_after)) return openssl_error("cannot set the validity");
  if (X509_set_pubkey(cert, key) != 1) return openssl_error("cannot set the public key");
  return {};
}

bool add_extension(X509* cert, int nid, void* value, bool critical) {
  return X509_add1_ext_i2d(cert, nid, value, critical ? 1 : 0, X509V3_ADD_DEFAULT) == 1;
}

// BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER (0..MAX) OPTIONAL }
bool add_basic_constraints(X509* cert, bool ca) {
  BasicConstraintsPtr constraints{BASIC_CONSTRAINTS_new()};
  if (!constraints) return false;
  constraints->ca = ca ? 0xff : 0;  // DER TRUE
  return add_extension(cert, NID_basic_constraints, constraints.get(), true);
}

// KeyUsage ::= BIT STRING { digitalSignature (0), … keyEncipherment (2), … keyCertSign (5), cRLSign (6), … }
constexpr int kDigitalSignature = 0;
constexpr int kKeyEncipherment = 2;
constexpr int kKeyCertSign = 5;
constexpr int kCrlSign = 6;

bool add_key_usage(X509* cert, std::initializer_list<int> bits) {
  Asn1BitStringPtr usage{ASN1_BIT_STRING_new()};
  if (!usage) return false;
  for (int bit : bits) {
    if (ASN1_BIT_STRING_set_bit(usage.get(), bit, 1) != 1) return false;
  }
  return add_extension(cert, NID_key_usage, usage.get(), true);
}

// ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId
bool add_extended_key_usage(X509* cert, bool server_auth, bool client_auth) {
  ExtendedKeyUsagePtr purposes{sk_ASN1_OBJECT_new_null()};
  if (!purposes) return false;
  for (const auto& [wanted, nid] :
       {std::pair{server_auth, NID_server_auth}, std::pair{client_auth, NID_client_auth}}) {
    // OBJ_nid2obj returns a static object: freeing the stack leaves it alone.
    if (wanted && sk_ASN1_OBJECT_push(purposes.get(), OBJ_nid2obj(nid)) <= 0) return false;
  }
  return add_extension(cert, NID_ext_key_usage, purposes.get(), false);
}

// SubjectAltName ::= GeneralNames; GeneralName ::= CHOICE { … dNSName [2] IA5String, … }
// Critical when the subject is empty (RFC 5280 §4.2.1.6).
std::string add_dns_names(X509* cert, const std::vector<std::string>& dns_names, bool critical) {
  GeneralNamesPtr names{GENERAL_NAMES_new()};
  if (!names) return openssl_error("cannot allocate the subjectAltName");
  for (const std::string& dns : dns_names) {
    // IA5String: ASCII only; internationalised names go in as A-labels (xn--…).
    if (dns.empty() || std::any_of(dns.begin(), dns.end(), [](char c) {
          const auto byte = static_cast<unsigned char>(c);
          return byte <= 0x20 || byte >= 0x7f;
        })) {
      return "\"" + dns + "\" is not an ASCII DNS name";
    }
    Asn1Ia5StringPtr text{ASN1_IA5STRING_new()};
    GeneralNamePtr name{GENERAL_NAME_new()};
    if (!text || !name || ASN1_STRING_set(text.get(), dns.data(), static_cast<int>(dns.size())) != 1) {
      return openssl_error("cannot encode a DNS name");
    }
    GENERAL_NAME_set0_value(name.get(), GEN_DNS, text.release());
    if (sk_GENERAL_NAME_push(names.get(), name.get()) <= 0) return openssl_error("cannot add a DNS name");
    name.release();  // the stack owns it now
  }
  if (!add_extension(cert, NID_subject_alt_name, names.get(), critical)) {
    return openssl_error("cannot add the subjectAltName");
  }
  return {};
}

// SubjectKeyIdentifier ::= KeyIdentifier: the SHA-1 of the subjectPublicKey bits (RFC 5280 §4.2.1.2, method
// 1).
bool add_subject_key_id(X509* cert) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  Asn1OctetStringPtr key_id{ASN1_OCTET_STRING_new()};
  return key_id && X509_pubkey_digest(cert, EVP_sha1(), digest.data(), &length) == 1 &&
         ASN1_OCTET_STRING_set(key_id.get(), digest.data(), static_cast<int>(length)) == 1 &&
         add_extension(cert, NID_subject_key_identifier, key_id.get(), false);
}

// AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] KeyIdentifier OPTIONAL, … }
bool add_authority_key_id(X509* cert, X509* issuer) {
  const ASN1_OCTET_STRING* issuer_key_id = X509_get0_subject_key_id(issuer);
  if (issuer_key_id == nullptr) return true;  // nothing to point at; the issuer name still links them
  AuthorityKeyIdPtr authority{AUTHORITY_KEYID_new()};
  if (!authority) return false;
  authority->keyid = ASN1_OCTET_STRING_dup(issuer_key_id);
  return authority->keyid != nullptr &&
         add_extension(cert, NID_authority_key_identifier, authority.get(), false);
}

}  // namespace

ForgedIdentity forge_self_signed_ca(std::string_view common_name, KeyKind kind, Instant not_before,
                                    Instant not_after) {
  if (common_name.empty()) return failure("a CA needs a common name");
  ForgedIdentity out;
  out.key = generate_key(kind);
  if (!out.key) return failure(openssl_error("key generation failed"));
  X509Ptr cert{X509_new()};
  if (!cert) return failure(openssl_error("X509_new failed"));
  if (std::string why = fill_tbs(cert.get(), common_name, out.key.get(), nullptr, not_before, not_after);
      !why.empty()) {
    return failure("CA: " + why);
  }
  if (!add_basic_constraints(cert.get(), true) || !add_key_usage(cert.get(), {kKeyCertSign, kCrlSign}) ||
      !add_subject_key_id(cert.get())) {
    return failure(openssl_error("CA: cannot add extensions"));
  }
  if (X509_sign(cert.get(), out.key.get(), EVP_sha256()) <= 0) {
    return failure(openssl_error("CA: signing failed"));
  }
  out.certificate = std::move(cert);
  return out;
}

ForgedIdentity forge_leaf(const ForgeSpec& spec, const ForgedIdentity* issuer) {
  if (issuer != nullptr && !*issuer) return failure("leaf: the issuer has no certificate or key");
  if (issuer != nullptr && X509_check_ca(issuer->certificate.get()) != 1) {
    return failure("leaf: the issuer is not a CA");
  }
  if (spec.common_name.empty() && spec.dns_names.empty()) {
    return failure("leaf: neither a common name nor a DNS name");
  }
  ForgedIdentity out;
  out.key = generate_key(spec.key);
  if (!out.key) return failure(openssl_error("key generation failed"));
  X509Ptr cert{X509_new()};
  if (!cert) return failure(openssl_error("X509_new failed"));
  X509* issuer_cert = issuer != nullptr ? issuer->certificate.get() : nullptr;
  if (std::string why =
          fill_tbs(cert.get(), spec.common_name, out.key.get(), issuer_cert, spec.not_before, spec.not_after);
      !why.empty()) {
    return failure("leaf: " + why);
  }
  // keyEncipherment only for RSA: TLS 1.2 RSA key exchange encrypts to the key; EC keys only sign.
  const bool rsa = spec.key == KeyKind::rsa2048;
  const bool extensions_ok = add_basic_constraints(cert.get(), false) &&
                             (rsa ? add_key_usage(cert.get(), {kDigitalSignature, kKeyEncipherment})
                                  : add_key_usage(cert.get(), {kDigitalSignature})) &&
                             (!(spec.server_auth || spec.client_auth) ||
                              add_extended_key_usage(cert.get(), spec.server_auth, spec.client_auth)) &&
                             add_subject_key_id(cert.get()) &&
                             (issuer_cert == nullptr || add_authority_key_id(cert.get(), issuer_cert));
  if (!extensions_ok) return failure(openssl_error("leaf: cannot add extensions"));
  if (!spec.dns_names.empty()) {
    if (std::string why = add_dns_names(cert.get(), spec.dns_names, spec.common_name.empty()); !why.empty()) {
      return failure("leaf: " + why);
    }
  }
  EVP_PKEY* signing_key = issuer != nullptr ? issuer->key.get() : out.key.get();
  if (X509_sign(cert.get(), signing_key, EVP_sha256()) <= 0) {
    return failure(openssl_error("leaf: signing failed"));
  }
  out.certificate = std::move(cert);
  if (issuer != nullptr) {
    out.chain.push_back(share(issuer->certificate.get()));
    for (const X509Ptr& above : issuer->chain) out.chain.push_back(share(above.get()));
  }
  return out;
}

}  // namespace tc::x509
