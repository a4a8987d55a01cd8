#include "wire/tls_stream.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "wire/tls_handshake.h"
#include "wire_builders.h"

namespace tc::wire {
namespace {

using namespace tc::wire::testing;

// Everything observable about a parse, for comparing two runs.
std::string summary(const Connection& c) {
  std::string out;
  for (const auto& m : c.messages) {
    out += (m.from == Side::client ? "C" : "S") + std::to_string(m.type) + "@" + std::to_string(m.frame) +
           (m.encrypted ? "e" : "") + " ";
  }
  for (const auto& a : c.alerts) {
    out += "A" + std::to_string(a.level) + "/" + (a.description ? std::to_string(*a.description) : "-") + " ";
  }
  out += c.ja3_text + " | " + c.ja3s_text + " | " + c.sni.value_or("") + " | " + std::to_string(c.server_chain_der.size()) +
         "/" + std::to_string(c.client_certificates.value_or(99)) + " ca=" +
         std::to_string(c.certificate_request_ca_names_der.size()) + (c.established ? " established" : "");
  for (const auto& a : c.anomalies) out += " !" + a;
  return out;
}

// Feeds the whole client stream then the whole server stream, each split in two at `client_cut` / `server_cut`
// (frame 1/2 for the client halves, 3/4 for the server halves).
Connection parse_split(const Handshake12& h, size_t client_cut, size_t server_cut) {
  TlsStream stream;
  std::span<const uint8_t> client(h.client), server(h.server);
  stream.feed(Side::client, client.first(client_cut), 1);
  stream.feed(Side::server, server.first(server_cut), 3);
  stream.feed(Side::client, client.subspan(client_cut), 2);
  stream.feed(Side::server, server.subspan(server_cut), 4);
  stream.finish();
  return stream.connection();
}

TEST(TlsStream, ParsesTls12HandshakeWithClientCertificate) {
  const Handshake12 h = sample_handshake12();
  TlsStream stream;
  stream.feed(Side::client, std::span<const uint8_t>(h.client).first(0), 1);
  stream.feed(Side::client, h.client, 1);
  stream.feed(Side::server, h.server, 2);
  stream.finish();
  const Connection& c = stream.connection();
  EXPECT_TRUE(c.is_tls);
  EXPECT_EQ(c.client_hello_version, 0x0303);
  EXPECT_EQ(c.client_offer, (std::vector<uint16_t>{0x1a1a, 0xc030, 0x003d}));
  EXPECT_EQ(c.sni, "sbc.example.net");
  EXPECT_EQ(c.supported_groups, (std::vector<uint16_t>{0x0a0a, 29, 23}));
  EXPECT_EQ(c.ja3_text, "771,49200-61,0-10-11-35,29-23,0");  // GREASE removed
  EXPECT_EQ(c.cipher, 0xc030);
  EXPECT_EQ(c.version, 0x0303);
  EXPECT_EQ(c.ja3s_text, "771,49200,65281");
  ASSERT_EQ(c.server_chain_der.size(), 2u);
  EXPECT_EQ(c.server_chain_der[0].size(), 700u);
  EXPECT_TRUE(c.certificate_request);
  ASSERT_EQ(c.certificate_request_ca_names_der.size(), 1u);
  EXPECT_EQ(c.client_certificates, 1u);
  EXPECT_TRUE(c.change_cipher_spec_client);
  EXPECT_TRUE(c.change_cipher_spec_server);
  EXPECT_TRUE(c.established);
  ASSERT_EQ(c.alerts.size(), 1u);
  EXPECT_EQ(c.alerts[0].level, 0);
  EXPECT_FALSE(c.alerts[0].description.has_value());  // after CCS: encrypted
  EXPECT_TRUE(c.anomalies.empty()) << summary(c);
}

TEST(TlsStream, SameResultWhateverTheSplitPoint) {
  const Handshake12 h = sample_handshake12();
  const Connection whole = parse_split(h, h.client.size(), h.server.size());
  // Frames differ with the split; compare everything but frames for every cut.
  auto without_frames = [](Connection c) {
    for (auto& m : c.messages) m.frame = 0;
    // How the two directions interleave depends on the cut; each side's order must not.
    std::stable_sort(c.messages.begin(), c.messages.end(),
                     [](const MessageRecord& a, const MessageRecord& b) { return a.from < b.from; });
    for (auto& a : c.alerts) a.frame = 0;
    return summary(c);
  };
  const std::string expected = without_frames(whole);
  for (size_t cut = 0; cut <= h.client.size(); ++cut) {
    ASSERT_EQ(without_frames(parse_split(h, cut, h.server.size() / 2)), expected) << "client cut " << cut;
  }
  for (size_t cut = 0; cut <= h.server.size(); ++cut) {
    ASSERT_EQ(without_frames(parse_split(h, h.client.size() / 3, cut)), expected) << "server cut " << cut;
  }
}

TEST(TlsStream, ByteByByteAndFrameOfCompletion) {
  const Handshake12 h = sample_handshake12();
  TlsStream stream;
  for (size_t i = 0; i < h.client.size(); ++i) stream.feed(Side::client, {&h.client[i], 1}, 100 + i);
  for (size_t i = 0; i < h.server.size(); ++i) stream.feed(Side::server, {&h.server[i], 1}, 10000 + i);
  stream.finish();
  const Connection& c = stream.connection();
  ASSERT_FALSE(c.messages.empty());
  // The ClientHello record completes with its last byte.
  EXPECT_EQ(c.messages[0].type, 1);
  EXPECT_EQ(c.messages[0].frame, 100 + 5 + (size_t{h.client[3]} << 8 | h.client[4]) - 1);
  EXPECT_EQ(c.client_certificates, 1u);
  EXPECT_EQ(c.server_chain_der.size(), 2u);
}

TEST(TlsStream, HandshakeMessageAcrossRecordsAndSeveralPerRecord) {
  const Buffer hello = handshake(1, client_hello_body(0x0303, {0x002f}, sni_extension("a.example")));
  Buffer client;
  // One message over three records.
  append(client, record(22, Buffer(hello.begin(), hello.begin() + 10)));
  append(client, record(22, Buffer(hello.begin() + 10, hello.begin() + 20)));
  append(client, record(22, Buffer(hello.begin() + 20, hello.end())));
  TlsStream stream;
  stream.feed(Side::client, std::span<const uint8_t>(client).first(20), 1);
  stream.feed(Side::client, std::span<const uint8_t>(client).subspan(20), 2);
  // Two messages in one record.
  const Buffer server = record(22, concat({handshake(2, server_hello_body(0x0303, 0x002f, {})), handshake(14, {})}));
  stream.feed(Side::server, server, 3);
  stream.finish();
  const Connection& c = stream.connection();
  EXPECT_EQ(c.sni, "a.example");
  ASSERT_EQ(c.messages.size(), 3u);
  EXPECT_EQ(c.messages[0].frame, 2u);  // completed in the second chunk
  EXPECT_EQ(c.messages[1].type, 2);
  EXPECT_EQ(c.messages[2].type, 14);
  EXPECT_EQ(c.messages[2].frame, 3u);
}

TEST(TlsStream, SniBytesOutsidePrintableAsciiAreShownEscaped) {
  // RFC 6066 §3 wants ASCII; a hostile or broken client may send anything,
  // and every report must still be able to write it (JSON needs UTF-8).
  const Buffer hello = handshake(1, client_hello_body(0x0303, {0x002f}, sni_extension("sbc\xff\x01.example")));
  TlsStream stream;
  stream.feed(Side::client, record(22, hello), 1);
  stream.finish();
  EXPECT_EQ(stream.connection().sni, "sbc\\xff\\x01.example");
}

TEST(TlsStream, Ja3TextVectorFromDomainDoc) {
  // DOMAIN.md §8: "771,61-255,0-35-22-23-13,," (JA3) and "771,61,65281-35-22-23" (JA3S).
  EXPECT_EQ(ja3_text(771, {61, 255}, {0, 35, 22, 23, 13}, {}, {}), "771,61-255,0-35-22-23-13,,");
  EXPECT_EQ(ja3s_text(771, 61, {65281, 35, 22, 23}), "771,61,65281-35-22-23");
  // Parsed from a ClientHello too.
  Connection c;
  const Buffer exts = concat({extension(0, {}), extension(35, {}), extension(22, {}), extension(23, {}),
                              extension(13, Buffer{0, 2, 4, 1})});
  ASSERT_TRUE(parse_client_hello(ByteCursor(client_hello_body(0x0303, {61, 255}, exts)), c));
  EXPECT_EQ(c.ja3_text, "771,61-255,0-35-22-23-13,,");
}

TEST(TlsStream, GreaseIsStrippedFromJa3OnlyAndRecognised) {
  EXPECT_TRUE(is_grease(0x0a0a));
  EXPECT_TRUE(is_grease(0xfafa));
  EXPECT_FALSE(is_grease(0x0a1a));
  EXPECT_FALSE(is_grease(0x1301));
  EXPECT_EQ(ja3_text(771, {0x2a2a, 4865}, {0xbaba, 0, 0xdada}, {0x4a4a, 29}, {0}), "771,4865,0,29,0");
}

TEST(TlsStream, AlertsClearThenEncrypted) {
  TlsStream stream;
  stream.feed(Side::client, record(22, handshake(1, client_hello_body(0x0303, {0x002f}, {}))), 1);
  stream.feed(Side::server, concat({record(22, handshake(2, server_hello_body(0x0303, 0x002f, {}))),
                                    alert(1, 112)}), 2);
  stream.feed(Side::server, alert(2, 40), 3);
  stream.finish();
  const Connection& c = stream.connection();
  ASSERT_EQ(c.alerts.size(), 2u);
  EXPECT_EQ(c.alerts[0].level, 1);
  EXPECT_EQ(c.alerts[0].description, 112);
  EXPECT_EQ(c.alerts[1].description, 40);
  EXPECT_EQ(c.alerts[1].frame, 3u);
  EXPECT_FALSE(c.established);

  TlsStream encrypted;
  encrypted.feed(Side::client, record(22, handshake(1, client_hello_body(0x0303, {0x002f}, {}))), 1);
  encrypted.feed(Side::server, record(22, handshake(2, server_hello_body(0x0303, 0x002f, {}))), 2);
  encrypted.feed(Side::client, concat({change_cipher_spec(), record(21, Buffer(26, 7))}), 3);
  ASSERT_EQ(encrypted.connection().alerts.size(), 1u);
  EXPECT_EQ(encrypted.connection().alerts[0].level, 0);
  EXPECT_FALSE(encrypted.connection().alerts[0].description);
}

TEST(TlsStream, EmptyClientCertificateAndRequiredAlert) {
  TlsStream stream;
  stream.feed(Side::client, record(22, handshake(1, client_hello_body(0x0303, {0xc02f}, {}))), 1);
  stream.feed(Side::server, record(22, concat({handshake(2, server_hello_body(0x0303, 0xc02f, {})),
                                               handshake(13, Buffer{1, 1, 0, 2, 4, 1, 0, 0}), handshake(14, {})})),
              2);
  stream.feed(Side::client, record(22, handshake(11, certificate_body({}))), 3);
  stream.feed(Side::server, alert(2, 40), 4);
  stream.finish();
  const Connection& c = stream.connection();
  EXPECT_TRUE(c.certificate_request);
  EXPECT_EQ(c.client_certificates, 0u);
  EXPECT_FALSE(c.established);
}

TEST(TlsStream, CertificatesPerChainAreCapped) {
  // 5,000 one-byte "certificates" fit well inside the message cap: only the
  // first kMaxChainCertificates are kept, the count is the real one, and an
  // anomaly says so.
  std::vector<Buffer> many(5000, Buffer{0x30});
  TlsStream stream;
  stream.feed(Side::client, record(22, handshake(1, client_hello_body(0x0303, {0xc02f}, {}))), 1);
  // Records of at most 2^14 bytes, as a real record layer splits them.
  auto feed_split = [&](Side from, const Buffer& messages, uint64_t frame) {
    for (size_t offset = 0; offset < messages.size(); offset += 16384) {
      Buffer part(messages.begin() + static_cast<ptrdiff_t>(offset),
                  messages.begin() + static_cast<ptrdiff_t>(std::min(messages.size(), offset + 16384)));
      stream.feed(from, record(22, part), frame);
    }
  };
  feed_split(Side::server,
             concat({handshake(2, server_hello_body(0x0303, 0xc02f, {})), handshake(11, certificate_body(many))}), 2);
  feed_split(Side::client, handshake(11, certificate_body(many)), 3);
  stream.finish();
  const Connection& c = stream.connection();
  EXPECT_EQ(c.server_chain_der.size(), kMaxChainCertificates);
  EXPECT_EQ(c.client_chain_der.size(), kMaxChainCertificates);
  EXPECT_EQ(c.client_certificates, 5000u);
  ASSERT_EQ(c.anomalies.size(), 2u);
  EXPECT_EQ(c.anomalies[0], "server: Certificate message holds 5000 certificates; the first 32 are kept");
}

TEST(TlsStream, Tls13HelloRetryRequestAndMiddleboxCcs) {
  TlsStream stream;
  const Buffer exts = u16_list_extension(43, {0x0304, 0x0303}, true);
  stream.feed(Side::client, record(22, handshake(1, client_hello_body(0x0303, {0x1301}, exts))), 1);
  stream.feed(Side::server, concat({record(22, handshake(2, server_hello_body(0x0303, 0x1301,
                                                                              extension(43, Buffer{3, 4}), true))),
                                    change_cipher_spec()}),
              2);
  // The client's compatibility CCS must not hide its second ClientHello.
  stream.feed(Side::client, concat({change_cipher_spec(),
                                    record(22, handshake(1, client_hello_body(0x0303, {0x1301}, exts)))}), 3);
  stream.feed(Side::server, concat({record(22, handshake(2, server_hello_body(0x0303, 0x1301, extension(43, Buffer{3, 4})))),
                                    record(23, Buffer(50, 1))}), 4);
  stream.feed(Side::client, record(23, Buffer(50, 2)), 5);
  stream.feed(Side::server, record(23, Buffer(200, 3)), 6);
  stream.finish();
  const Connection& c = stream.connection();
  EXPECT_TRUE(c.hello_retry_request);
  EXPECT_EQ(c.version, 0x0304);
  int client_hellos = 0, server_hellos = 0;
  for (const auto& m : c.messages) {
    client_hellos += m.type == 1 && !m.encrypted;
    server_hellos += m.type == 2 && !m.encrypted;
  }
  EXPECT_EQ(client_hellos, 2);
  EXPECT_EQ(server_hellos, 2);
  EXPECT_TRUE(c.established);
}

TEST(TlsStream, Sslv2ClientHelloIsNotedNotFatal) {
  // SSLv2 CLIENT-HELLO: 2-byte header, type 1, version 0x0002, 3 cipher specs, no session, 16-byte challenge.
  Buffer body = {1, 0x00, 0x02, 0x00, 0x09, 0x00, 0x00, 0x00, 0x10, 0x07, 0x00, 0xc0, 0x00, 0x00, 0x2f, 0x03, 0x00, 0x80};
  body.insert(body.end(), 16, 0x42);
  Buffer client = {static_cast<uint8_t>(0x80 | (body.size() >> 8)), static_cast<uint8_t>(body.size())};
  append(client, body);
  TlsStream stream;
  stream.feed(Side::client, client, 4);
  Buffer server_hello = {0x80, 0x20, 0x04, 0x00, 0x01, 0x00, 0x02};
  server_hello.resize(0x22, 0x01);
  stream.feed(Side::server, server_hello, 6);
  stream.finish();
  const Connection& c = stream.connection();
  EXPECT_TRUE(c.is_tls);
  EXPECT_EQ(c.client_hello_version, 0x0002);
  EXPECT_EQ(c.client_offer, (std::vector<uint16_t>{0x002f}));
  ASSERT_EQ(c.messages.size(), 2u);
  EXPECT_EQ(c.messages[1].type, 2);
  EXPECT_FALSE(c.anomalies.empty());
}

TEST(TlsStream, GarbageIsNotTls) {
  TlsStream stream;
  const std::string text = "OPTIONS sip:probe@example.net SIP/2.0\r\n\r\n";
  stream.feed(Side::client, Buffer(text.begin(), text.end()), 1);
  stream.finish();
  EXPECT_FALSE(stream.connection().is_tls);
}

TEST(TlsStream, OversizedRecordAndMessageAreViolations) {
  TlsStream stream;
  Buffer bad = {22, 3, 3, 0xff, 0xff};  // 65535 > 2^14 + 2048
  stream.feed(Side::client, record(22, handshake(1, client_hello_body(0x0303, {0x002f}, {}))), 1);
  stream.feed(Side::client, bad, 2);
  EXPECT_FALSE(stream.wants_data(Side::client));

  TlsLimits limits;
  limits.max_handshake_message = 1000;
  TlsStream capped(limits);
  capped.feed(Side::client, record(22, handshake(1, client_hello_body(0x0303, {0x002f}, {}))), 1);
  Buffer huge_header = {11, 0x10, 0x00, 0x00};  // a 1 MiB Certificate announced
  capped.feed(Side::server, record(22, handshake(2, server_hello_body(0x0303, 0x002f, {}))), 2);
  capped.feed(Side::server, record(22, huge_header), 3);
  EXPECT_FALSE(capped.wants_data(Side::server));
  ASSERT_FALSE(capped.connection().anomalies.empty());
  EXPECT_NE(capped.connection().anomalies.back().find("cap"), std::string::npos);
}

TEST(TlsStream, StartTlsPreambleIsSkipped) {
  TlsStream stream;
  const std::string greeting = "220 mail.example.net ESMTP\r\n";
  stream.feed(Side::server, Buffer(greeting.begin(), greeting.end()), 1);
  const std::string starttls = "STARTTLS\r\n";
  stream.feed(Side::client, Buffer(starttls.begin(), starttls.end()), 2);
  stream.feed(Side::client, record(22, handshake(1, client_hello_body(0x0303, {0x002f}, {}))), 3);
  stream.feed(Side::server, record(22, handshake(2, server_hello_body(0x0303, 0x002f, {}))), 4);
  stream.finish();
  EXPECT_EQ(stream.connection().cipher, 0x002f);
  EXPECT_EQ(stream.connection().messages.size(), 2u);
}

}  // namespace
}  // namespace tc::wire

namespace tc::wire {
namespace {

using namespace tc::wire::testing;

Connection client_hello_of(const Buffer& body, bool& ok) {
  Connection c;
  ok = parse_client_hello(ByteCursor(body), c);
  return c;
}

TEST(ClientHello, OfferedVersionsAreTheLegacyOneUnlessSupportedVersionsSaysOtherwise) {
  bool ok = false;
  Connection plain = client_hello_of(client_hello_body(0x0301, {0x002f}, {}, false), ok);
  EXPECT_TRUE(ok);
  EXPECT_EQ(plain.offered_versions, (std::vector<uint16_t>{0x0301}));
  EXPECT_EQ(plain.ja3_text, "769,47,,,");

  Connection modern = client_hello_of(
      client_hello_body(0x0303, {0x1301, 0x0a0a, 0xc02f},
                        concat({u16_list_extension(43, {0x0304, 0x0303}, true), u16_list_extension(10, {29, 23}),
                                extension(11, Buffer{1, 0})})),
      ok);
  EXPECT_TRUE(ok);
  EXPECT_EQ(modern.offered_versions, (std::vector<uint16_t>{0x0304, 0x0303}));
  EXPECT_EQ(modern.client_offer, (std::vector<uint16_t>{0x1301, 0x0a0a, 0xc02f}));
  EXPECT_EQ(modern.client_extensions, (std::vector<uint16_t>{43, 10, 11}));
  EXPECT_EQ(modern.ja3_text, "771,4865-49199,43-10-11,29-23,0");

  // A damaged extension list after a good supported_groups: malformed, the legacy version still offered.
  Buffer damaged = concat({u16_list_extension(10, {29}), Buffer{0x00, 0x2b, 0x00}});
  Connection broken = client_hello_of(client_hello_body(0x0303, {0x002f}, damaged), ok);
  EXPECT_FALSE(ok);
  EXPECT_EQ(broken.offered_versions, (std::vector<uint16_t>{0x0303}));
  EXPECT_EQ(broken.client_extensions, (std::vector<uint16_t>{10}));

  // An odd-length supported_versions list is noted; the offer it replaced is gone.
  Connection odd = client_hello_of(client_hello_body(0x0303, {0x002f}, extension(43, Buffer{3, 3, 4, 3})), ok);
  EXPECT_TRUE(ok);
  EXPECT_TRUE(odd.offered_versions.empty());
  EXPECT_EQ(odd.anomalies, (std::vector<std::string>{"malformed ClientHello extension 43"}));
}

TEST(ClientHello, Ja3sJoinsVersionCipherAndExtensions) {
  EXPECT_EQ(ja3s_text(771, 49199, {65281, 0x1a1a, 11}), "771,49199,65281-11");
  EXPECT_EQ(ja3s_text(65535, 65535, {}), "65535,65535,");
}

}  // namespace
}  // namespace tc::wire

namespace tc::wire {
namespace {

using namespace tc::wire::testing;

// Feeds `h` in `step`-byte chunks (records spread over chunks use the pending buffer).
void feed_in_steps(TlsStream& stream, const Handshake12& h, size_t step) {
  for (size_t at = 0; at < h.client.size(); at += step) {
    stream.feed(Side::client, std::span<const uint8_t>(h.client).subspan(at, std::min(step, h.client.size() - at)), 1);
  }
  for (size_t at = 0; at < h.server.size(); at += step) {
    stream.feed(Side::server, std::span<const uint8_t>(h.server).subspan(at, std::min(step, h.server.size() - at)), 2);
  }
  stream.finish();
}

TEST(TlsStream, ResetStreamParsesLikeANewOne) {
  const Handshake12 h = sample_handshake12();
  TlsStream fresh;
  feed_in_steps(fresh, h, 100);
  const std::string expected = summary(fresh.connection());

  TlsStream reused;
  reused.set_mid_stream(Side::client);
  reused.set_decrypted_transcript();
  feed_in_steps(reused, h, 100);
  reused.feed(Side::client, std::span<const uint8_t>(h.client).first(7), 3);  // ends inside a record
  reused.lost(Side::server, 10);
  Connection taken = std::move(reused.connection());  // as the flow table's sink does
  reused.reset();
  EXPECT_TRUE(reused.wants_data(Side::server));
  EXPECT_EQ(reused.lost_bytes(), 0u);
  feed_in_steps(reused, h, 100);
  EXPECT_EQ(summary(reused.connection()), expected);
  EXPECT_TRUE(reused.connection().anomalies.empty());
}

}  // namespace
}  // namespace tc::wire
