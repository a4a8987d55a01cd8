// The legacy RSA/EC public-key decoders (d2i_RSA_PUBKEY, d2i_EC_PUBKEY) are
// deprecated in 3.0 but are exactly what the 3.0 provider decoders call
// underneath; see public_key_from_spki.
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include "x509/certificate_facts.h"

#include <arpa/inet.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/provider.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <mutex>
#include <utility>

#include "model/text.h"

namespace tc::x509 {

namespace {

std::string hex_lower(const unsigned char* data, size_t size) { return to_hex({data, size}); }

std::string hex_lower(const ASN1_STRING* string) {
  if (string == nullptr) return {};
  return hex_lower(ASN1_STRING_get0_data(string), static_cast<size_t>(ASN1_STRING_length(string)));
}

// Whether ASN1_STRING_to_UTF8 would return the bytes unchanged: ASCII in a
// type it reads one byte per character (or UTF8String). Saves its conversion
// for nearly every common name.
bool utf8_as_is(const ASN1_STRING* string) {
  switch (ASN1_STRING_type(string)) {
    case V_ASN1_UTF8STRING:
    case V_ASN1_NUMERICSTRING:
    case V_ASN1_PRINTABLESTRING:
    case V_ASN1_T61STRING:
    case V_ASN1_IA5STRING: break;
    default: return false;
  }
  const unsigned char* data = ASN1_STRING_get0_data(string);
  return std::all_of(data, data + ASN1_STRING_length(string), [](unsigned char byte) { return byte < 0x80; });
}

std::string to_utf8(const ASN1_STRING* string) {
  if (string == nullptr) return {};
  if (utf8_as_is(string)) {
    return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(string)),
                       static_cast<size_t>(ASN1_STRING_length(string)));
  }
  unsigned char* out = nullptr;
  int length = ASN1_STRING_to_UTF8(&out, string);
  if (length < 0) return {};
  std::string text(reinterpret_cast<const char*>(out), static_cast<size_t>(length));
  OPENSSL_free(out);
  return text;
}

// IA5String contents as they are (dNSName, URI).
std::string ia5_text(const ASN1_IA5STRING* string) {
  if (string == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(string)),
                     static_cast<size_t>(ASN1_STRING_length(string)));
}

std::string object_text(const ASN1_OBJECT* object) {
  char buffer[128];
  int length = OBJ_obj2txt(buffer, sizeof buffer, object, 1);  // 1: always dotted
  if (length <= 0) return {};
  return std::string(buffer, std::min<size_t>(static_cast<size_t>(length), sizeof buffer - 1));
}

std::string common_name(const X509_NAME* name) {
  // The last CN is the most specific one (RFC 6125 §6.4.4 "the" CN).
  int index = -1;
  int last = -1;
  while ((index = X509_NAME_get_index_by_NID(name, NID_commonName, index)) >= 0) last = index;
  if (last < 0) return {};
  return to_utf8(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, last)));
}

std::string serial_hex(const X509* cert) {
  BignumPtr number{ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr)};
  if (!number) return {};
  OpensslString text{BN_bn2hex(number.get())};
  if (!text) return {};
  std::string out = text.get();
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string eku_name(const ASN1_OBJECT* object) {
  switch (OBJ_obj2nid(object)) {
    case NID_server_auth: return "serverAuth";
    case NID_client_auth: return "clientAuth";
    case NID_anyExtendedKeyUsage: return "anyExtendedKeyUsage";
    default: break;
  }
  std::string dotted = object_text(object);
  // RFC 5924 id-kp-sipDomain has no NID in OpenSSL 3.0.
  if (dotted == "1.3.6.1.5.5.7.3.20") return "sipDomain";
  return dotted;
}

void decode_eku(const X509* cert, CertificateFacts& facts) {
  facts.has_eku_extension = X509_get_ext_by_NID(cert, NID_ext_key_usage, -1) >= 0;
  ExtendedKeyUsagePtr eku{static_cast<EXTENDED_KEY_USAGE*>(X509_get_ext_d2i(cert, NID_ext_key_usage, nullptr, nullptr))};
  if (!eku) return;
  for (int i = 0; i < sk_ASN1_OBJECT_num(eku.get()); ++i) {
    facts.eku.push_back(eku_name(sk_ASN1_OBJECT_value(eku.get(), i)));
  }
}

void decode_key_usage(const X509* cert, CertificateFacts& facts) {
  // KeyUsage ::= BIT STRING { digitalSignature (0), … decipherOnly (8) }
  if ((X509_get_extension_flags(const_cast<X509*>(cert)) & EXFLAG_KUSAGE) == 0) return;
  uint32_t bits = X509_get_key_usage(const_cast<X509*>(cert));
  static constexpr std::array<std::pair<uint32_t, const char*>, 9> kNames{{
      {KU_DIGITAL_SIGNATURE, "digitalSignature"},
      {KU_NON_REPUDIATION, "nonRepudiation"},
      {KU_KEY_ENCIPHERMENT, "keyEncipherment"},
      {KU_DATA_ENCIPHERMENT, "dataEncipherment"},
      {KU_KEY_AGREEMENT, "keyAgreement"},
      {KU_KEY_CERT_SIGN, "keyCertSign"},
      {KU_CRL_SIGN, "cRLSign"},
      {KU_ENCIPHER_ONLY, "encipherOnly"},
      {KU_DECIPHER_ONLY, "decipherOnly"},
  }};
  for (const auto& [bit, name] : kNames) {
    if (bits & bit) facts.key_usage.emplace_back(name);
  }
}

std::string ip_text(const ASN1_OCTET_STRING* address) {
  const unsigned char* data = ASN1_STRING_get0_data(address);
  int length = ASN1_STRING_length(address);
  char buffer[INET6_ADDRSTRLEN] = {};
  if (length == 4 && inet_ntop(AF_INET, data, buffer, sizeof buffer) != nullptr) return buffer;
  if (length == 16 && inet_ntop(AF_INET6, data, buffer, sizeof buffer) != nullptr) return buffer;
  // Not an address (e.g. a name constraint mask): keep the bytes visible.
  return hex_lower(data, static_cast<size_t>(std::max(length, 0)));
}

void decode_san(const X509* cert, CertificateFacts& facts) {
  GeneralNamesPtr names{static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr))};
  if (!names) return;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    switch (name->type) {
      case GEN_DNS: facts.san_dns.push_back(ia5_text(name->d.dNSName)); break;
      case GEN_IPADD: facts.san_ip.push_back(ip_text(name->d.iPAddress)); break;
      case GEN_URI: facts.san_uri.push_back(ia5_text(name->d.uniformResourceIdentifier)); break;
      default: break;
    }
  }
}

// A library context with only the null provider: parsing a certificate in it
// finds no key decoders, so d2i leaves the public key undecoded (cheaply).
OSSL_LIB_CTX* keyless_context() {
  static OSSL_LIB_CTX* context = [] {
    OSSL_LIB_CTX* created = OSSL_LIB_CTX_new();
    // Loading "null" keeps the default provider from being loaded on demand.
    if (created != nullptr && OSSL_PROVIDER_load(created, "null") == nullptr) {
      OSSL_LIB_CTX_free(created);
      created = nullptr;
    }
    ERR_clear_error();
    return created;
  }();
  return context;
}

// Named curves seen so far (EC_GROUP_new_by_curve_name costs ~20 µs).
const EC_GROUP* named_curve(int nid) {
  static std::mutex mutex;
  // A handful for the process's lifetime, freed at exit (LeakSanitizer-clean).
  static std::map<int, std::unique_ptr<EC_GROUP, FreeWith<EC_GROUP_free>>> groups;
  std::lock_guard<std::mutex> lock(mutex);
  auto [it, inserted] = groups.emplace(nid, nullptr);
  if (inserted) it->second.reset(EC_GROUP_new_by_curve_name(nid));
  return it->second.get();
}

// Key facts of an EC key on a named curve, without an EVP_PKEY: what the
// legacy decoder (eckey_pub_decode, under the 3.0 provider decoder) checks —
// a known curve and a point on it — and EVP_PKEY_get_bits' answer (the order's
// bits). False when this is not such a key (the caller decodes it fully).
bool named_curve_key_facts(const X509* cert, CertificateFacts& facts) {
  const X509_PUBKEY* pub = X509_get_X509_PUBKEY(cert);
  ASN1_OBJECT* algorithm = nullptr;
  const unsigned char* point_bytes = nullptr;
  int point_length = 0;
  X509_ALGOR* algor = nullptr;
  if (pub == nullptr || X509_PUBKEY_get0_param(&algorithm, &point_bytes, &point_length, &algor, pub) != 1) return false;
  if (OBJ_obj2nid(algorithm) != NID_X9_62_id_ecPublicKey || algor == nullptr) return false;
  int parameter_type = 0;
  const void* parameter = nullptr;
  X509_ALGOR_get0(nullptr, &parameter_type, &parameter, algor);
  if (parameter_type != V_ASN1_OBJECT) return false;  // explicit parameters
  int curve = OBJ_obj2nid(static_cast<const ASN1_OBJECT*>(parameter));
  if (curve == NID_undef || curve == NID_sm2) return false;  // SM2 keys are their own type
  const EC_GROUP* group = named_curve(curve);
  if (group == nullptr) return false;
  EC_POINT* point = EC_POINT_new(group);
  bool on_curve = point != nullptr && point_bytes != nullptr &&
                  EC_POINT_oct2point(group, point, point_bytes, static_cast<size_t>(point_length), nullptr) == 1;
  EC_POINT_free(point);
  if (!on_curve) return false;
  facts.key_type = "EC";
  facts.key_bits = EC_GROUP_order_bits(group);
  return true;
}

// The public key of a certificate parsed without one (d2i_X509_keyless),
// decoded now from its SubjectPublicKeyInfo. RSA and EC go through the legacy
// decoders — what the provider decoders end up calling, without their set-up
// cost; anything else through d2i_PUBKEY. Null when the key does not decode.
EvpPkeyPtr public_key_from_spki(const X509* cert) {
  X509_PUBKEY* pub = X509_get_X509_PUBKEY(cert);
  if (pub == nullptr) return EvpPkeyPtr{};
  unsigned char* der = nullptr;
  int length = i2d_X509_PUBKEY(pub, &der);
  if (length <= 0) return EvpPkeyPtr{};
  ASN1_OBJECT* algorithm = nullptr;
  X509_PUBKEY_get0_param(&algorithm, nullptr, nullptr, nullptr, pub);
  EvpPkeyPtr key;
  const unsigned char* cursor = der;
  switch (OBJ_obj2nid(algorithm)) {
    case NID_rsaEncryption:
      if (RSA* rsa = d2i_RSA_PUBKEY(nullptr, &cursor, length)) {
        key.reset(EVP_PKEY_new());
        if (!key || EVP_PKEY_assign(key.get(), EVP_PKEY_RSA, rsa) != 1) {
          RSA_free(rsa);
          key.reset();
        }
      }
      break;
    case NID_X9_62_id_ecPublicKey:
      if (EC_KEY* ec = d2i_EC_PUBKEY(nullptr, &cursor, length)) {
        // SM2 curve keys are EVP_PKEY_SM2 for the provider decoder: leave them to it.
        if (EC_GROUP_get_curve_name(EC_KEY_get0_group(ec)) == NID_sm2) {
          EC_KEY_free(ec);
          cursor = der;
          key.reset(d2i_PUBKEY(nullptr, &cursor, length));
          break;
        }
        key.reset(EVP_PKEY_new());
        if (!key || EVP_PKEY_assign(key.get(), EVP_PKEY_EC, ec) != 1) {
          EC_KEY_free(ec);
          key.reset();
        }
      }
      break;
    default:
      key.reset(d2i_PUBKEY(nullptr, &cursor, length));
  }
  OPENSSL_free(der);
  ERR_clear_error();
  return key;
}

void decode_key(const EVP_PKEY* key, CertificateFacts& facts) {
  if (key == nullptr) {
    facts.key_type = "unknown";
    return;
  }
  facts.key_bits = EVP_PKEY_get_bits(key);
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA: facts.key_type = "RSA"; break;
    case EVP_PKEY_RSA_PSS: facts.key_type = "RSA-PSS"; break;
    case EVP_PKEY_EC: facts.key_type = "EC"; break;
    case EVP_PKEY_DSA: facts.key_type = "DSA"; break;
    case EVP_PKEY_ED25519: facts.key_type = "Ed25519"; break;
    case EVP_PKEY_ED448: facts.key_type = "Ed448"; break;
    default: {
      const char* name = EVP_PKEY_get0_type_name(key);
      facts.key_type = name != nullptr ? name : "unknown";
    }
  }
}

std::string signature_algorithm(const X509* cert) {
  int nid = X509_get_signature_nid(cert);
  if (nid != NID_undef) {
    const char* name = OBJ_nid2ln(nid);
    if (name != nullptr) return name;
  }
  const X509_ALGOR* algorithm = nullptr;
  X509_get0_signature(nullptr, &algorithm, cert);
  if (algorithm == nullptr) return {};
  const ASN1_OBJECT* object = nullptr;
  X509_ALGOR_get0(&object, nullptr, nullptr, algorithm);
  return object != nullptr ? object_text(object) : std::string{};
}

void decode_basic_constraints(const X509* cert, CertificateFacts& facts) {
  BasicConstraintsPtr constraints{
      static_cast<BASIC_CONSTRAINTS*>(X509_get_ext_d2i(cert, NID_basic_constraints, nullptr, nullptr))};
  facts.is_ca = constraints && constraints->ca != 0;
}

// Self-signature results by certificate sha256 (same bytes, same answer): one
// run decodes a root several times — as an input, and again while resolving
// the profile's roots — and an ECDSA P-384 check costs ~0.9 ms in 3.0.
class SelfSignatureCache {
 public:
  std::optional<bool> find(const std::string& sha256) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = results_.find(sha256);
    if (it == results_.end()) return std::nullopt;
    return it->second;
  }
  void store(const std::string& sha256, bool result) {
    std::lock_guard<std::mutex> lock(mutex_);
    results_.emplace(sha256, result);
  }

 private:
  std::mutex mutex_;
  std::map<std::string, bool, std::less<>> results_;
};

SelfSignatureCache& self_signature_cache() {
  static SelfSignatureCache cache;
  return cache;
}

void decode_self(const X509* cert, const EVP_PKEY* key, CertificateFacts& facts) {
  if (!facts.self_issued) return;
  if (key == nullptr) {
    facts.self_signed = false;
    return;
  }
  SelfSignatureCache& cache = self_signature_cache();
  if (facts.sha256.empty()) {
    // X509_verify takes non-const pointers in 3.0 but modifies neither.
    facts.self_signed = X509_verify(const_cast<X509*>(cert), const_cast<EVP_PKEY*>(key)) == 1;
  } else if (auto known = cache.find(facts.sha256)) {
    facts.self_signed = *known;
  } else {
    facts.self_signed = X509_verify(const_cast<X509*>(cert), const_cast<EVP_PKEY*>(key)) == 1;
    cache.store(facts.sha256, facts.self_signed);
  }
  ERR_clear_error();
}

void decode_revocation_info(const X509* cert, CertificateFacts& facts) {
  facts.has_crl_distribution_points = X509_get_ext_by_NID(cert, NID_crl_distribution_points, -1) >= 0;
  CrlDistPointsPtr points{
      static_cast<CRL_DIST_POINTS*>(X509_get_ext_d2i(cert, NID_crl_distribution_points, nullptr, nullptr))};
  if (points) {
    for (int i = 0; i < sk_DIST_POINT_num(points.get()); ++i) {
      const DIST_POINT* point = sk_DIST_POINT_value(points.get(), i);
      // DistributionPointName ::= CHOICE { fullName [0] GeneralNames, … }
      if (point->distpoint == nullptr || point->distpoint->type != 0) continue;
      const GENERAL_NAMES* names = point->distpoint->name.fullname;
      for (int j = 0; j < sk_GENERAL_NAME_num(names); ++j) {
        const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, j);
        if (name->type == GEN_URI) facts.crl_urls.push_back(ia5_text(name->d.uniformResourceIdentifier));
      }
    }
  }
  AuthorityInfoAccessPtr access{
      static_cast<AUTHORITY_INFO_ACCESS*>(X509_get_ext_d2i(cert, NID_info_access, nullptr, nullptr))};
  if (access) {
    for (int i = 0; i < sk_ACCESS_DESCRIPTION_num(access.get()); ++i) {
      if (OBJ_obj2nid(sk_ACCESS_DESCRIPTION_value(access.get(), i)->method) == NID_ad_OCSP) facts.has_ocsp = true;
    }
  }
}

}  // namespace

std::optional<Instant> to_instant(const ASN1_TIME* time) {
  std::tm parts{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &parts) != 1) return std::nullopt;
  // Calendar arithmetic in chrono, not timegm: exact for any year (2050+ is
  // GeneralizedTime) and independent of the process time zone.
  std::chrono::year_month_day date{std::chrono::year{parts.tm_year + 1900},
                                   std::chrono::month{static_cast<unsigned>(parts.tm_mon + 1)},
                                   std::chrono::day{static_cast<unsigned>(parts.tm_mday)}};
  if (!date.ok()) return std::nullopt;
  return std::chrono::sys_days{date} + std::chrono::hours{parts.tm_hour} + std::chrono::minutes{parts.tm_min} +
         std::chrono::seconds{parts.tm_sec};
}

std::string subject_hash_hex(const X509* cert) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%08lx", X509_subject_name_hash(const_cast<X509*>(cert)));
  return buffer;
}

std::string sha256_hex(const X509* cert) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (X509_digest(cert, EVP_sha256(), digest, &length) != 1) return {};
  return hex_lower(digest, length);
}

CertificateFacts decode_certificate(const X509* cert, std::string source, std::string sha256) {
  CertificateFacts facts;
  facts.source = std::move(source);
  if (cert == nullptr) return facts;
  const X509_NAME* subject = X509_get_subject_name(cert);
  facts.subject = name_to_string(subject);
  facts.issuer = name_to_string(X509_get_issuer_name(cert));
  facts.common_name = common_name(subject);
  facts.serial_hex = serial_hex(cert);
  facts.sha256 = sha256.empty() ? sha256_hex(cert) : std::move(sha256);
  facts.subject_hash = subject_hash_hex(cert);
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%08lx", X509_issuer_name_hash(const_cast<X509*>(cert)));
  facts.issuer_hash = buffer;
  facts.subject_key_id = hex_lower(X509_get0_subject_key_id(const_cast<X509*>(cert)));
  facts.authority_key_id = hex_lower(X509_get0_authority_key_id(const_cast<X509*>(cert)));
  if (auto instant = to_instant(X509_get0_notBefore(cert))) facts.not_before = *instant;
  if (auto instant = to_instant(X509_get0_notAfter(cert))) facts.not_after = *instant;
  decode_eku(cert, facts);
  decode_key_usage(cert, facts);
  decode_san(cert, facts);
  facts.self_issued = X509_NAME_cmp(subject, X509_get_issuer_name(cert)) == 0;
  // The key decoded with the certificate; for one parsed by d2i_X509_keyless
  // (or whose key did not decode), the key facts straight from the
  // SubjectPublicKeyInfo, and a key decoded now when a self-signature needs it.
  const EVP_PKEY* key = X509_get0_pubkey(cert);
  EvpPkeyPtr decoded_now;
  if (key == nullptr && (facts.self_issued || !named_curve_key_facts(cert, facts))) {
    decoded_now = public_key_from_spki(cert);
    key = decoded_now.get();
  }
  if (facts.key_type.empty()) decode_key(key, facts);
  facts.signature_algorithm = signature_algorithm(cert);
  decode_basic_constraints(cert, facts);
  decode_self(cert, key, facts);
  decode_revocation_info(cert, facts);
  ERR_clear_error();  // a malformed extension must not leak errors into later calls
  return facts;
}

X509* d2i_X509_keyless(const unsigned char** cursor, long length) {
  OSSL_LIB_CTX* context = keyless_context();
  if (context == nullptr) return d2i_X509(nullptr, cursor, length);
  // The libctx reaches only the SubjectPublicKeyInfo (the certificate's own
  // libctx stays the default one, so its digests work).
  return reinterpret_cast<X509*>(ASN1_item_d2i_ex(nullptr, cursor, length, ASN1_ITEM_rptr(X509), context, nullptr));
}

std::string common_name_of(const X509* cert) { return common_name(X509_get_subject_name(cert)); }

X509Ptr with_public_key(X509* cert) {
  if (cert == nullptr || X509_get0_pubkey(cert) != nullptr) {
    ERR_clear_error();
    return share(cert);
  }
  unsigned char* der = nullptr;
  int length = i2d_X509(cert, &der);
  X509Ptr keyed;
  if (length > 0) keyed = parse_certificate_der({der, static_cast<size_t>(length)});
  OPENSSL_free(der);
  ERR_clear_error();
  return keyed && X509_get0_pubkey(keyed.get()) != nullptr ? std::move(keyed) : share(cert);
}

X509Ptr parse_certificate_der(std::span<const uint8_t> der) {
  if (der.empty() || der.size() > static_cast<size_t>(INT32_MAX)) return X509Ptr{};
  const unsigned char* cursor = der.data();
  X509Ptr cert{d2i_X509(nullptr, &cursor, static_cast<long>(der.size()))};
  ERR_clear_error();
  if (!cert || cursor != der.data() + der.size()) return X509Ptr{};
  return cert;
}

std::optional<CertificateFacts> decode_certificate_der(const Bytes& der, std::string source) {
  X509Ptr cert = parse_certificate_der(der);
  if (!cert) return std::nullopt;
  return decode_certificate(cert.get(), std::move(source));
}

std::string decode_name_der(const Bytes& der) {
  if (der.empty() || der.size() > static_cast<size_t>(INT32_MAX)) return {};
  const unsigned char* cursor = der.data();
  X509NamePtr name{d2i_X509_NAME(nullptr, &cursor, static_cast<long>(der.size()))};
  ERR_clear_error();
  if (!name || cursor != der.data() + der.size()) return {};
  return name_to_string(name.get());
}

}  // namespace tc::x509
