#include "wire/tls_handshake.h"

#include <algorithm>
#include <array>
#include <charconv>

#include "model/text.h"

namespace tc::wire {
namespace {

constexpr uint16_t ext_server_name = 0;
constexpr uint16_t ext_supported_groups = 10;
constexpr uint16_t ext_ec_point_formats = 11;
constexpr uint16_t ext_supported_versions = 43;

// RFC 8446 4.1.3: SHA-256("HelloRetryRequest").
constexpr std::array<uint8_t, 32> hello_retry_random = {
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C};

// Longest decimal text of a uint16_t plus its separator.
constexpr size_t kMaxJoinedValueText = 6;

void append_number(std::string& out, unsigned value) {
  char digits[10];
  const char* end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, static_cast<size_t>(end - digits));
}

// Values joined by '-', GREASE left out. `out` has room reserved: no reallocation per value.
void append_joined(std::string& out, const auto& values) {
  bool first = true;
  for (auto value : values) {
    if (is_grease(static_cast<uint16_t>(value))) continue;
    if (!first) out += '-';
    append_number(out, value);
    first = false;
  }
}

// Appends the list's values with one allocation (not one per doubling).
bool read_u16_list(ByteCursor list, std::vector<uint16_t>& out) {
  if (list.remaining() % 2 != 0) return false;
  const size_t count = list.remaining() / 2;
  const size_t start = out.size();
  out.resize(start + count);
  for (size_t i = 0; i < count; ++i) out[start + i] = load_be16(list.data() + 2 * i);
  return true;
}

// struct { NameType name_type; select (name_type) { case host_name: HostName; } } ServerName;
// struct { ServerName server_name_list<1..2^16-1> } ServerNameList;
bool parse_server_name(ByteCursor data, Connection& connection) {
  ByteCursor list;
  if (!data.read_u16_length_prefixed(list) || !data.empty()) return false;
  while (!list.empty()) {
    uint8_t type = 0;
    ByteCursor name;
    if (!list.read_u8(type) || !list.read_u16_length_prefixed(name)) return false;
    if (type == 0 && !connection.sni) {
      // RFC 6066 §3: an ASCII host name; anything else is shown byte by byte.
      connection.sni = printable_ascii(std::string_view(reinterpret_cast<const char*>(name.data()), name.remaining()));
    }
  }
  return true;
}

// `versions_seen` is set when a supported_versions extension replaces the offered versions.
bool parse_client_extension(uint16_t type, ByteCursor data, Connection& connection, bool& versions_seen) {
  switch (type) {
    case ext_server_name:
      // An empty server_name is legal in a ServerHello, odd but harmless in a ClientHello.
      return data.empty() || parse_server_name(data, connection);
    case ext_supported_groups: {
      // struct { NamedGroup named_group_list<2..2^16-1>; } NamedGroupList;
      ByteCursor list;
      return data.read_u16_length_prefixed(list) && data.empty() &&
             read_u16_list(list, connection.supported_groups);
    }
    case ext_ec_point_formats: {
      // struct { ECPointFormat ec_point_format_list<1..2^8-1> } ECPointFormatList;
      ByteCursor list;
      if (!data.read_u8_length_prefixed(list) || !data.empty()) return false;
      connection.ec_point_formats.assign(list.data(), list.data() + list.remaining());
      return true;
    }
    case ext_supported_versions: {
      // struct { ProtocolVersion versions<2..254>; } SupportedVersions; (ClientHello)
      ByteCursor list;
      connection.offered_versions.clear();
      versions_seen = true;
      return data.read_u8_length_prefixed(list) && data.empty() &&
             read_u16_list(list, connection.offered_versions);
    }
    default:
      return true;
  }
}

// Extension extensions<0..2^16-1>;
// struct { ExtensionType extension_type; opaque extension_data<0..2^16-1>; } Extension;
// Calls visit(type, data) for each extension; false when the list is malformed.
template <typename Visit>
bool for_each_extension(ByteCursor& body, Visit visit) {
  ByteCursor extensions;
  if (!body.read_u16_length_prefixed(extensions)) return false;
  while (!extensions.empty()) {
    uint16_t type = 0;
    ByteCursor data;
    if (!extensions.read_u16(type) || !extensions.read_u16_length_prefixed(data)) return false;
    visit(type, data);
  }
  return true;
}

// How many extensions for_each_extension will visit (those before any damage),
// so their list is allocated once.
size_t count_extensions(ByteCursor body) {
  size_t count = 0;
  (void)for_each_extension(body, [&](uint16_t, ByteCursor) { ++count; });
  return count;
}

}  // namespace

bool parse_client_hello(ByteCursor body, Connection& connection) {
  uint16_t legacy_version = 0;
  ByteCursor session_id, suites, compression;
  // ProtocolVersion legacy_version; Random random; opaque legacy_session_id<0..32>;
  if (!body.read_u16(legacy_version) || !body.skip(32) || !body.read_u8_length_prefixed(session_id)) {
    return false;
  }
  // CipherSuite cipher_suites<2..2^16-2>;
  if (!body.read_u16_length_prefixed(suites) || suites.remaining() % 2 != 0) return false;
  // opaque legacy_compression_methods<1..2^8-1>;
  if (!body.read_u8_length_prefixed(compression)) return false;

  connection.client_hello_version = legacy_version;
  connection.offered_versions.clear();
  connection.client_offer.clear();
  (void)read_u16_list(suites, connection.client_offer);
  connection.client_extensions.clear();
  connection.supported_groups.clear();
  connection.ec_point_formats.clear();
  connection.sni.reset();

  // Without a supported_versions extension the legacy version is the offer.
  bool versions_seen = false;
  auto default_versions = [&] {
    if (!versions_seen) connection.offered_versions.assign(1, legacy_version);
  };
  // Extension extensions<8..2^16-1>; absent in old SSLv3/TLS 1.0 hellos.
  if (!body.empty()) {
    connection.client_extensions.reserve(count_extensions(body));
    bool well_formed = for_each_extension(body, [&](uint16_t type, ByteCursor data) {
      connection.client_extensions.push_back(type);
      if (!parse_client_extension(type, data, connection, versions_seen)) {
        connection.anomalies.push_back("malformed ClientHello extension " + std::to_string(type));
      }
    });
    default_versions();
    if (!well_formed) return false;
    if (!body.empty()) connection.anomalies.push_back("trailing bytes after ClientHello extensions");
  }
  default_versions();
  connection.ja3_text = ja3_text(legacy_version, connection.client_offer, connection.client_extensions,
                                 connection.supported_groups, connection.ec_point_formats);
  return true;
}

bool parse_server_hello(ByteCursor body, Connection& connection, bool& retry) {
  uint16_t legacy_version = 0;
  std::span<const uint8_t> random;
  // ProtocolVersion legacy_version; Random random;
  if (!body.read_u16(legacy_version) || !body.read_bytes(32, random)) return false;
  // TLS 1.3 drafts before 22 dropped legacy_session_id_echo and compression.
  const bool draft = (legacy_version >> 8) == 0x7f;
  ByteCursor session_id;
  uint16_t cipher = 0;
  uint8_t compression = 0;
  // opaque legacy_session_id_echo<0..32>;
  if (!draft && !body.read_u8_length_prefixed(session_id)) return false;
  // CipherSuite cipher_suite;
  if (!body.read_u16(cipher)) return false;
  // uint8 legacy_compression_method = 0;
  if (!draft && !body.read_u8(compression)) return false;

  std::vector<uint16_t> extension_types;
  std::optional<uint16_t> selected_version;
  // Extension extensions<6..2^16-1>;
  if (!body.empty()) {
    extension_types.reserve(count_extensions(body));
    bool well_formed = for_each_extension(body, [&](uint16_t type, ByteCursor data) {
      extension_types.push_back(type);
      uint16_t version = 0;
      // struct { ProtocolVersion selected_version; } SupportedVersions; (ServerHello)
      if (type == ext_supported_versions && data.read_u16(version) && data.empty()) {
        selected_version = version;
      } else if (type == ext_supported_versions) {
        connection.anomalies.push_back("malformed ServerHello supported_versions");
      }
    });
    if (!well_formed) return false;
  }
  retry = std::equal(random.begin(), random.end(), hello_retry_random.begin());
  if (retry) connection.hello_retry_request = true;
  connection.server_hello_version = legacy_version;
  connection.version = selected_version.value_or(legacy_version);
  connection.cipher = cipher;
  connection.server_extensions = std::move(extension_types);
  connection.ja3s_text = ja3s_text(legacy_version, cipher, connection.server_extensions);
  return true;
}

bool parse_certificate(ByteCursor body, uint16_t version, Side from, Connection& connection) {
  const bool tls13 = is_tls13(version);
  if (tls13) {
    // opaque certificate_request_context<0..2^8-1>;
    ByteCursor context;
    if (!body.read_u8_length_prefixed(context)) return false;
  }
  // ASN.1Cert certificate_list<0..2^24-1>;  (TLS 1.3: CertificateEntry certificate_list<0..2^24-1>)
  ByteCursor list;
  if (!body.read_u24_length_prefixed(list) || !body.empty()) return false;
  std::vector<Bytes> chain;
  chain.reserve(4);  // chains are 1-4 certificates long, nearly always
  size_t dropped = 0;
  while (!list.empty()) {
    // opaque ASN.1Cert<1..2^24-1>;
    ByteCursor cert;
    if (!list.read_u24_length_prefixed(cert)) return false;
    if (chain.size() < kMaxChainCertificates) {
      chain.emplace_back(cert.data(), cert.data() + cert.remaining());
    } else {
      ++dropped;
    }
    // Extension extensions<0..2^16-1>;  (TLS 1.3 CertificateEntry only)
    ByteCursor extensions;
    if (tls13 && !list.read_u16_length_prefixed(extensions)) return false;
  }
  if (dropped > 0) {
    connection.anomalies.push_back(std::string(to_string(from)) + ": Certificate message holds " +
                                   std::to_string(chain.size() + dropped) + " certificates; the first " +
                                   std::to_string(kMaxChainCertificates) + " are kept");
  }
  if (from == Side::server) {
    connection.server_chain_der = std::move(chain);
  } else {
    connection.client_certificates = chain.size() + dropped;
    connection.client_chain_der = std::move(chain);
  }
  return true;
}

bool parse_certificate_request(ByteCursor body, uint16_t version, Connection& connection) {
  connection.certificate_request = true;
  if (is_tls13(version)) return true;  // TLS 1.3 carries it encrypted; nothing to read here.
  // ClientCertificateType certificate_types<1..2^8-1>;
  ByteCursor types, algorithms, authorities;
  if (!body.read_u8_length_prefixed(types)) return false;
  // SignatureAndHashAlgorithm supported_signature_algorithms<2^16-1>;  (TLS 1.2 only)
  if (version >= 0x0303 && !body.read_u16_length_prefixed(algorithms)) return false;
  // DistinguishedName certificate_authorities<0..2^16-1>;
  if (!body.read_u16_length_prefixed(authorities) || !body.empty()) return false;
  std::vector<Bytes> names;
  while (!authorities.empty()) {
    // opaque DistinguishedName<1..2^16-1>;
    ByteCursor name;
    if (!authorities.read_u16_length_prefixed(name)) return false;
    names.emplace_back(name.data(), name.data() + name.remaining());
  }
  connection.certificate_request_ca_names_der = std::move(names);
  return true;
}

bool parse_sslv2_client_hello(ByteCursor body, Connection& connection) {
  // char MSG-CLIENT-HELLO; char CLIENT-VERSION-MSB, -LSB; char CIPHER-SPECS-LENGTH-MSB, -LSB;
  // char SESSION-ID-LENGTH-MSB, -LSB; char CHALLENGE-LENGTH-MSB, -LSB; then the three fields.
  uint8_t type = 0;
  uint16_t version = 0, specs_length = 0, session_length = 0, challenge_length = 0;
  if (!body.read_u8(type) || type != 1 || !body.read_u16(version) || !body.read_u16(specs_length) ||
      !body.read_u16(session_length) || !body.read_u16(challenge_length)) {
    return false;
  }
  ByteCursor specs;
  if (specs_length % 3 != 0 || !body.read_bytes(specs_length, specs)) return false;
  connection.client_hello_version = version;
  connection.offered_versions = {version};
  connection.client_offer.clear();
  // Each CIPHER-SPEC is 3 bytes; those with a zero first byte are TLS suites.
  uint8_t kind = 0;
  uint16_t code = 0;
  while (specs.read_u8(kind) && specs.read_u16(code)) {
    if (kind == 0) connection.client_offer.push_back(code);
  }
  return true;
}

std::string ja3_text(uint16_t version, const std::vector<uint16_t>& ciphers,
                     const std::vector<uint16_t>& extensions, const std::vector<uint16_t>& groups,
                     const std::vector<uint8_t>& point_formats) {
  std::string out;
  out.reserve(kMaxJoinedValueText * (1 + ciphers.size() + extensions.size() + groups.size() + point_formats.size()));
  append_number(out, version);
  out += ',';
  append_joined(out, ciphers);
  out += ',';
  append_joined(out, extensions);
  out += ',';
  append_joined(out, groups);
  out += ',';
  bool first = true;
  for (uint8_t format : point_formats) {  // one-byte values are never GREASE
    if (!first) out += '-';
    append_number(out, format);
    first = false;
  }
  return out;
}

std::string ja3s_text(uint16_t version, uint16_t cipher, const std::vector<uint16_t>& extensions) {
  std::string out;
  out.reserve(kMaxJoinedValueText * (2 + extensions.size()));
  append_number(out, version);
  out += ',';
  append_number(out, cipher);
  out += ',';
  append_joined(out, extensions);
  return out;
}

}  // namespace tc::wire
