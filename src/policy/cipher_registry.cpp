#include "policy/cipher_registry.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <string>

#include "model/text.h"

namespace tc {

namespace {

using K = KeyExchange;

// IANA TLS Cipher Suites registry, restricted to the suites real stacks
// implement (OpenSSL, GnuTLS, SChannel, Java, SBC firmware). Kept sorted by code.
constexpr std::array kSuites = std::to_array<CipherSuite>({
    {0x0001, "TLS_RSA_WITH_NULL_MD5", "NULL-MD5", K::rsa, false, true, false},
    {0x0002, "TLS_RSA_WITH_NULL_SHA", "NULL-SHA", K::rsa, false, true, false},
    {0x0004, "TLS_RSA_WITH_RC4_128_MD5", "RC4-MD5", K::rsa, false, true, false},
    {0x0005, "TLS_RSA_WITH_RC4_128_SHA", "RC4-SHA", K::rsa, false, true, false},
    {0x0009, "TLS_RSA_WITH_DES_CBC_SHA", "DES-CBC-SHA", K::rsa, false, true, false},
    {0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "DES-CBC3-SHA", K::rsa, false, true, false},
    {0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA", "DHE-RSA-DES-CBC3-SHA", K::dhe, false, true, false},
    {0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA", "AES128-SHA", K::rsa, false, false, false},
    {0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA", "DHE-DSS-AES128-SHA", K::dhe, false, false, false},
    {0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", "DHE-RSA-AES128-SHA", K::dhe, false, false, false},
    {0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA", "AES256-SHA", K::rsa, false, false, false},
    {0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA", "DHE-DSS-AES256-SHA", K::dhe, false, false, false},
    {0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", "DHE-RSA-AES256-SHA", K::dhe, false, false, false},
    {0x003b, "TLS_RSA_WITH_NULL_SHA256", "NULL-SHA256", K::rsa, false, true, false},
    {0x003c, "TLS_RSA_WITH_AES_128_CBC_SHA256", "AES128-SHA256", K::rsa, false, false, false},
    {0x003d, "TLS_RSA_WITH_AES_256_CBC_SHA256", "AES256-SHA256", K::rsa, false, false, false},
    {0x0040, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256", "DHE-DSS-AES128-SHA256", K::dhe, false, false, false},
    {0x0041, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA", "CAMELLIA128-SHA", K::rsa, false, false, false},
    {0x0044, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA", "DHE-DSS-CAMELLIA128-SHA", K::dhe, false, false, false},
    {0x0045, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA", "DHE-RSA-CAMELLIA128-SHA", K::dhe, false, false, false},
    {0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", "DHE-RSA-AES128-SHA256", K::dhe, false, false, false},
    {0x006a, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256", "DHE-DSS-AES256-SHA256", K::dhe, false, false, false},
    {0x006b, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", "DHE-RSA-AES256-SHA256", K::dhe, false, false, false},
    {0x0084, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA", "CAMELLIA256-SHA", K::rsa, false, false, false},
    {0x0087, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA", "DHE-DSS-CAMELLIA256-SHA", K::dhe, false, false, false},
    {0x0088, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA", "DHE-RSA-CAMELLIA256-SHA", K::dhe, false, false, false},
    {0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256", "AES128-GCM-SHA256", K::rsa, true, false, false},
    {0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384", "AES256-GCM-SHA384", K::rsa, true, false, false},
    {0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "DHE-RSA-AES128-GCM-SHA256", K::dhe, true, false, false},
    {0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "DHE-RSA-AES256-GCM-SHA384", K::dhe, true, false, false},
    {0x00a2, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256", "DHE-DSS-AES128-GCM-SHA256", K::dhe, true, false, false},
    {0x00a3, "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384", "DHE-DSS-AES256-GCM-SHA384", K::dhe, true, false, false},
    {0x00ba, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256", "CAMELLIA128-SHA256", K::rsa, false, false, false},
    {0x00bd, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA256", "DHE-DSS-CAMELLIA128-SHA256", K::dhe, false, false, false},
    {0x00be, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256", "DHE-RSA-CAMELLIA128-SHA256", K::dhe, false, false, false},
    {0x00c0, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256", "CAMELLIA256-SHA256", K::rsa, false, false, false},
    {0x00c3, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA256", "DHE-DSS-CAMELLIA256-SHA256", K::dhe, false, false, false},
    {0x00c4, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256", "DHE-RSA-CAMELLIA256-SHA256", K::dhe, false, false, false},
    {0x00ff, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV", "", K::none, false, false, false},
    {0x1301, "TLS_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256", K::tls13, true, false, true},
    {0x1302, "TLS_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384", K::tls13, true, false, true},
    {0x1303, "TLS_CHACHA20_POLY1305_SHA256", "TLS_CHACHA20_POLY1305_SHA256", K::tls13, true, false, true},
    {0x1304, "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_SHA256", K::tls13, true, false, true},
    {0x1305, "TLS_AES_128_CCM_8_SHA256", "TLS_AES_128_CCM_8_SHA256", K::tls13, true, false, true},
    {0x5600, "TLS_FALLBACK_SCSV", "", K::none, false, false, false},
    {0xc006, "TLS_ECDHE_ECDSA_WITH_NULL_SHA", "ECDHE-ECDSA-NULL-SHA", K::ecdhe, false, true, false},
    {0xc007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", "ECDHE-ECDSA-RC4-SHA", K::ecdhe, false, true, false},
    {0xc008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA", "ECDHE-ECDSA-DES-CBC3-SHA", K::ecdhe, false, true, false},
    {0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "ECDHE-ECDSA-AES128-SHA", K::ecdhe, false, false, false},
    {0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "ECDHE-ECDSA-AES256-SHA", K::ecdhe, false, false, false},
    {0xc010, "TLS_ECDHE_RSA_WITH_NULL_SHA", "ECDHE-RSA-NULL-SHA", K::ecdhe, false, true, false},
    {0xc011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA", "ECDHE-RSA-RC4-SHA", K::ecdhe, false, true, false},
    {0xc012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "ECDHE-RSA-DES-CBC3-SHA", K::ecdhe, false, true, false},
    {0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "ECDHE-RSA-AES128-SHA", K::ecdhe, false, false, false},
    {0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "ECDHE-RSA-AES256-SHA", K::ecdhe, false, false, false},
    {0xc023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "ECDHE-ECDSA-AES128-SHA256", K::ecdhe, false, false, false},
    {0xc024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", "ECDHE-ECDSA-AES256-SHA384", K::ecdhe, false, false, false},
    {0xc027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "ECDHE-RSA-AES128-SHA256", K::ecdhe, false, false, false},
    {0xc028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "ECDHE-RSA-AES256-SHA384", K::ecdhe, false, false, false},
    {0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256", K::ecdhe, true, false, false},
    {0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384", K::ecdhe, true, false, false},
    {0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256", K::ecdhe, true, false, false},
    {0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384", K::ecdhe, true, false, false},
    {0xc050, "TLS_RSA_WITH_ARIA_128_GCM_SHA256", "ARIA128-GCM-SHA256", K::rsa, true, false, false},
    {0xc051, "TLS_RSA_WITH_ARIA_256_GCM_SHA384", "ARIA256-GCM-SHA384", K::rsa, true, false, false},
    {0xc052, "TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256", "DHE-RSA-ARIA128-GCM-SHA256", K::dhe, true, false, false},
    {0xc053, "TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384", "DHE-RSA-ARIA256-GCM-SHA384", K::dhe, true, false, false},
    {0xc056, "TLS_DHE_DSS_WITH_ARIA_128_GCM_SHA256", "DHE-DSS-ARIA128-GCM-SHA256", K::dhe, true, false, false},
    {0xc057, "TLS_DHE_DSS_WITH_ARIA_256_GCM_SHA384", "DHE-DSS-ARIA256-GCM-SHA384", K::dhe, true, false, false},
    {0xc05c, "TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256", "ECDHE-ECDSA-ARIA128-GCM-SHA256", K::ecdhe, true, false,
     false},
    {0xc05d, "TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384", "ECDHE-ECDSA-ARIA256-GCM-SHA384", K::ecdhe, true, false,
     false},
    {0xc060, "TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256", "ECDHE-ARIA128-GCM-SHA256", K::ecdhe, true, false, false},
    {0xc061, "TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384", "ECDHE-ARIA256-GCM-SHA384", K::ecdhe, true, false, false},
    {0xc072, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256", "ECDHE-ECDSA-CAMELLIA128-SHA256", K::ecdhe, false, false,
     false},
    {0xc073, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384", "ECDHE-ECDSA-CAMELLIA256-SHA384", K::ecdhe, false, false,
     false},
    {0xc076, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256", "ECDHE-RSA-CAMELLIA128-SHA256", K::ecdhe, false, false,
     false},
    {0xc077, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384", "ECDHE-RSA-CAMELLIA256-SHA384", K::ecdhe, false, false,
     false},
    {0xc07a, "TLS_RSA_WITH_CAMELLIA_128_GCM_SHA256", "", K::rsa, true, false, false},
    {0xc07b, "TLS_RSA_WITH_CAMELLIA_256_GCM_SHA384", "", K::rsa, true, false, false},
    {0xc07c, "TLS_DHE_RSA_WITH_CAMELLIA_128_GCM_SHA256", "", K::dhe, true, false, false},
    {0xc07d, "TLS_DHE_RSA_WITH_CAMELLIA_256_GCM_SHA384", "", K::dhe, true, false, false},
    {0xc086, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_GCM_SHA256", "", K::ecdhe, true, false, false},
    {0xc087, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_GCM_SHA384", "", K::ecdhe, true, false, false},
    {0xc08a, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_GCM_SHA256", "", K::ecdhe, true, false, false},
    {0xc08b, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_GCM_SHA384", "", K::ecdhe, true, false, false},
    {0xc09c, "TLS_RSA_WITH_AES_128_CCM", "AES128-CCM", K::rsa, true, false, false},
    {0xc09d, "TLS_RSA_WITH_AES_256_CCM", "AES256-CCM", K::rsa, true, false, false},
    {0xc09e, "TLS_DHE_RSA_WITH_AES_128_CCM", "DHE-RSA-AES128-CCM", K::dhe, true, false, false},
    {0xc09f, "TLS_DHE_RSA_WITH_AES_256_CCM", "DHE-RSA-AES256-CCM", K::dhe, true, false, false},
    {0xc0a0, "TLS_RSA_WITH_AES_128_CCM_8", "AES128-CCM8", K::rsa, true, false, false},
    {0xc0a1, "TLS_RSA_WITH_AES_256_CCM_8", "AES256-CCM8", K::rsa, true, false, false},
    {0xc0a2, "TLS_DHE_RSA_WITH_AES_128_CCM_8", "DHE-RSA-AES128-CCM8", K::dhe, true, false, false},
    {0xc0a3, "TLS_DHE_RSA_WITH_AES_256_CCM_8", "DHE-RSA-AES256-CCM8", K::dhe, true, false, false},
    {0xc0ac, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM", "ECDHE-ECDSA-AES128-CCM", K::ecdhe, true, false, false},
    {0xc0ad, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM", "ECDHE-ECDSA-AES256-CCM", K::ecdhe, true, false, false},
    {0xc0ae, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8", "ECDHE-ECDSA-AES128-CCM8", K::ecdhe, true, false, false},
    {0xc0af, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8", "ECDHE-ECDSA-AES256-CCM8", K::ecdhe, true, false, false},
    {0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-CHACHA20-POLY1305", K::ecdhe, true, false, false},
    {0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305", K::ecdhe, true, false,
     false},
    {0xccaa, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "DHE-RSA-CHACHA20-POLY1305", K::dhe, true, false, false},
});

static_assert(std::is_sorted(kSuites.begin(), kSuites.end(),
                             [](const CipherSuite& a, const CipherSuite& b) { return a.code < b.code; }));

}  // namespace

std::span<const CipherSuite> all_cipher_suites() { return kSuites; }

const CipherSuite* find_cipher_suite(uint16_t code) {
  auto it = std::lower_bound(kSuites.begin(), kSuites.end(), code,
                             [](const CipherSuite& suite, uint16_t value) { return suite.code < value; });
  return it != kSuites.end() && it->code == code ? &*it : nullptr;
}

std::optional<uint16_t> find_cipher_code(std::string_view any_name) {
  for (const auto& suite : kSuites) {
    if (equals_ignoring_case(suite.iana_name, any_name) ||
        (!suite.openssl_name.empty() && equals_ignoring_case(suite.openssl_name, any_name))) {
      return suite.code;
    }
  }
  return std::nullopt;
}

std::string format_suite_code(uint16_t code) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "0x%04x", code);
  return buffer;
}

std::optional<uint16_t> parse_suite(std::string_view text) {
  std::string_view digits = text;
  if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) digits.remove_prefix(2);
  if (!digits.empty() && digits.size() <= 4 &&
      std::all_of(digits.begin(), digits.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); })) {
    return static_cast<uint16_t>(std::stoul(std::string(digits), nullptr, 16));
  }
  return find_cipher_code(text);
}

std::string describe_suite(uint16_t code) {
  const CipherSuite* suite = find_cipher_suite(code);
  std::string name = suite ? std::string(suite->iana_name) : (is_grease(code) ? "GREASE" : "unknown");
  return name + " (" + format_suite_code(code) + ")";
}

bool is_grease(uint16_t value) { return (value & 0x0f0f) == 0x0a0a && (value >> 8) == (value & 0xff); }

bool is_signalling_suite(uint16_t code) { return code == 0x00ff || code == 0x5600; }

std::string format_tls_version(uint16_t version) {
  switch (version) {
    case 0x0002: return "SSL 2.0";
    case 0x0300: return "SSL 3.0";
    case 0x0301: return "TLS 1.0";
    case 0x0302: return "TLS 1.1";
    case 0x0303: return "TLS 1.2";
    case 0x0304: return "TLS 1.3";
    default: break;
  }
  if (is_grease(version)) return "GREASE";
  return format_suite_code(version);
}

std::optional<uint16_t> parse_tls_version(std::string_view text) {
  for (uint16_t version : {0x0300, 0x0301, 0x0302, 0x0303, 0x0304}) {
    if (format_tls_version(version) == text) return version;
  }
  return std::nullopt;
}

}  // namespace tc
