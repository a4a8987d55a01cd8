#include "wire/capture.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "conversation.h"
#include "wire_builders.h"

namespace tc::wire {
namespace {

using namespace tc::wire::testing;

Conversation default_conversation() {
  Conversation c{v4(10, 0, 0, 1, 40000), v4(192, 0, 2, 7, 5061)};
  c.open();
  c.handshake();
  c.close();
  return c;
}

struct Result {
  bool ok = false;
  std::vector<Connection> connections;
  CaptureStats stats;
  std::vector<CaptureDiagnostic> diagnostics;
};

Result read(const Buffer& file, CaptureOptions options = {}) {
  Result r;
  r.ok = read_capture_bytes(file, "test.pcap", options, [&](Connection&& c) { r.connections.push_back(std::move(c)); },
                            r.stats, r.diagnostics);
  return r;
}

std::vector<Buffer> framed(const std::vector<Buffer>& packets, Buffer (*frame)(const Buffer&)) {
  std::vector<Buffer> out;
  for (const Buffer& p : packets) out.push_back(frame(p));
  return out;
}

void expect_sample_connection(const Result& r) {
  ASSERT_TRUE(r.ok) << (r.diagnostics.empty() ? "" : r.diagnostics.back().message);
  ASSERT_EQ(r.connections.size(), 1u);
  const Connection& c = r.connections[0];
  EXPECT_EQ(c.sni, "sbc.example.net");
  EXPECT_EQ(c.cipher, 0xc030);
  EXPECT_EQ(c.server_chain_der.size(), 2u);
  EXPECT_EQ(c.client_certificates, 1u);
  EXPECT_TRUE(c.established);
  EXPECT_FALSE(c.incomplete);
  EXPECT_EQ(c.first_frame, 1u);
}

Buffer eth(const Buffer& ip) { return ethernet(ip); }

TEST(Capture, PcapBothByteOrdersAndNanoseconds) {
  const Conversation conv = default_conversation();
  for (bool little : {true, false}) {
    for (bool nano : {false, true}) {
      const Result r = read(pcap_file(framed(conv.packets, eth), 1, little, nano));
      expect_sample_connection(r);
      EXPECT_EQ(r.connections[0].client, "10.0.0.1:40000");
      EXPECT_EQ(r.connections[0].server, "192.0.2.7:5061");
      EXPECT_DOUBLE_EQ(r.connections[0].first_time, 1700000000.5);
      EXPECT_EQ(r.stats.frames, conv.packets.size());
    }
  }
}

TEST(Capture, FrameNumbersAreWhereRecordsComplete) {
  const Conversation conv = default_conversation();
  const Result r = read(pcap_file(framed(conv.packets, eth)));
  ASSERT_EQ(r.connections.size(), 1u);
  const Connection& c = r.connections[0];
  ASSERT_GE(c.messages.size(), 2u);
  EXPECT_EQ(c.messages[0].type, 1);
  EXPECT_EQ(c.messages[0].frame, 4u);  // SYN, SYN/ACK, ACK, then the ClientHello segment
  EXPECT_EQ(c.messages[1].type, 2);
  // The server flight is one record over several segments: every message in it completes in its last one.
  EXPECT_EQ(c.messages[1].frame, c.messages[2].frame);
}

TEST(Capture, PcapngTwoInterfacesWithDifferentLinkTypes) {
  const Conversation a = default_conversation();
  Conversation b{v6(1, 40001), v6(2, 5061)};
  b.open();
  b.handshake();
  b.close();
  std::vector<Packet> packets;
  for (size_t i = 0; i < std::max(a.packets.size(), b.packets.size()); ++i) {
    if (i < a.packets.size()) packets.push_back({1, ethernet(a.packets[i])});
    if (i < b.packets.size()) packets.push_back({101, b.packets[i]});  // raw IP
  }
  const Result r = read(pcapng_file(packets));
  ASSERT_TRUE(r.ok);
  ASSERT_EQ(r.connections.size(), 2u);
  EXPECT_EQ(r.connections[1].client, "[2001:db8::1]:40001");
  EXPECT_EQ(r.connections[1].server, "[2001:db8::2]:5061");
  EXPECT_EQ(r.connections[0].first_frame, 1u);
  EXPECT_EQ(r.connections[1].first_frame, 2u);
  EXPECT_NEAR(r.connections[0].first_time, 1700000000.0, 1e-6);
  for (const Connection& c : r.connections) EXPECT_EQ(c.cipher, 0xc030);
}

Buffer gzip(const Buffer& data) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  Buffer out(compressBound(static_cast<uLong>(data.size())) + 64);
  z.next_in = const_cast<Bytef*>(data.data());
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

TEST(Capture, GzipInMemoryAndFromFile) {
  const Buffer file = gzip(pcap_file(framed(default_conversation().packets, eth)));
  expect_sample_connection(read(file));
  const auto path = std::filesystem::temp_directory_path() / "trunkcheck_wire_test.pcap.gz";
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(file.data()),
                                              static_cast<std::streamsize>(file.size()));
  Result r;
  r.ok = read_capture(path.string(), {}, [&](Connection&& c) { r.connections.push_back(std::move(c)); }, r.stats,
                      r.diagnostics);
  std::filesystem::remove(path);
  expect_sample_connection(r);
}

TEST(Capture, VlanAndQinQ) {
  const Conversation conv = default_conversation();
  std::vector<Buffer> single, double_tagged;
  for (const Buffer& p : conv.packets) {
    single.push_back(ethernet(p, {0x8100}));
    double_tagged.push_back(ethernet(p, {0x88A8, 0x8100}));
  }
  expect_sample_connection(read(pcap_file(single)));
  expect_sample_connection(read(pcap_file(double_tagged)));
}

TEST(Capture, LinuxCookedSllAndSll2) {
  const Conversation conv = default_conversation();
  std::vector<Buffer> sll, sll2;
  for (const Buffer& p : conv.packets) {
    Buffer a = {0, 0, 0, 1, 0, 6, 2, 2, 2, 2, 2, 2, 0, 0};
    put_u16(a, 0x0800);
    append(a, p);
    sll.push_back(a);
    Buffer b;
    put_u16(b, 0x0800);
    put_u16(b, 0);
    put_u32(b, 3);
    put_u16(b, 1);
    b.insert(b.end(), {0, 6, 2, 2, 2, 2, 2, 2, 0, 0});
    append(b, p);
    sll2.push_back(b);
  }
  expect_sample_connection(read(pcap_file(sll, 113)));
  expect_sample_connection(read(pcap_file(sll2, 276)));
}

TEST(Capture, RawIpLinkTypes) {
  const Conversation conv4 = default_conversation();
  expect_sample_connection(read(pcap_file(conv4.packets, 101)));
  expect_sample_connection(read(pcap_file(conv4.packets, 228)));
  expect_sample_connection(read(pcap_file(conv4.packets, 12)));
  Conversation conv6{v6(1, 40000), v6(2, 5061)};
  conv6.open();
  conv6.handshake();
  conv6.close();
  expect_sample_connection(read(pcap_file(conv6.packets, 229)));
}

TEST(Capture, NullAndLoopInBothByteOrders) {
  const Conversation conv = default_conversation();
  std::vector<Buffer> host_order, network_order;
  for (const Buffer& p : conv.packets) {
    Buffer a;
    put_u32_le(a, 2);
    append(a, p);
    host_order.push_back(a);
    Buffer b;
    put_u32(b, 2);
    append(b, p);
    network_order.push_back(b);
  }
  expect_sample_connection(read(pcap_file(host_order, 0)));
  expect_sample_connection(read(pcap_file(network_order, 0)));
  expect_sample_connection(read(pcap_file(network_order, 108)));
  expect_sample_connection(read(pcap_file(host_order, 108)));
}

TEST(Capture, Ipv6ExtensionHeaders) {
  Conversation conv{v6(1, 40000), v6(2, 5061)};
  conv.ipv6_extensions = true;
  conv.open();
  conv.handshake();
  conv.close();
  expect_sample_connection(read(pcap_file(framed(conv.packets, eth))));
}

TEST(Capture, IpFragmentsAreCountedAndSkipped) {
  Conversation conv = default_conversation();
  Buffer fragment = conv.packets[3];
  fragment[6] = 0x20;  // more fragments
  Buffer v6_fragment;
  {
    Buffer tcp = tcp_header(v6(1, 1), v6(2, 2), 0, ACK);
    put_u32(v6_fragment, 0x60000000);
    put_u16(v6_fragment, static_cast<uint32_t>(8 + tcp.size()));
    put_u8(v6_fragment, 44);
    put_u8(v6_fragment, 64);
    append(v6_fragment, v6(1, 0).address);
    append(v6_fragment, v6(2, 0).address);
    v6_fragment.insert(v6_fragment.end(), {6, 0, 0x00, 0x01, 0, 0, 0, 9});  // offset 0, more fragments
    append(v6_fragment, tcp);
  }
  conv.packets.push_back(fragment);
  conv.packets.push_back(v6_fragment);
  const Result r = read(pcap_file(framed(conv.packets, eth)));
  EXPECT_EQ(r.stats.ip_fragments_skipped, 2u);
  expect_sample_connection(r);
}

TEST(Capture, RetransmissionsOverlapsAndOutOfOrder) {
  Conversation conv{v4(10, 0, 0, 1, 40000), v4(192, 0, 2, 7, 5061)};
  conv.open();
  conv.handshake(300);
  conv.close();
  std::vector<Buffer> p = conv.packets;
  // Swap two server segments (out of order), duplicate one (retransmission).
  std::swap(p[5], p[6]);
  p.insert(p.begin() + 8, p[7]);
  const Result r = read(pcap_file(framed(p, eth)));
  expect_sample_connection(r);
  EXPECT_TRUE(r.connections[0].anomalies.empty());

  // An overlapping segment: resend the first 300 server bytes plus 100 new ones as one segment.
  const Handshake12 h = sample_handshake12();
  Conversation overlap{v4(10, 0, 0, 1, 40000), v4(192, 0, 2, 7, 5061)};
  overlap.open();
  overlap.from_client(PSH | ACK, Conversation::slice(h.client, 0, Conversation::client_hello_size(h)));
  overlap.from_server(PSH | ACK, Conversation::slice(h.server, 0, 300));
  overlap.packets.push_back(ip_tcp(overlap.server, overlap.client, overlap.server_seq - 300, PSH | ACK,
                                   Conversation::slice(h.server, 0, 400)));
  overlap.server_seq += 100;
  overlap.from_server(PSH | ACK, Conversation::slice(h.server, 400, h.server.size()));
  overlap.from_client(PSH | ACK, Conversation::slice(h.client, Conversation::client_hello_size(h), h.client.size()));
  overlap.close();
  expect_sample_connection(read(pcap_file(framed(overlap.packets, eth))));
}

TEST(Capture, MidConnectionStartIsIncomplete) {
  Conversation conv = default_conversation();
  // Drop SYN, SYN/ACK and ACK: the capture starts at the ClientHello.
  conv.packets.erase(conv.packets.begin(), conv.packets.begin() + 3);
  const Result r = read(pcap_file(framed(conv.packets, eth)));
  ASSERT_EQ(r.connections.size(), 1u);
  EXPECT_TRUE(r.connections[0].incomplete);
  EXPECT_EQ(r.connections[0].client, "10.0.0.1:40000");
  EXPECT_EQ(r.connections[0].cipher, 0xc030);
}

TEST(Capture, LostSegmentMarksIncompleteAndInventsNothing) {
  Conversation conv{v4(10, 0, 0, 1, 40000), v4(192, 0, 2, 7, 5061)};
  conv.open();
  conv.handshake(300);
  conv.close();
  // Packet 5 is the second server segment (after SYN, SYN/ACK, ACK, ClientHello, first server segment).
  conv.packets.erase(conv.packets.begin() + 5);
  const Result r = read(pcap_file(framed(conv.packets, eth)));
  ASSERT_EQ(r.connections.size(), 1u);
  const Connection& c = r.connections[0];
  EXPECT_TRUE(c.incomplete);
  EXPECT_TRUE(c.server_chain_der.empty());  // the Certificate was in the lost bytes' record
  bool noted = false;
  for (const auto& a : c.anomalies) noted |= a.find("lost 300 bytes") != std::string::npos;
  EXPECT_TRUE(noted);
  EXPECT_EQ(r.stats.lost_bytes, 300u);
}

TEST(Capture, NonTlsAndOtherPortsAreCountedNotReported) {
  Conversation sip{v4(10, 0, 0, 1, 40000), v4(192, 0, 2, 7, 5061)};
  sip.open();
  const std::string text = "OPTIONS sip:a@b SIP/2.0\r\n\r\n";
  sip.from_client(PSH | ACK, Buffer(text.begin(), text.end()));
  sip.close();
  Conversation web{v4(10, 0, 0, 1, 40001), v4(192, 0, 2, 7, 443)};
  web.open();
  web.handshake();
  web.close();
  std::vector<Buffer> packets = sip.packets;
  packets.insert(packets.end(), web.packets.begin(), web.packets.end());
  const Result r = read(pcap_file(framed(packets, eth)));
  EXPECT_TRUE(r.connections.empty());
  EXPECT_EQ(r.stats.connections_other, 2u);

  CaptureOptions detect;
  detect.detect_any_port = true;
  const Result d = read(pcap_file(framed(packets, eth)), detect);
  ASSERT_EQ(d.connections.size(), 1u);
  EXPECT_EQ(d.connections[0].server, "192.0.2.7:443");

  CaptureOptions port443;
  port443.ports = {443};
  EXPECT_EQ(read(pcap_file(framed(packets, eth)), port443).connections.size(), 1u);
}

TEST(Capture, TrackingCapEvictsOldest) {
  std::vector<Buffer> packets;
  for (uint16_t i = 0; i < 5; ++i) {
    Conversation c{v4(10, 0, 0, 1, static_cast<uint16_t>(40000 + i)), v4(192, 0, 2, 7, 5061)};
    c.open();
    c.from_client(PSH | ACK, record(22, handshake(1, client_hello_body(0x0303, {0x002f}, {}))));
    packets.insert(packets.end(), c.packets.begin(), c.packets.end());
  }
  CaptureOptions options;
  options.max_connections = 2;
  const Result r = read(pcap_file(framed(packets, eth)), options);
  EXPECT_EQ(r.connections.size(), 5u);
  EXPECT_EQ(r.stats.connections_evicted, 3u);
  bool noted = false;
  for (const auto& a : r.connections[0].anomalies) noted |= a.find("evicted") != std::string::npos;
  EXPECT_TRUE(noted);
}

TEST(Capture, OutOfOrderBufferCapIsALoss) {
  Conversation conv{v4(10, 0, 0, 1, 40000), v4(192, 0, 2, 7, 5061)};
  conv.open();
  conv.handshake(100);
  conv.close();
  conv.packets.erase(conv.packets.begin() + 5);  // a hole in the server stream
  CaptureOptions options;
  options.max_direction_buffer = 250;  // the bytes after the hole do not fit
  const Result r = read(pcap_file(framed(conv.packets, eth)), options);
  ASSERT_EQ(r.connections.size(), 1u);
  EXPECT_TRUE(r.connections[0].incomplete);
}

TEST(Capture, BadFilesGiveClearDiagnostics) {
  Result r = read(Buffer{'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd'});
  EXPECT_FALSE(r.ok);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].message, "test.pcap: not a pcap or pcapng file");
  EXPECT_TRUE(r.diagnostics[0].fatal);

  r = read(Buffer{});
  EXPECT_FALSE(r.ok);

  Buffer file = pcap_file(framed(default_conversation().packets, eth));
  const size_t cut = file.size() - 10;
  file.resize(cut);
  r = read(file);
  EXPECT_TRUE(r.ok);  // everything before the damage is read
  ASSERT_FALSE(r.diagnostics.empty());
  EXPECT_NE(r.diagnostics[0].message.find("truncated packet record at offset"), std::string::npos)
      << r.diagnostics[0].message;
  EXPECT_FALSE(r.diagnostics[0].fatal);
  EXPECT_EQ(r.connections.size(), 1u);

  // Every truncation of a pcapng file: no crash.
  std::vector<Packet> packets;
  for (const Buffer& p : default_conversation().packets) packets.push_back({1, ethernet(p)});
  const Buffer ng = pcapng_file(packets);
  for (size_t size = 0; size < ng.size(); size += 7) read(Buffer(ng.begin(), ng.begin() + static_cast<ptrdiff_t>(size)));

  Result missing;
  missing.ok = read_capture("/nonexistent/trunkcheck.pcap", {}, [](Connection&&) {}, missing.stats,
                            missing.diagnostics);
  EXPECT_FALSE(missing.ok);
  ASSERT_EQ(missing.diagnostics.size(), 1u);
  EXPECT_NE(missing.diagnostics[0].message.find("/nonexistent/trunkcheck.pcap: cannot open"), std::string::npos);
}

TEST(Capture, FeedPacketDrivesTheSameDecoder) {
  CaptureStats stats;
  std::vector<Connection> out;
  CaptureDecoder decoder({}, [&](Connection&& c) { out.push_back(std::move(c)); }, stats);
  uint64_t frame = 0;
  for (const Buffer& p : default_conversation().packets) decoder.feed_packet(101, 1.0, ++frame, p);
  decoder.finish();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].cipher, 0xc030);
  EXPECT_EQ(stats.frames, frame);
}

}  // namespace
}  // namespace tc::wire
