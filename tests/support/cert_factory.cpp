#include "support/cert_factory.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <chrono>
#include <map>
#include <mutex>
#include <utility>

namespace tc::testing {

namespace {

std::string last_openssl_error(const char* what) {
  unsigned long code = ERR_get_error();
  char buffer[256] = {};
  if (code != 0) ERR_error_string_n(code, buffer, sizeof buffer);
  ERR_clear_error();
  return std::string(what) + (code != 0 ? std::string(": ") + buffer : std::string());
}

x509::EvpPkeyPtr generate_key(KeyType type) {
  switch (type) {
    case KeyType::rsa1024: return x509::EvpPkeyPtr{EVP_RSA_gen(1024)};
    case KeyType::rsa2048: return x509::EvpPkeyPtr{EVP_RSA_gen(2048)};
    case KeyType::rsa3072: return x509::EvpPkeyPtr{EVP_RSA_gen(3072)};
    case KeyType::ec_p256: return x509::EvpPkeyPtr{EVP_EC_gen("P-256")};
    case KeyType::ec_p384: return x509::EvpPkeyPtr{EVP_EC_gen("P-384")};
    case KeyType::ed25519: return x509::EvpPkeyPtr{EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")};
  }
  return {};
}

std::string join(const std::vector<std::string>& items, const std::string& prefix) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += ',';
    out += prefix + item;
  }
  return out;
}

// Adds one extension written in OpenSSL config syntax ("critical,CA:TRUE").
bool add_extension(X509* cert, X509V3_CTX* context, int nid, const std::string& value, std::string& error) {
  x509::X509ExtensionPtr extension{X509V3_EXT_nconf_nid(nullptr, context, nid, value.c_str())};
  if (!extension || X509_add_ext(cert, extension.get(), -1) != 1) {
    error = last_openssl_error(("extension " + std::string(OBJ_nid2sn(nid)) + "=" + value).c_str());
    return false;
  }
  return true;
}

x509::Asn1TimePtr asn1_time(Instant instant) {
  // ASN1_TIME_set picks UTCTime for 1950–2049 and GeneralizedTime otherwise.
  return x509::Asn1TimePtr{ASN1_TIME_set(nullptr, static_cast<time_t>(instant.time_since_epoch().count()))};
}

const EVP_MD* digest_for(const EVP_PKEY* key, const std::string& name) {
  if (EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519 || EVP_PKEY_get_base_id(key) == EVP_PKEY_ED448) return nullptr;
  return EVP_get_digestbyname(name.c_str());
}

}  // namespace

std::string_view to_string(KeyType type) {
  switch (type) {
    case KeyType::rsa1024: return "rsa1024";
    case KeyType::rsa2048: return "rsa2048";
    case KeyType::rsa3072: return "rsa3072";
    case KeyType::ec_p256: return "ec-p256";
    case KeyType::ec_p384: return "ec-p384";
    case KeyType::ed25519: return "ed25519";
  }
  return "?";
}

x509::EvpPkeyPtr cached_key(KeyType type, int slot) {
  static std::mutex mutex;
  static std::map<std::pair<KeyType, int>, x509::EvpPkeyPtr> cache;
  std::lock_guard lock(mutex);
  x509::EvpPkeyPtr& entry = cache[{type, slot}];
  if (!entry) entry = generate_key(type);
  if (!entry || EVP_PKEY_up_ref(entry.get()) != 1) return {};
  return x509::EvpPkeyPtr{entry.get()};
}

CertSpec root_ca_spec(std::string common_name, Instant not_before, Instant not_after) {
  CertSpec spec;
  spec.common_name = std::move(common_name);
  spec.organization = "trunkcheck test PKI";
  spec.not_before = not_before;
  spec.not_after = not_after;
  spec.ca = true;
  spec.key_usage = {"keyCertSign", "cRLSign"};
  spec.key_slot = 1;
  return spec;
}

CertSpec intermediate_ca_spec(std::string common_name, Instant not_before, Instant not_after) {
  CertSpec spec = root_ca_spec(std::move(common_name), not_before, not_after);
  spec.path_length = 0;
  spec.key_slot = 2;
  return spec;
}

CertSpec leaf_spec(std::string host, Instant not_before, Instant not_after, std::vector<std::string> eku) {
  CertSpec spec;
  spec.common_name = host;
  spec.organization = "trunkcheck test";
  spec.not_before = not_before;
  spec.not_after = not_after;
  spec.san_dns = {std::move(host)};
  spec.eku = std::move(eku);
  spec.key_usage = {"digitalSignature", "keyEncipherment"};
  spec.crl_urls = {"http://crl.example.test/ca.crl"};
  spec.ocsp_urls = {"http://ocsp.example.test"};
  return spec;
}

Issued issue(const CertSpec& spec, const Issued* issuer) {
  Issued out;
  out.key = cached_key(spec.key_type, spec.key_slot);
  if (!out.key) {
    out.error = last_openssl_error("key generation failed");
    return out;
  }
  if (issuer != nullptr && (!issuer->cert || !issuer->key)) {
    out.error = "issuer has no certificate or key";
    return out;
  }
  x509::X509Ptr cert{X509_new()};
  if (!cert) {
    out.error = "X509_new failed";
    return out;
  }
  X509_set_version(cert.get(), X509_VERSION_3);
  x509::Asn1IntegerPtr serial{ASN1_INTEGER_new()};
  ASN1_INTEGER_set_uint64(serial.get(), spec.serial);
  X509_set_serialNumber(cert.get(), serial.get());

  X509_NAME* name = X509_get_subject_name(cert.get());
  auto add_entry = [&](const char* field, const std::string& value) {
    if (value.empty()) return;
    X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(value.c_str()), -1,
                               -1, 0);
  };
  add_entry("O", spec.organization);
  add_entry("CN", spec.common_name);
  X509_set_issuer_name(cert.get(), issuer != nullptr ? X509_get_subject_name(issuer->cert.get()) : name);

  x509::Asn1TimePtr not_before = asn1_time(spec.not_before);
  x509::Asn1TimePtr not_after = asn1_time(spec.not_after);
  if (!not_before || !not_after || X509_set1_notBefore(cert.get(), not_before.get()) != 1 ||
      X509_set1_notAfter(cert.get(), not_after.get()) != 1) {
    out.error = last_openssl_error("cannot set validity");
    return out;
  }
  X509_set_pubkey(cert.get(), out.key.get());

  X509V3_CTX context;
  X509V3_set_ctx(&context, issuer != nullptr ? issuer->cert.get() : cert.get(), cert.get(), nullptr, nullptr, 0);
  std::string error;
  bool ok = true;
  if (spec.ca) {
    std::string value = "critical,CA:TRUE";
    if (spec.path_length) value += ",pathlen:" + std::to_string(*spec.path_length);
    ok = ok && add_extension(cert.get(), &context, NID_basic_constraints, value, error);
  }
  if (ok && !spec.key_usage.empty()) {
    ok = add_extension(cert.get(), &context, NID_key_usage, "critical," + join(spec.key_usage, ""), error);
  }
  if (ok && spec.eku) {
    std::vector<std::string> purposes;
    for (const std::string& purpose : *spec.eku) {
      purposes.push_back(purpose == "sipDomain" ? "1.3.6.1.5.5.7.3.20" : purpose);
    }
    ok = add_extension(cert.get(), &context, NID_ext_key_usage, join(purposes, ""), error);
  }
  std::string san = join(spec.san_dns, "DNS:");
  for (const auto& [items, prefix] : {std::pair{&spec.san_ip, "IP:"}, std::pair{&spec.san_uri, "URI:"}}) {
    std::string part = join(*items, prefix);
    if (!part.empty()) san += (san.empty() ? "" : ",") + part;
  }
  if (ok && !san.empty()) ok = add_extension(cert.get(), &context, NID_subject_alt_name, san, error);
  if (ok && spec.key_identifiers) {
    ok = add_extension(cert.get(), &context, NID_subject_key_identifier, "hash", error);
    // Refresh the context so a self-signed certificate finds its own SKI.
    X509V3_set_ctx(&context, issuer != nullptr ? issuer->cert.get() : cert.get(), cert.get(), nullptr, nullptr, 0);
    ok = ok && add_extension(cert.get(), &context, NID_authority_key_identifier, "keyid:always", error);
  }
  if (ok && !spec.crl_urls.empty()) {
    ok = add_extension(cert.get(), &context, NID_crl_distribution_points, join(spec.crl_urls, "URI:"), error);
  }
  if (ok && !spec.ocsp_urls.empty()) {
    ok = add_extension(cert.get(), &context, NID_info_access, join(spec.ocsp_urls, "OCSP;URI:"), error);
  }
  if (!ok) {
    out.error = error;
    return out;
  }
  EVP_PKEY* signing_key = issuer != nullptr ? issuer->key.get() : out.key.get();
  const EVP_MD* digest = digest_for(signing_key, spec.digest);
  if (digest == nullptr && EVP_PKEY_get_base_id(signing_key) != EVP_PKEY_ED25519) {
    out.error = "unknown digest " + spec.digest;
    return out;
  }
  if (X509_sign(cert.get(), signing_key, digest) <= 0) {
    out.error = last_openssl_error(("signing with " + spec.digest + " refused").c_str());
    return out;
  }
  out.cert = std::move(cert);
  return out;
}

std::string to_pem(const X509* cert) {
  x509::BioPtr bio{BIO_new(BIO_s_mem())};
  if (!bio || PEM_write_bio_X509(bio.get(), const_cast<X509*>(cert)) != 1) return {};
  char* data = nullptr;
  long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(length));
}

std::string to_pem(const std::vector<const X509*>& certs) {
  std::string out;
  for (const X509* cert : certs) out += to_pem(cert);
  return out;
}

Bytes to_der(const X509* cert) {
  int length = i2d_X509(cert, nullptr);
  if (length <= 0) return {};
  Bytes out(static_cast<size_t>(length));
  unsigned char* cursor = out.data();
  i2d_X509(cert, &cursor);
  return out;
}

std::string key_to_pem(const EVP_PKEY* key, bool traditional) {
  x509::BioPtr bio{BIO_new(BIO_s_mem())};
  if (!bio) return {};
  int written = traditional ? PEM_write_bio_PrivateKey_traditional(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr)
                            : PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  if (written != 1) return {};
  char* data = nullptr;
  long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(length));
}

std::optional<Bytes> to_pkcs12(const Issued& subject, const std::vector<const X509*>& chain,
                               const std::string& password) {
  x509::X509StackPtr ca{sk_X509_new_null()};
  for (const X509* cert : chain) sk_X509_push(ca.get(), x509::share(cert).release());
  x509::Pkcs12Ptr p12{PKCS12_create(password.c_str(), "trunkcheck test", subject.key.get(), subject.cert.get(),
                                    ca.get(), 0, 0, 0, 0, 0)};
  if (!p12) {
    ERR_clear_error();
    return std::nullopt;
  }
  int length = i2d_PKCS12(p12.get(), nullptr);
  if (length <= 0) return std::nullopt;
  Bytes out(static_cast<size_t>(length));
  unsigned char* cursor = out.data();
  i2d_PKCS12(p12.get(), &cursor);
  return out;
}

x509::X509CrlPtr make_crl(const Issued& issuer, const std::vector<RevokedEntry>& revoked, Instant this_update,
                          Instant next_update, const std::string& digest) {
  x509::X509CrlPtr crl{X509_CRL_new()};
  if (!crl || !issuer.cert || !issuer.key) return {};
  X509_CRL_set_version(crl.get(), 1);  // v2
  X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(issuer.cert.get()));
  x509::Asn1TimePtr last = asn1_time(this_update);
  x509::Asn1TimePtr next = asn1_time(next_update);
  X509_CRL_set1_lastUpdate(crl.get(), last.get());
  X509_CRL_set1_nextUpdate(crl.get(), next.get());
  for (const RevokedEntry& entry : revoked) {
    x509::X509RevokedPtr item{X509_REVOKED_new()};
    x509::Asn1IntegerPtr serial{ASN1_INTEGER_new()};
    ASN1_INTEGER_set_uint64(serial.get(), entry.serial);
    X509_REVOKED_set_serialNumber(item.get(), serial.get());
    x509::Asn1TimePtr when = asn1_time(entry.revoked_at);
    X509_REVOKED_set_revocationDate(item.get(), when.get());
    if (X509_CRL_add0_revoked(crl.get(), item.get()) == 1) item.release();  // the CRL owns it now
  }
  X509_CRL_sort(crl.get());
  if (X509_CRL_sign(crl.get(), issuer.key.get(), digest_for(issuer.key.get(), digest)) <= 0) {
    ERR_clear_error();
    return {};
  }
  return crl;
}

std::string crl_to_pem(const X509_CRL* crl) {
  x509::BioPtr bio{BIO_new(BIO_s_mem())};
  if (!bio || PEM_write_bio_X509_CRL(bio.get(), const_cast<X509_CRL*>(crl)) != 1) return {};
  char* data = nullptr;
  long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(length));
}

Bytes crl_to_der(const X509_CRL* crl) {
  int length = i2d_X509_CRL(crl, nullptr);
  if (length <= 0) return {};
  Bytes out(static_cast<size_t>(length));
  unsigned char* cursor = out.data();
  i2d_X509_CRL(crl, &cursor);
  return out;
}

bool write_file(const std::string& path, const std::string& contents, unsigned mode) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return false;
  fchmod(fd, mode);  // umask must not loosen or tighten what the fixture says
  size_t written = 0;
  while (written < contents.size()) {
    ssize_t result = write(fd, contents.data() + written, contents.size() - written);
    if (result <= 0) {
      close(fd);
      return false;
    }
    written += static_cast<size_t>(result);
  }
  return close(fd) == 0;
}

bool write_file(const std::string& path, const Bytes& contents, unsigned mode) {
  return write_file(path, std::string(contents.begin(), contents.end()), mode);
}

Instant utc(int year, unsigned month, unsigned day, int hour, int minute, int second) {
  return std::chrono::sys_days{std::chrono::year{year} / std::chrono::month{month} / std::chrono::day{day}} +
         std::chrono::hours{hour} + std::chrono::minutes{minute} + std::chrono::seconds{second};
}

}  // namespace tc::testing
