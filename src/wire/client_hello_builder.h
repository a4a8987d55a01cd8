#pragma once
// Builds a ClientHello the probe sends on a raw socket, so it can offer any
// suite or version (OpenSSL refuses to offer what it does not implement). The
// output is one complete TLSPlaintext record (several if it ever exceeds
// 2^14 bytes), byte-exact and deterministic: the caller supplies the random
// and the key share, so tests can compare the bytes.
//
// Extension order (fixed, so JA3 is stable): server_name(0), ec_point_formats(11),
// supported_groups(10), session_ticket(35), extended_master_secret(23),
// signature_algorithms(13), supported_versions(43), key_share(51),
// renegotiation_info(65281), padding(21). An empty list leaves its extension out.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tc::wire {

// RFC 8446 §4.2.7 NamedGroup values.
namespace group {
inline constexpr uint16_t secp256r1 = 0x0017;
inline constexpr uint16_t secp384r1 = 0x0018;
inline constexpr uint16_t secp521r1 = 0x0019;
inline constexpr uint16_t x25519 = 0x001d;
inline constexpr uint16_t ffdhe2048 = 0x0100;
inline constexpr uint16_t ffdhe3072 = 0x0101;
}  // namespace group

// RFC 8446 §4.2.3 SignatureScheme values (TLS 1.2's {hash, signature} pairs
// share the code points, e.g. rsa_pkcs1_sha256 = {sha256(4), rsa(1)}).
namespace sigalg {
inline constexpr uint16_t rsa_pkcs1_sha1 = 0x0201;
inline constexpr uint16_t ecdsa_sha1 = 0x0203;
inline constexpr uint16_t rsa_pkcs1_sha256 = 0x0401;
inline constexpr uint16_t ecdsa_secp256r1_sha256 = 0x0403;
inline constexpr uint16_t rsa_pkcs1_sha384 = 0x0501;
inline constexpr uint16_t ecdsa_secp384r1_sha384 = 0x0503;
inline constexpr uint16_t rsa_pkcs1_sha512 = 0x0601;
inline constexpr uint16_t ecdsa_secp521r1_sha512 = 0x0603;
inline constexpr uint16_t rsa_pss_rsae_sha256 = 0x0804;
inline constexpr uint16_t rsa_pss_rsae_sha384 = 0x0805;
inline constexpr uint16_t rsa_pss_rsae_sha512 = 0x0806;
inline constexpr uint16_t ed25519 = 0x0807;
inline constexpr uint16_t rsa_pss_pss_sha256 = 0x0809;
inline constexpr uint16_t rsa_pss_pss_sha384 = 0x080a;
inline constexpr uint16_t rsa_pss_pss_sha512 = 0x080b;
inline constexpr uint16_t dsa_sha256 = 0x0402;  // TLS 1.2 {sha256, dsa}: DHE-DSS suites need it
}  // namespace sigalg

// ExtensionType values the builder writes.
namespace ext {
inline constexpr uint16_t server_name = 0;
inline constexpr uint16_t supported_groups = 10;
inline constexpr uint16_t ec_point_formats = 11;
inline constexpr uint16_t signature_algorithms = 13;
inline constexpr uint16_t padding = 21;
inline constexpr uint16_t extended_master_secret = 23;
inline constexpr uint16_t session_ticket = 35;
inline constexpr uint16_t supported_versions = 43;
inline constexpr uint16_t key_share = 51;
inline constexpr uint16_t renegotiation_info = 0xff01;
}  // namespace ext

inline constexpr uint16_t kRenegotiationScsv = 0x00ff;

std::vector<uint16_t> default_supported_groups();
std::vector<uint16_t> default_signature_algorithms();

struct ClientHelloSpec {
  enum class Renegotiation { extension, scsv, none };

  uint16_t record_version = 0x0301;  // what most stacks put on the first record
  uint16_t legacy_version = 0x0303;
  std::array<uint8_t, 32> random{};
  std::vector<uint16_t> cipher_suites;     // in offer order, sent as given (at most 32,767)
  std::optional<std::string> server_name;  // RFC 6066 host_name; never an IP literal
  std::vector<uint16_t> supported_groups = default_supported_groups();
  std::vector<uint8_t> ec_point_formats = {0};  // uncompressed
  std::vector<uint16_t> signature_algorithms = default_signature_algorithms();
  bool extended_master_secret = true;
  bool session_ticket = true;  // empty: "I support tickets, I have none"
  // The empty renegotiation_info extension (RFC 5746 §3.4), or the SCSV
  // appended to the suites instead, or neither.
  Renegotiation renegotiation = Renegotiation::extension;
  // Non-empty: a supported_versions extension (TLS 1.3 probing). When it
  // holds 0x0304, key_share carries one x25519 entry with `x25519_public`.
  std::vector<uint16_t> supported_versions;
  std::array<uint8_t, 32> x25519_public{};
  // RFC 7685 padding to 512 bytes when the message is 256..511 bytes long:
  // some load balancers hang on ClientHellos of that size (the reason
  // OpenSSL and browsers pad too).
  bool pad = true;
};

// The complete record(s) carrying the ClientHello.
std::vector<uint8_t> build_client_hello(const ClientHelloSpec& spec);

}  // namespace tc::wire
