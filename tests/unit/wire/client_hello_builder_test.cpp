#include "wire/client_hello_builder.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <map>

#include "wire/byte_cursor.h"
#include "wire/tls_stream.h"

namespace tc::wire {
namespace {

std::array<uint8_t, 32> counting_bytes(uint8_t first) {
  std::array<uint8_t, 32> out{};
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<uint8_t>(first + i);
  return out;
}

ClientHelloSpec tls12_spec() {
  ClientHelloSpec spec;
  spec.random = counting_bytes(0x40);
  spec.cipher_suites = {0xc02f, 0xc030, 0x003d};
  spec.server_name = "sbc.example.com";
  return spec;
}

Connection parse_back(const std::vector<uint8_t>& bytes) {
  TlsStream stream;
  stream.feed(Side::client, bytes, 1);
  return stream.connection();
}

std::string md5_hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EXPECT_EQ(EVP_Digest(text.data(), text.size(), digest, &length, EVP_md5(), nullptr), 1);
  std::string out;
  static const char* hex = "0123456789abcdef";
  for (unsigned i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

// The fields Connection does not keep (random, session id, compression and
// each extension's bytes), read back independently of the builder.
struct RawHello {
  uint16_t record_version = 0;
  size_t records = 0;
  uint16_t legacy_version = 0;
  std::vector<uint8_t> random, session_id, compression;
  std::vector<uint16_t> suites;
  std::vector<std::pair<uint16_t, std::vector<uint8_t>>> extensions;
  size_t message_length = 0;  // handshake header included
};

RawHello read_raw(const std::vector<uint8_t>& bytes) {
  RawHello raw;
  std::vector<uint8_t> message;
  ByteCursor records(bytes);
  while (!records.empty()) {
    uint8_t type = 0;
    uint16_t version = 0;
    ByteCursor fragment;
    EXPECT_TRUE(records.read_u8(type) && records.read_u16(version) &&
                records.read_u16_length_prefixed(fragment));
    EXPECT_EQ(type, 22);
    EXPECT_LE(fragment.remaining(), 1u << 14);
    raw.record_version = version;
    ++raw.records;
    message.insert(message.end(), fragment.data(), fragment.data() + fragment.remaining());
  }
  raw.message_length = message.size();
  ByteCursor cursor(message);
  uint8_t type = 0;
  ByteCursor body, session, suites, compression, extensions;
  EXPECT_TRUE(cursor.read_u8(type) && cursor.read_u24_length_prefixed(body) && cursor.empty());
  EXPECT_EQ(type, 1);
  std::span<const uint8_t> random;
  EXPECT_TRUE(body.read_u16(raw.legacy_version) && body.read_bytes(32, random) &&
              body.read_u8_length_prefixed(session) && body.read_u16_length_prefixed(suites) &&
              body.read_u8_length_prefixed(compression));
  raw.random.assign(random.begin(), random.end());
  raw.session_id.assign(session.data(), session.data() + session.remaining());
  raw.compression.assign(compression.data(), compression.data() + compression.remaining());
  uint16_t suite = 0;
  while (suites.read_u16(suite)) raw.suites.push_back(suite);
  if (body.empty()) return raw;
  EXPECT_TRUE(body.read_u16_length_prefixed(extensions) && body.empty());
  while (!extensions.empty()) {
    uint16_t ext_type = 0;
    ByteCursor data;
    EXPECT_TRUE(extensions.read_u16(ext_type) && extensions.read_u16_length_prefixed(data));
    raw.extensions.emplace_back(ext_type, std::vector<uint8_t>(data.data(), data.data() + data.remaining()));
  }
  return raw;
}

std::vector<uint8_t> extension_data(const RawHello& raw, uint16_t type) {
  for (const auto& [t, data] : raw.extensions) {
    if (t == type) return data;
  }
  ADD_FAILURE() << "no extension " << type;
  return {};
}

std::vector<uint8_t> u16_bytes(const std::vector<uint16_t>& values, size_t prefix) {
  std::vector<uint8_t> out;
  const size_t length = values.size() * 2;
  if (prefix == 2) out.push_back(static_cast<uint8_t>(length >> 8));
  out.push_back(static_cast<uint8_t>(length));
  for (uint16_t v : values) {
    out.push_back(static_cast<uint8_t>(v >> 8));
    out.push_back(static_cast<uint8_t>(v));
  }
  return out;
}

TEST(ClientHelloBuilder, Tls12HelloReadsBackThroughTheProjectParser) {
  ClientHelloSpec spec = tls12_spec();
  spec.pad = false;
  const auto bytes = build_client_hello(spec);
  const Connection c = parse_back(bytes);

  ASSERT_TRUE(c.is_tls);
  EXPECT_TRUE(c.anomalies.empty()) << c.anomalies.front();
  ASSERT_EQ(c.messages.size(), 1u);
  EXPECT_EQ(c.messages[0].type, 1);
  EXPECT_EQ(c.client_hello_version, 0x0303);
  EXPECT_EQ(c.offered_versions, std::vector<uint16_t>{0x0303});
  EXPECT_EQ(c.client_offer, (std::vector<uint16_t>{0xc02f, 0xc030, 0x003d}));
  EXPECT_EQ(c.client_extensions, (std::vector<uint16_t>{0, 11, 10, 35, 23, 13, 0xff01}));
  EXPECT_EQ(c.supported_groups, (std::vector<uint16_t>{0x001d, 0x0017, 0x0018, 0x0019, 0x0100, 0x0101}));
  EXPECT_EQ(c.ec_point_formats, std::vector<uint8_t>{0});
  EXPECT_EQ(c.sni, "sbc.example.com");

  const RawHello raw = read_raw(bytes);
  EXPECT_EQ(raw.record_version, 0x0301);
  EXPECT_EQ(raw.records, 1u);
  EXPECT_EQ(raw.legacy_version, 0x0303);
  EXPECT_EQ(raw.random, std::vector<uint8_t>(spec.random.begin(), spec.random.end()));
  EXPECT_TRUE(raw.session_id.empty());
  EXPECT_EQ(raw.compression, std::vector<uint8_t>{0});
  EXPECT_EQ(extension_data(raw, ext::signature_algorithms), u16_bytes(default_signature_algorithms(), 2));
  EXPECT_EQ(extension_data(raw, ext::renegotiation_info), std::vector<uint8_t>{0});
  EXPECT_TRUE(extension_data(raw, ext::session_ticket).empty());
  EXPECT_TRUE(extension_data(raw, ext::extended_master_secret).empty());
  const std::vector<uint8_t> sni = extension_data(raw, ext::server_name);
  const std::string host = "sbc.example.com";
  std::vector<uint8_t> expected_sni = {0, static_cast<uint8_t>(host.size() + 3), 0, 0,
                                       static_cast<uint8_t>(host.size())};
  expected_sni.insert(expected_sni.end(), host.begin(), host.end());
  EXPECT_EQ(sni, expected_sni);

  // The default signature algorithms cover what the probe's brief names.
  const auto algorithms = default_signature_algorithms();
  for (uint16_t wanted :
       {sigalg::rsa_pkcs1_sha256, sigalg::rsa_pkcs1_sha384, sigalg::rsa_pkcs1_sha512,
        sigalg::ecdsa_secp256r1_sha256, sigalg::rsa_pss_rsae_sha256, sigalg::rsa_pss_rsae_sha384,
        sigalg::rsa_pss_rsae_sha512, sigalg::rsa_pkcs1_sha1, sigalg::ecdsa_sha1}) {
    EXPECT_NE(std::find(algorithms.begin(), algorithms.end(), wanted), algorithms.end()) << wanted;
  }
}

TEST(ClientHelloBuilder, Ja3TextAndHashAreGolden) {
  ClientHelloSpec spec = tls12_spec();
  spec.pad = false;
  const Connection c = parse_back(build_client_hello(spec));
  EXPECT_EQ(c.ja3_text, "771,49199-49200-61,0-11-10-35-23-13-65281,29-23-24-25-256-257,0");
  EXPECT_EQ(md5_hex(c.ja3_text), "03d4f43aab8aaf2221367bb5ad3bfcc7");

  // The SCSV instead of the extension; empty lists leave their extensions out.
  ClientHelloSpec domain;
  domain.cipher_suites = {0x003d};
  domain.renegotiation = ClientHelloSpec::Renegotiation::scsv;
  domain.supported_groups.clear();
  domain.ec_point_formats.clear();
  domain.extended_master_secret = false;
  const Connection d = parse_back(build_client_hello(domain));
  EXPECT_EQ(d.ja3_text, "771,61-255,35-13,,");
}

TEST(ClientHelloBuilder, Tls13OfferCarriesSupportedVersionsAndAnX25519Share) {
  ClientHelloSpec spec = tls12_spec();
  spec.cipher_suites = {0x1301, 0x1302, 0x1303, 0x1304, 0x1305};
  spec.supported_versions = {0x0304};
  spec.x25519_public = counting_bytes(0x90);
  spec.pad = false;
  const auto bytes = build_client_hello(spec);
  const Connection c = parse_back(bytes);
  EXPECT_EQ(c.client_hello_version, 0x0303);
  EXPECT_EQ(c.offered_versions, std::vector<uint16_t>{0x0304});
  EXPECT_EQ(c.client_extensions, (std::vector<uint16_t>{0, 11, 10, 35, 23, 13, 43, 51, 0xff01}));

  const RawHello raw = read_raw(bytes);
  EXPECT_EQ(extension_data(raw, ext::supported_versions), u16_bytes({0x0304}, 1));
  // KeyShareClientHello: list length 36, group x25519, key length 32, key.
  std::vector<uint8_t> share = {0, 36, 0x00, 0x1d, 0, 32};
  share.insert(share.end(), spec.x25519_public.begin(), spec.x25519_public.end());
  EXPECT_EQ(extension_data(raw, ext::key_share), share);
}

TEST(ClientHelloBuilder, LegacyVersionsAndScsvAndOmittedExtensions) {
  ClientHelloSpec spec;
  spec.legacy_version = 0x0301;
  spec.cipher_suites = {0x002f, 0x0035};
  spec.signature_algorithms.clear();
  spec.session_ticket = false;
  spec.renegotiation = ClientHelloSpec::Renegotiation::scsv;
  const Connection c = parse_back(build_client_hello(spec));
  EXPECT_EQ(c.client_hello_version, 0x0301);
  EXPECT_EQ(c.client_offer, (std::vector<uint16_t>{0x002f, 0x0035, 0x00ff}));
  EXPECT_EQ(c.client_extensions, (std::vector<uint16_t>{11, 10, 23}));
  EXPECT_FALSE(c.sni.has_value());

  // No extension at all: the extensions field is absent (RFC 5246 extensions_present).
  ClientHelloSpec bare;
  bare.cipher_suites = {0x002f};
  bare.supported_groups.clear();
  bare.ec_point_formats.clear();
  bare.signature_algorithms.clear();
  bare.extended_master_secret = bare.session_ticket = false;
  bare.renegotiation = ClientHelloSpec::Renegotiation::none;
  const RawHello raw = read_raw(build_client_hello(bare));
  EXPECT_TRUE(raw.extensions.empty());
  EXPECT_EQ(raw.message_length, 4u + 2 + 32 + 1 + 2 + 2 + 2);
}

TEST(ClientHelloBuilder, PadsMidSizedHellosTo512Bytes) {
  ClientHelloSpec spec = tls12_spec();
  for (uint16_t code = 0xc001; spec.cipher_suites.size() < 90; ++code) spec.cipher_suites.push_back(code);
  const auto bytes = build_client_hello(spec);
  const RawHello raw = read_raw(bytes);
  EXPECT_EQ(raw.message_length, 512u);
  EXPECT_EQ(raw.extensions.back().first, ext::padding);
  const Connection c = parse_back(bytes);
  EXPECT_TRUE(c.anomalies.empty());
  EXPECT_EQ(c.client_offer.size(), 90u);

  // Small and large hellos are left alone.
  spec.cipher_suites = {0x003d};
  EXPECT_LT(read_raw(build_client_hello(spec)).message_length, 256u);
  spec.pad = false;
  for (uint16_t code = 0xc001; spec.cipher_suites.size() < 90; ++code) spec.cipher_suites.push_back(code);
  const size_t unpadded = read_raw(build_client_hello(spec)).message_length;
  EXPECT_GT(unpadded, 256u);
  EXPECT_LT(unpadded, 512u);
}

TEST(ClientHelloBuilder, HelloLargerThanARecordIsFragmented) {
  ClientHelloSpec spec = tls12_spec();
  spec.cipher_suites.clear();
  // cipher_suites<2..2^16-2> allows 32,767 entries; 9,000 need two records.
  for (uint32_t code = 1; code <= 9000; ++code) spec.cipher_suites.push_back(static_cast<uint16_t>(code));
  const auto bytes = build_client_hello(spec);
  const RawHello raw = read_raw(bytes);
  EXPECT_EQ(raw.records, 2u);
  const Connection c = parse_back(bytes);
  EXPECT_EQ(c.client_offer.size(), 9000u);
  EXPECT_EQ(c.sni, "sbc.example.com");
}

}  // namespace
}  // namespace tc::wire
