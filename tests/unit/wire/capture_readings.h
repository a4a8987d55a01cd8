#pragma once
// Reading one capture with one thread (read_capture_bytes) and with several
// (read_capture_bytes_parallel), and comparing the two readings in full: the
// parallel readers promise the one-thread result whatever the thread count,
// chunk size or file layout. Plus the mixed traffic the comparisons read.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "conversation.h"
#include "wire/capture.h"
#include "wire/parallel_capture.h"
#include "wire_builders.h"

namespace tc::wire::testing {

// What a parallel worker's stage hands to the calling thread: the connection itself.
struct Seen final : WorkerOutput {
  explicit Seen(Connection&& c) : connection(std::move(c)) {}
  Connection connection;
};

struct Reading {
  bool ok = false;
  std::vector<Connection> connections;  // in the order they were delivered
  CaptureStats stats;
  std::vector<CaptureDiagnostic> diagnostics;
};

// Both readers label diagnostics with this name, so their texts compare.
inline constexpr const char* kCaptureName = "test.pcap";

inline Reading read_serial(std::span<const uint8_t> file, const CaptureOptions& options = {}) {
  Reading r;
  r.ok = read_capture_bytes(
      file, kCaptureName, options, [&](Connection&& c) { r.connections.push_back(std::move(c)); }, r.stats,
      r.diagnostics);
  return r;
}

inline std::vector<WorkerStage> keeping_stages(size_t threads) {
  return std::vector<WorkerStage>(threads, [](Connection&& c) -> std::unique_ptr<WorkerOutput> {
    return std::make_unique<Seen>(std::move(c));
  });
}

inline OutputSink keeping_sink(Reading& r) {
  return [&r](WorkerOutput& out) { r.connections.push_back(std::move(static_cast<Seen&>(out).connection)); };
}

inline Reading read_threads(std::span<const uint8_t> file, const CaptureOptions& options, size_t threads) {
  Reading r;
  const std::vector<WorkerStage> stages = keeping_stages(threads);
  r.ok = read_capture_bytes_parallel(file, kCaptureName, options, stages, keeping_sink(r), r.stats, r.diagnostics);
  return r;
}

inline std::string seconds_text(double seconds) {
  char text[40];
  std::snprintf(text, sizeof text, "%.9f", seconds);  // nanosecond captures must compare to the nanosecond
  return text;
}

// One line per connection, in order: addresses, first frame and time, what
// the handshake negotiated, and the frame of every message and alert (frame
// numbers are what the chunked reader assigns last, once chunks are confirmed).
inline std::vector<std::string> describe(const std::vector<Connection>& connections) {
  std::vector<std::string> out;
  for (const Connection& c : connections) {
    std::string line = c.client + " " + c.server + " first " + std::to_string(c.first_frame) + " at " +
                       seconds_text(c.first_time) + " cipher " + std::to_string(c.cipher.value_or(0)) +
                       " sni " + c.sni.value_or("-") + " tls " + std::to_string(c.is_tls) + " established " +
                       std::to_string(c.established) + " incomplete " + std::to_string(c.incomplete) +
                       " certificates " + std::to_string(c.server_chain_der.size()) + " messages";
    for (const MessageRecord& m : c.messages) {
      line += " " + std::to_string(m.type) + (m.from == Side::client ? "c" : "s") + "@" + std::to_string(m.frame);
    }
    for (const AlertRecord& a : c.alerts) line += " alert@" + std::to_string(a.frame);
    for (const auto& anomaly : c.anomalies) line += " | " + anomaly;
    out.push_back(line);
  }
  return out;
}

inline std::vector<std::string> describe(const std::vector<CaptureDiagnostic>& diagnostics) {
  std::vector<std::string> out;
  for (const CaptureDiagnostic& d : diagnostics) {
    out.push_back(d.source + " frame " + std::to_string(d.frame) + " offset " + std::to_string(d.offset) +
                  (d.fatal ? " fatal: " : ": ") + d.message);
  }
  return out;
}

inline void expect_same_stats(const CaptureStats& actual, const CaptureStats& expected) {
  // A field added to CaptureStats must be compared here too.
  static_assert(sizeof(CaptureStats) == 12 * sizeof(uint64_t), "compare every CaptureStats field");
  EXPECT_EQ(actual.frames, expected.frames);
  EXPECT_EQ(actual.bytes, expected.bytes);
  EXPECT_EQ(actual.ip_fragments_skipped, expected.ip_fragments_skipped);
  EXPECT_EQ(actual.non_ip, expected.non_ip);
  EXPECT_EQ(actual.non_tcp, expected.non_tcp);
  EXPECT_EQ(actual.malformed, expected.malformed);
  EXPECT_EQ(actual.unsupported_link_type, expected.unsupported_link_type);
  EXPECT_EQ(actual.tcp_segments, expected.tcp_segments);
  EXPECT_EQ(actual.connections_tls, expected.connections_tls);
  EXPECT_EQ(actual.connections_other, expected.connections_other);
  EXPECT_EQ(actual.connections_evicted, expected.connections_evicted);
  EXPECT_EQ(actual.lost_bytes, expected.lost_bytes);
}

// The whole reading: return value, connections in order, counts, diagnostics in order.
inline void expect_same_reading(const Reading& actual, const Reading& expected) {
  EXPECT_EQ(actual.ok, expected.ok);
  EXPECT_EQ(describe(actual.connections), describe(expected.connections));
  expect_same_stats(actual.stats, expected.stats);
  EXPECT_EQ(actual.diagnostics.size(), expected.diagnostics.size());
  EXPECT_EQ(describe(actual.diagnostics), describe(expected.diagnostics));
}

// An IPv4 UDP packet (RTP-sized), which the capture only counts.
inline Buffer udp_packet(const Endpoint& src, const Endpoint& dst, size_t payload_size) {
  Buffer udp;
  put_u16(udp, src.port);
  put_u16(udp, dst.port);
  put_u16(udp, static_cast<uint32_t>(8 + payload_size));
  put_u16(udp, 0);
  udp.resize(8 + payload_size, 0x80);
  Buffer ip;
  put_u8(ip, 0x45);
  put_u8(ip, 0);
  put_u16(ip, static_cast<uint32_t>(20 + udp.size()));
  put_u16(ip, 1);
  put_u16(ip, 0x4000);
  put_u8(ip, 64);
  put_u8(ip, 17);
  put_u16(ip, 0);
  append(ip, src.address);
  append(ip, dst.address);
  append(ip, udp);
  return ip;
}

// The IP packets of `count` handshakes whose packets interleave: some end
// with FIN, some with RST, some never end (reported at the end of the
// capture, least recently used first); a port-5060 connection and UDP are
// only counted. `mss` bounds the TLS bytes per segment.
inline std::vector<Buffer> interleaved_ip_packets(uint16_t count, size_t mss = 0) {
  std::vector<Conversation> conversations;
  for (uint16_t i = 0; i < count; ++i) {
    Conversation c{v4(10, 0, static_cast<uint8_t>(i / 200), static_cast<uint8_t>(1 + i % 200),
                      static_cast<uint16_t>(40000 + i)),
                   v4(192, 0, 2, static_cast<uint8_t>(1 + i % 3), 5061)};
    c.open();
    c.handshake(mss != 0 ? mss : static_cast<size_t>(150 + 37 * (i % 7)));
    if (i % 5 == 1) {
      c.from_client(RST);
    } else if (i % 5 != 3) {
      c.close();
    }
    conversations.push_back(std::move(c));
  }
  Conversation sip{v4(10, 9, 9, 9, 41000), v4(192, 0, 2, 9, 5060)};
  sip.open();
  sip.from_client(PSH | ACK, Buffer{'O', 'P', 'T', 'I', 'O', 'N', 'S'});
  conversations.push_back(std::move(sip));
  // Round-robin with a stagger, so connections start and end at different times.
  std::vector<Buffer> packets;
  std::vector<size_t> next(conversations.size(), 0);
  for (size_t step = 0, remaining = conversations.size(); remaining > 0; ++step) {
    remaining = 0;
    for (size_t i = 0; i < conversations.size(); ++i) {
      if (step < i / 4) {
        ++remaining;
        continue;
      }
      if (next[i] < conversations[i].packets.size()) packets.push_back(conversations[i].packets[next[i]++]);
      if (next[i] < conversations[i].packets.size()) ++remaining;
    }
    if (step % 3 == 0) packets.push_back(udp_packet(v4(10, 1, 1, 1, 20000), v4(10, 1, 1, 2, 30000), 172));
  }
  return packets;
}

// The same as Ethernet frames.
inline std::vector<Buffer> interleaved_traffic(uint16_t count, size_t mss = 0) {
  std::vector<Buffer> frames;
  for (const Buffer& packet : interleaved_ip_packets(count, mss)) frames.push_back(ethernet(packet));
  return frames;
}

}  // namespace tc::wire::testing
