#include "wire/client_hello_builder.h"

#include <algorithm>

namespace tc::wire {
namespace {

using Buffer = std::vector<uint8_t>;

constexpr uint8_t kHandshakeRecord = 22;
constexpr uint8_t kClientHello = 1;
constexpr size_t kMaxFragment = 1u << 14;

void put_u8(Buffer& out, size_t value) { out.push_back(static_cast<uint8_t>(value & 0xff)); }
void put_u16(Buffer& out, size_t value) {
  put_u8(out, value >> 8);
  put_u8(out, value);
}
void put_u24(Buffer& out, size_t value) {
  put_u8(out, value >> 16);
  put_u16(out, value);
}
void put_bytes(Buffer& out, const auto& bytes) { out.insert(out.end(), bytes.begin(), bytes.end()); }

// opaque x<..2^8-1> / x<..2^16-1>: the length prefix, then the bytes.
void put_u8_prefixed(Buffer& out, const Buffer& body) {
  put_u8(out, body.size());
  put_bytes(out, body);
}
void put_u16_prefixed(Buffer& out, const Buffer& body) {
  put_u16(out, body.size());
  put_bytes(out, body);
}
Buffer u16_list(const std::vector<uint16_t>& values) {
  Buffer out;
  for (uint16_t value : values) put_u16(out, value);
  return out;
}

// struct { ExtensionType extension_type; opaque extension_data<0..2^16-1>; } Extension;
void put_extension(Buffer& out, uint16_t type, const Buffer& data) {
  put_u16(out, type);
  put_u16_prefixed(out, data);
}

Buffer server_name_data(const std::string& host) {
  // struct { NameType name_type; select (name_type) { case host_name: HostName; } name; } ServerName;
  // opaque HostName<1..2^16-1>;  struct { ServerName server_name_list<1..2^16-1> } ServerNameList;
  Buffer entry;
  put_u8(entry, 0);  // host_name
  put_u16_prefixed(entry, Buffer(host.begin(), host.end()));
  Buffer data;
  put_u16_prefixed(data, entry);
  return data;
}

Buffer key_share_data(const std::array<uint8_t, 32>& x25519_public) {
  // struct { NamedGroup group; opaque key_exchange<1..2^16-1>; } KeyShareEntry;
  // struct { KeyShareEntry client_shares<0..2^16-1>; } KeyShareClientHello;
  Buffer entry;
  put_u16(entry, group::x25519);
  put_u16_prefixed(entry, Buffer(x25519_public.begin(), x25519_public.end()));
  Buffer data;
  put_u16_prefixed(data, entry);
  return data;
}

Buffer extensions_for(const ClientHelloSpec& spec) {
  Buffer out;
  if (spec.server_name) put_extension(out, ext::server_name, server_name_data(*spec.server_name));
  if (!spec.ec_point_formats.empty()) {
    // struct { ECPointFormat ec_point_format_list<1..2^8-1> } ECPointFormatList;
    Buffer data;
    put_u8_prefixed(data, Buffer(spec.ec_point_formats.begin(), spec.ec_point_formats.end()));
    put_extension(out, ext::ec_point_formats, data);
  }
  if (!spec.supported_groups.empty()) {
    // struct { NamedGroup named_group_list<2..2^16-1>; } NamedGroupList;
    Buffer data;
    put_u16_prefixed(data, u16_list(spec.supported_groups));
    put_extension(out, ext::supported_groups, data);
  }
  if (spec.session_ticket) put_extension(out, ext::session_ticket, {});
  if (spec.extended_master_secret) put_extension(out, ext::extended_master_secret, {});
  if (!spec.signature_algorithms.empty()) {
    // struct { SignatureScheme supported_signature_algorithms<2..2^16-2>; } SignatureSchemeList;
    Buffer data;
    put_u16_prefixed(data, u16_list(spec.signature_algorithms));
    put_extension(out, ext::signature_algorithms, data);
  }
  if (!spec.supported_versions.empty()) {
    // struct { ProtocolVersion versions<2..254>; } SupportedVersions;  (ClientHello)
    Buffer data;
    put_u8_prefixed(data, u16_list(spec.supported_versions));
    put_extension(out, ext::supported_versions, data);
    const auto& versions = spec.supported_versions;
    if (std::find(versions.begin(), versions.end(), 0x0304) != versions.end()) {
      put_extension(out, ext::key_share, key_share_data(spec.x25519_public));
    }
  }
  if (spec.renegotiation == ClientHelloSpec::Renegotiation::extension) {
    // struct { opaque renegotiated_connection<0..255>; } RenegotiationInfo;  (empty on a first handshake)
    put_extension(out, ext::renegotiation_info, Buffer{0});
  }
  return out;
}

// struct {
//     ProtocolVersion legacy_version = 0x0303;    /* TLS v1.2 */
//     Random random;
//     opaque legacy_session_id<0..32>;
//     CipherSuite cipher_suites<2..2^16-2>;
//     opaque legacy_compression_methods<1..2^8-1>;
//     Extension extensions<8..2^16-1>;
// } ClientHello;                                  (RFC 8446 §4.1.2; RFC 5246 §7.4.1.2 alike)
Buffer client_hello_body(const ClientHelloSpec& spec, const Buffer& extensions) {
  Buffer body;
  put_u16(body, spec.legacy_version);
  put_bytes(body, spec.random);
  put_u8(body, 0);  // no session to resume
  std::vector<uint16_t> suites = spec.cipher_suites;
  if (spec.renegotiation == ClientHelloSpec::Renegotiation::scsv) suites.push_back(kRenegotiationScsv);
  put_u16_prefixed(body, u16_list(suites));
  put_u8_prefixed(body, Buffer{0});  // null compression only
  // Without extensions the field is absent altogether (RFC 5246: extensions_present).
  if (!extensions.empty()) put_u16_prefixed(body, extensions);
  return body;
}

// struct { HandshakeType msg_type; uint24 length; opaque body[length]; } Handshake;
Buffer handshake_message(const Buffer& body) {
  Buffer message;
  put_u8(message, kClientHello);
  put_u24(message, body.size());
  put_bytes(message, body);
  return message;
}

}  // namespace

std::vector<uint16_t> default_supported_groups() {
  return {group::x25519,    group::secp256r1, group::secp384r1,
          group::secp521r1, group::ffdhe2048, group::ffdhe3072};
}

std::vector<uint16_t> default_signature_algorithms() {
  using namespace sigalg;
  return {ecdsa_secp256r1_sha256, ecdsa_secp384r1_sha384,
          ecdsa_secp521r1_sha512, ed25519,
          rsa_pss_rsae_sha256,    rsa_pss_rsae_sha384,
          rsa_pss_rsae_sha512,    rsa_pss_pss_sha256,
          rsa_pss_pss_sha384,     rsa_pss_pss_sha512,
          rsa_pkcs1_sha256,       rsa_pkcs1_sha384,
          rsa_pkcs1_sha512,       dsa_sha256,
          rsa_pkcs1_sha1,         ecdsa_sha1};
}

std::vector<uint8_t> build_client_hello(const ClientHelloSpec& spec) {
  Buffer extensions = extensions_for(spec);
  Buffer message = handshake_message(client_hello_body(spec, extensions));
  if (spec.pad && message.size() >= 256 && message.size() < 512) {
    // struct { opaque zeros<0..2^16-1>; } Padding;  (RFC 7685): fill up to 512 bytes.
    const size_t header = 4 + (extensions.empty() ? 2 : 0);  // extension header (+ list length if new)
    const size_t missing = 512 - message.size();
    put_extension(extensions, ext::padding, Buffer(missing > header ? missing - header : 0, 0));
    message = handshake_message(client_hello_body(spec, extensions));
  }

  // struct { ContentType type; ProtocolVersion legacy_record_version; uint16 length;
  //          opaque fragment[TLSPlaintext.length]; } TLSPlaintext;   (length ≤ 2^14)
  Buffer records;
  for (size_t offset = 0; offset < message.size(); offset += kMaxFragment) {
    const size_t length = std::min(kMaxFragment, message.size() - offset);
    put_u8(records, kHandshakeRecord);
    put_u16(records, spec.record_version);
    put_u16(records, length);
    records.insert(records.end(), message.begin() + static_cast<ptrdiff_t>(offset),
                   message.begin() + static_cast<ptrdiff_t>(offset + length));
  }
  return records;
}

}  // namespace tc::wire
