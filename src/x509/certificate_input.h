#pragma once
// Bytes → certificates: recognises PEM (single or bundles, with any private
// key blocks counted but never decoded), DER (one or several concatenated
// certificates) and PKCS#12. No file I/O here; see x509/certificate_file.h.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "x509/handles.h"

namespace tc::x509 {

enum class InputFormat { empty, pem, der, pkcs12, unknown };
std::string_view to_string(InputFormat format);

struct InputOptions {
  // PKCS#12 password; nullopt tries the empty password (and no password).
  std::optional<std::string> password;
  // false: PEM and DER certificates are parsed without decoding their public
  // key into an EVP_PKEY (see parse_certificate_der_keyless). Their facts are
  // the same, but the handles cannot verify signatures or build chains: only
  // for callers that need facts alone (the `cert --each` inventory).
  bool decode_public_keys = true;
};

struct ParsedInput {
  InputFormat format = InputFormat::unknown;
  std::vector<X509Ptr> certs;      // in the order they appear
  std::vector<std::string> sha256; // sha256[i]: sha256_hex of certs[i], from the input bytes when possible
  size_t private_keys = 0;         // PEM key blocks or a key bag seen; never kept
  std::vector<std::string> errors; // why (part of) the input could not be read
  std::vector<std::string> notes;  // things skipped on purpose (e.g. a CRL block)
};

// Never throws; every problem is a message in `errors`.
ParsedInput parse_certificate_input(std::span<const uint8_t> bytes, const InputOptions& options = {});

// The message for input that is none of the known formats (rules and tests
// match on it).
inline constexpr const char* kNotACertificate = "not a certificate: no PEM block, not DER, not PKCS#12";
inline constexpr const char* kWrongPkcs12Password = "wrong PKCS#12 password or corrupt file";

}  // namespace tc::x509
