#pragma once
// The TLS cipher suites trunkcheck names, written once: IANA code and name,
// OpenSSL name, and the properties the rules and the probe care about.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace tc {

enum class KeyExchange { rsa, dhe, ecdhe, tls13, none };

struct CipherSuite {
  uint16_t code;
  std::string_view iana_name;
  std::string_view openssl_name;  // empty when OpenSSL has no name for it
  KeyExchange key_exchange;
  bool aead;                      // GCM, CCM or ChaCha20-Poly1305
  bool weak;                      // RC4, 3DES, NULL, export, DES, MD5 MAC
  bool tls13;
};

// Every suite the registry knows, in code order.
std::span<const CipherSuite> all_cipher_suites();
const CipherSuite* find_cipher_suite(uint16_t code);
std::optional<uint16_t> find_cipher_code(std::string_view any_name);

// "0x003d", the form JSON and text output use.
std::string format_suite_code(uint16_t code);
// Accepts "0x003d", "0x3D", "003d", the IANA name or the OpenSSL name.
std::optional<uint16_t> parse_suite(std::string_view text);
// "TLS_RSA_WITH_AES_256_CBC_SHA256 (0x003d)", or "unknown (0x1234)".
std::string describe_suite(uint16_t code);

// GREASE values (RFC 8701): 0x0a0a, 0x1a1a … 0xfafa.
bool is_grease(uint16_t value);
// Signalling values that are not real suites (SCSVs).
bool is_signalling_suite(uint16_t code);

// "TLS 1.2" for 0x0303, "SSL 3.0", "TLS 1.3" …, else "0x7f12".
std::string format_tls_version(uint16_t version);
std::optional<uint16_t> parse_tls_version(std::string_view text);

}  // namespace tc
