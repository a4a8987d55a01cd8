#include "x509/certificate_input.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <algorithm>
#include <string_view>
#include <vector>

#include "x509/certificate_facts.h"
#include "x509/der_digest.h"

namespace tc::x509 {

namespace {

constexpr std::string_view kBegin = "-----BEGIN ";
constexpr std::string_view kEnd = "-----END ";
constexpr std::string_view kDashes = "-----";

std::string openssl_reason() {
  unsigned long code = ERR_peek_last_error();
  std::string text = code != 0 ? ERR_reason_error_string(code) ? ERR_reason_error_string(code) : "unknown error"
                               : "unknown error";
  ERR_clear_error();
  return text;
}

bool is_private_key_label(std::string_view label) {
  // "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY",
  // "DSA PRIVATE KEY", "OPENSSH PRIVATE KEY" …
  return label.find("PRIVATE KEY") != std::string_view::npos;
}

bool is_certificate_label(std::string_view label) {
  return label == "CERTIFICATE" || label == "X509 CERTIFICATE" || label == "TRUSTED CERTIFICATE";
}

size_t line_number(std::string_view text, size_t offset) {
  return 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

// The base64 body of a certificate block → X509, without OpenSSL's PEM
// reader: in 3.0 PEM_read_bio_X509 goes through the provider decoder chain and
// costs ~10x more than base64 + d2i, which matters for 10,000-file inventories.
// Null (caller falls back to the PEM reader) on anything unexpected.
// `sha256` receives the certificate's fingerprint (sha256_hex_from_der).
X509Ptr decode_pem_certificate(std::string_view body, bool trusted, bool with_key, std::string& sha256) {
  std::string base64;
  base64.reserve(body.size());
  for (char c : body) {
    if (c == '\n' || c == '\r' || c == ' ' || c == '\t') continue;
    if (c == ':') return X509Ptr{};  // an RFC 1421 header line
    base64.push_back(c);
  }
  if (base64.empty() || base64.size() % 4 != 0 || base64.size() > static_cast<size_t>(INT32_MAX)) return X509Ptr{};
  size_t padding = 0;
  while (padding < 2 && base64[base64.size() - 1 - padding] == '=') ++padding;
  std::vector<unsigned char> der(base64.size() / 4 * 3);
  int decoded = EVP_DecodeBlock(der.data(), reinterpret_cast<const unsigned char*>(base64.data()),
                                static_cast<int>(base64.size()));
  if (decoded < 0 || static_cast<size_t>(decoded) != der.size()) return X509Ptr{};
  size_t length = der.size() - padding;
  const unsigned char* cursor = der.data();
  X509Ptr cert{trusted    ? d2i_X509_AUX(nullptr, &cursor, static_cast<long>(length))
               : with_key ? d2i_X509(nullptr, &cursor, static_cast<long>(length))
                          : d2i_X509_keyless(&cursor, static_cast<long>(length))};
  if (!cert || cursor != der.data() + length) {
    ERR_clear_error();
    return X509Ptr{};
  }
  // A TRUSTED CERTIFICATE's bytes go on past the certificate (its aux part).
  sha256 = trusted ? sha256_hex(cert.get()) : sha256_hex_from_der(cert.get(), {der.data(), length});
  return cert;
}

// Walks the PEM blocks in place. Key blocks are only counted: their bytes are
// never copied or decoded.
void parse_pem(std::string_view text, bool with_key, ParsedInput& out) {
  size_t position = 0;
  size_t block = 0;
  while ((position = text.find(kBegin, position)) != std::string_view::npos) {
    ++block;
    size_t label_start = position + kBegin.size();
    size_t label_end = text.find(kDashes, label_start);
    size_t line_end = text.find('\n', label_start);
    if (label_end == std::string_view::npos || (line_end != std::string_view::npos && label_end > line_end)) {
      out.errors.push_back("truncated PEM: malformed BEGIN line at line " + std::to_string(line_number(text, position)));
      return;
    }
    std::string_view label = text.substr(label_start, label_end - label_start);
    std::string end_marker = std::string(kEnd) + std::string(label) + std::string(kDashes);
    size_t end = text.find(end_marker, label_end + kDashes.size());
    // A BEGIN before the matching END means this block was cut short.
    size_t next_begin = text.find(kBegin, label_end + kDashes.size());
    if (end == std::string_view::npos || (next_begin != std::string_view::npos && next_begin < end)) {
      out.errors.push_back("truncated PEM: BEGIN " + std::string(label) + " at line " +
                           std::to_string(line_number(text, position)) + " has no END line");
      if (is_private_key_label(label)) ++out.private_keys;
      if (end == std::string_view::npos) return;
      position = next_begin;
      continue;
    }
    size_t block_end = end + end_marker.size();
    if (is_private_key_label(label)) {
      ++out.private_keys;
    } else if (is_certificate_label(label)) {
      std::string_view body = text.substr(label_end + kDashes.size(), end - label_end - kDashes.size());
      std::string sha256;
      X509Ptr cert = decode_pem_certificate(body, label == "TRUSTED CERTIFICATE", with_key, sha256);
      if (!cert) {
        // Unusual shapes (PEM headers, odd line breaks): let OpenSSL's PEM reader try.
        std::string_view pem = text.substr(position, block_end - position);
        BioPtr bio{BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()))};
        if (bio) {
          cert.reset(label == "TRUSTED CERTIFICATE" ? PEM_read_bio_X509_AUX(bio.get(), nullptr, nullptr, nullptr)
                                                    : PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
        }
        if (cert) sha256 = sha256_hex(cert.get());
      }
      if (cert) {
        out.certs.push_back(std::move(cert));
        out.sha256.push_back(std::move(sha256));
      } else {
        out.errors.push_back("PEM block " + std::to_string(block) + " (" + std::string(label) + ") at line " +
                             std::to_string(line_number(text, position)) + " does not decode: " + openssl_reason());
      }
    } else {
      out.notes.push_back("skipped PEM block " + std::to_string(block) + " (" + std::string(label) + ")");
    }
    position = block_end;
  }
  ERR_clear_error();
}

// One or more DER certificates back to back; all bytes must be consumed.
bool parse_der(std::span<const uint8_t> bytes, bool with_key, ParsedInput& out) {
  std::vector<X509Ptr> certs;
  std::vector<std::span<const uint8_t>> encodings;
  const unsigned char* cursor = bytes.data();
  const unsigned char* end = bytes.data() + bytes.size();
  while (cursor < end) {
    const unsigned char* start = cursor;
    X509Ptr cert{with_key ? d2i_X509(nullptr, &cursor, static_cast<long>(end - cursor))
                          : d2i_X509_keyless(&cursor, static_cast<long>(end - cursor))};
    if (!cert) break;
    certs.push_back(std::move(cert));
    encodings.emplace_back(start, static_cast<size_t>(cursor - start));
  }
  ERR_clear_error();
  if (certs.empty() || cursor != end) return false;
  for (size_t i = 0; i < certs.size(); ++i) out.sha256.push_back(sha256_hex_from_der(certs[i].get(), encodings[i]));
  out.certs = std::move(certs);
  return true;
}

bool parse_pkcs12(std::span<const uint8_t> bytes, const InputOptions& options, ParsedInput& out) {
  const unsigned char* cursor = bytes.data();
  Pkcs12Ptr p12{d2i_PKCS12(nullptr, &cursor, static_cast<long>(bytes.size()))};
  ERR_clear_error();
  if (!p12) return false;
  out.format = InputFormat::pkcs12;
  const char* password = options.password ? options.password->c_str() : nullptr;
  EVP_PKEY* raw_key = nullptr;
  X509* raw_cert = nullptr;
  STACK_OF(X509)* raw_ca = nullptr;
  bool parsed = PKCS12_parse(p12.get(), password, &raw_key, &raw_cert, &raw_ca) == 1;
  // Take ownership at once; the key is dropped unread (EVP_PKEY_free clears it).
  EvpPkeyPtr key{raw_key};
  X509Ptr cert{raw_cert};
  X509StackPtr ca{raw_ca};
  if (!parsed) {
    bool mac_ok = PKCS12_mac_present(p12.get()) &&
                  PKCS12_verify_mac(p12.get(), password, password ? -1 : 0) == 1;
    ERR_clear_error();
    out.errors.emplace_back(mac_ok ? "PKCS#12 password is right but the contents could not be decrypted "
                                     "(legacy algorithm such as RC2-40, disabled in OpenSSL 3?)"
                                   : kWrongPkcs12Password);
    return true;
  }
  if (key) ++out.private_keys;
  if (cert) out.certs.push_back(std::move(cert));
  while (ca && sk_X509_num(ca.get()) > 0) out.certs.emplace_back(sk_X509_shift(ca.get()));
  for (const auto& each : out.certs) out.sha256.push_back(sha256_hex(each.get()));
  ERR_clear_error();
  return true;
}

}  // namespace

std::string_view to_string(InputFormat format) {
  switch (format) {
    case InputFormat::empty: return "empty";
    case InputFormat::pem: return "PEM";
    case InputFormat::der: return "DER";
    case InputFormat::pkcs12: return "PKCS#12";
    case InputFormat::unknown: return "unknown";
  }
  return "unknown";
}

ParsedInput parse_certificate_input(std::span<const uint8_t> bytes, const InputOptions& options) {
  ParsedInput out;
  if (bytes.empty()) {
    out.format = InputFormat::empty;
    out.errors.emplace_back("empty file");
    return out;
  }
  if (bytes.size() > static_cast<size_t>(INT32_MAX)) {
    out.errors.emplace_back("too large to be a certificate file");
    return out;
  }
  // ASN.1 SEQUENCE: DER certificate(s) or PKCS#12 (PFX ::= SEQUENCE {…}).
  if (bytes[0] == 0x30) {
    if (parse_der(bytes, options.decode_public_keys, out)) {
      out.format = InputFormat::der;
      return out;
    }
    if (parse_pkcs12(bytes, options, out)) return out;
  }
  std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (text.find(kBegin) != std::string_view::npos) {
    out.format = InputFormat::pem;
    parse_pem(text, options.decode_public_keys, out);
    if (out.certs.empty() && out.errors.empty() && out.private_keys == 0) {
      out.errors.emplace_back("PEM file holds no certificate");
    }
    return out;
  }
  out.format = InputFormat::unknown;
  // Java KeyStore magic 0xFEEDFEED (e.g. /etc/ssl/certs/java/cacerts).
  if (bytes.size() >= 4 && bytes[0] == 0xfe && bytes[1] == 0xed && bytes[2] == 0xfe && bytes[3] == 0xed) {
    out.errors.emplace_back("Java KeyStore (JKS) is not read: export it with keytool -exportcert -rfc");
    return out;
  }
  out.errors.emplace_back(kNotACertificate);
  return out;
}

}  // namespace tc::x509
