#pragma once
// Parsers for the TLS handshake messages trunkcheck reads (RFC 8446, RFC 5246),
// filling tc::Connection. Each returns false when the message is malformed
// (a violation: the caller stops parsing that direction); recoverable oddities
// inside a message (a malformed extension) are noted in Connection::anomalies.
#include <cstdint>
#include <string>
#include <vector>

#include "model/connection.h"
#include "wire/byte_cursor.h"

namespace tc::wire {

namespace hs {
inline constexpr uint8_t client_hello = 1;
inline constexpr uint8_t server_hello = 2;
inline constexpr uint8_t certificate = 11;
inline constexpr uint8_t certificate_request = 13;
}  // namespace hs

// GREASE values (RFC 8701): 0x0a0a, 0x1a1a, … 0xfafa.
constexpr bool is_grease(uint16_t value) { return (value & 0x0f0f) == 0x0a0a && (value >> 8) == (value & 0xff); }

// TLS 1.3 and its drafts (0x7f00 | draft number) encrypt everything after ServerHello.
constexpr bool is_tls13(uint16_t version) { return version == 0x0304 || (version >> 8) == 0x7f; }

// Certificates kept per Certificate message: real chains hold 2-5; a list of
// thousands of tiny entries would only cost decoding time above the wire.
inline constexpr size_t kMaxChainCertificates = 32;

[[nodiscard]] bool parse_client_hello(ByteCursor body, Connection& connection);
// Sets hello_retry_request when the random is the HelloRetryRequest constant;
// `retry` tells the caller which kind it was.
[[nodiscard]] bool parse_server_hello(ByteCursor body, Connection& connection, bool& retry);
// `version` is the negotiated version (TLS 1.3 certificates carry a request context).
[[nodiscard]] bool parse_certificate(ByteCursor body, uint16_t version, Side from, Connection& connection);
[[nodiscard]] bool parse_certificate_request(ByteCursor body, uint16_t version, Connection& connection);
// SSLv2 CLIENT-HELLO (draft-hickman-netscape-ssl-00), record header already removed.
[[nodiscard]] bool parse_sslv2_client_hello(ByteCursor body, Connection& connection);

// "SSLVersion,Ciphers,Extensions,EllipticCurves,ECPointFormats", GREASE removed.
std::string ja3_text(uint16_t version, const std::vector<uint16_t>& ciphers,
                     const std::vector<uint16_t>& extensions, const std::vector<uint16_t>& groups,
                     const std::vector<uint8_t>& point_formats);
// "SSLVersion,Cipher,Extensions".
std::string ja3s_text(uint16_t version, uint16_t cipher, const std::vector<uint16_t>& extensions);

}  // namespace tc::wire
