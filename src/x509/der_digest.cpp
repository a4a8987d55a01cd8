#include "x509/der_digest.h"

#include <openssl/sha.h>

#include <cstring>
#include <optional>
#include <vector>

#include "model/text.h"
#include "x509/certificate_facts.h"

namespace tc::x509 {

namespace {

struct Header {
  size_t header_bytes = 0;
  size_t content_bytes = 0;
};

// A definite-length DER header with a one-byte tag; nullopt for anything
// else (BER indefinite length, high tag numbers, truncation).
std::optional<Header> read_header(std::span<const uint8_t> bytes) {
  if (bytes.size() < 2 || (bytes[0] & 0x1f) == 0x1f) return std::nullopt;
  uint8_t first = bytes[1];
  if (first < 0x80) return Header{2, first};
  size_t count = first & 0x7f;
  if (count == 0 || count > 4 || bytes.size() < 2 + count) return std::nullopt;
  size_t length = 0;
  for (size_t i = 0; i < count; ++i) length = (length << 8) | bytes[2 + i];
  return Header{2 + count, length};
}

// The minimal header DER gives a SEQUENCE of `length` content bytes.
std::vector<uint8_t> sequence_header(size_t length) {
  std::vector<uint8_t> header{0x30};
  if (length < 0x80) {
    header.push_back(static_cast<uint8_t>(length));
    return header;
  }
  std::vector<uint8_t> digits;
  for (size_t rest = length; rest > 0; rest >>= 8) digits.insert(digits.begin(), static_cast<uint8_t>(rest));
  header.push_back(static_cast<uint8_t>(0x80 | digits.size()));
  header.insert(header.end(), digits.begin(), digits.end());
  return header;
}

// Appends the i2d output of a small part of the certificate; false if it has none.
template <typename T>
bool append_encoded(std::vector<uint8_t>& bytes, const T* part, int (*i2d)(const T*, unsigned char**)) {
  unsigned char* out = nullptr;
  int length = i2d(part, &out);
  if (length <= 0 || out == nullptr) return false;
  bytes.insert(bytes.end(), out, out + length);
  OPENSSL_free(out);
  return true;
}

// Whether i2d_X509(cert) would write `der`. OpenSSL keeps the TBSCertificate
// exactly as it was read and re-encodes only the outer SEQUENCE, the
// signature algorithm and the signature: those are compared.
bool reencodes_to(const X509* cert, std::span<const uint8_t> der) {
  auto outer = read_header(der);
  if (!outer || der[0] != 0x30 || outer->header_bytes + outer->content_bytes != der.size()) return false;
  std::span<const uint8_t> content = der.subspan(outer->header_bytes);
  auto tbs = read_header(content);
  if (!tbs || tbs->header_bytes + tbs->content_bytes > content.size()) return false;
  std::span<const uint8_t> after_tbs = content.subspan(tbs->header_bytes + tbs->content_bytes);
  const ASN1_BIT_STRING* signature = nullptr;
  const X509_ALGOR* algorithm = nullptr;
  X509_get0_signature(&signature, &algorithm, cert);
  if (signature == nullptr || algorithm == nullptr) return false;
  std::vector<uint8_t> tail;
  if (!append_encoded(tail, algorithm, i2d_X509_ALGOR) || !append_encoded(tail, signature, i2d_ASN1_BIT_STRING)) {
    return false;
  }
  if (tail.size() != after_tbs.size() || std::memcmp(tail.data(), after_tbs.data(), tail.size()) != 0) return false;
  std::vector<uint8_t> header = sequence_header(outer->content_bytes);
  return header.size() == outer->header_bytes && std::memcmp(header.data(), der.data(), header.size()) == 0;
}

}  // namespace

std::string sha256_hex_from_der(const X509* cert, std::span<const uint8_t> der) {
  if (cert == nullptr || !reencodes_to(cert, der)) return sha256_hex(cert);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(der.data(), der.size(), digest);
  return to_hex({digest, sizeof digest});
}

}  // namespace tc::x509
