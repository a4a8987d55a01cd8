#pragma once
// The sha256 fingerprint of a certificate from the bytes it was parsed from.
// sha256_hex(cert) re-encodes the certificate (i2d) and digests that; when
// the input is already what i2d writes, hashing the input gives the same
// fingerprint for a fraction of the cost (10,000-file inventories).
#include <openssl/x509.h>

#include <cstdint>
#include <span>
#include <string>

namespace tc::x509 {

// `der`: exactly the bytes d2i_X509 consumed for `cert`. Hashes them when
// they are byte for byte i2d_X509's output, else falls back to sha256_hex.
std::string sha256_hex_from_der(const X509* cert, std::span<const uint8_t> der);

}  // namespace tc::x509
