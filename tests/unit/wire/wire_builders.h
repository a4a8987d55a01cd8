#pragma once
// Builders for the wire tests: TLS records and handshake messages, TCP/IP
// packets, link-layer headers, and pcap/pcapng files, all in memory.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace tc::wire::testing {

using Buffer = std::vector<uint8_t>;

inline void put_u8(Buffer& b, uint32_t v) { b.push_back(static_cast<uint8_t>(v)); }
inline void put_u16(Buffer& b, uint32_t v) {
  put_u8(b, v >> 8);
  put_u8(b, v);
}
inline void put_u24(Buffer& b, uint32_t v) {
  put_u8(b, v >> 16);
  put_u16(b, v);
}
inline void put_u32(Buffer& b, uint32_t v) {
  put_u16(b, v >> 16);
  put_u16(b, v);
}
inline void put_u16_le(Buffer& b, uint32_t v) {
  put_u8(b, v);
  put_u8(b, v >> 8);
}
inline void put_u32_le(Buffer& b, uint32_t v) {
  put_u16_le(b, v);
  put_u16_le(b, v >> 16);
}
inline void append(Buffer& b, const Buffer& more) { b.insert(b.end(), more.begin(), more.end()); }
inline Buffer concat(std::initializer_list<Buffer> parts) {
  Buffer out;
  for (const Buffer& part : parts) append(out, part);
  return out;
}

// ---- TLS ----
inline Buffer record(uint8_t type, const Buffer& body, uint16_t version = 0x0303) {
  Buffer out;
  put_u8(out, type);
  put_u16(out, version);
  put_u16(out, static_cast<uint32_t>(body.size()));
  append(out, body);
  return out;
}
inline Buffer handshake(uint8_t type, const Buffer& body) {
  Buffer out;
  put_u8(out, type);
  put_u24(out, static_cast<uint32_t>(body.size()));
  append(out, body);
  return out;
}
inline Buffer extension(uint16_t type, const Buffer& data) {
  Buffer out;
  put_u16(out, type);
  put_u16(out, static_cast<uint32_t>(data.size()));
  append(out, data);
  return out;
}
inline Buffer sni_extension(const std::string& name) {
  Buffer list;
  put_u8(list, 0);
  put_u16(list, static_cast<uint32_t>(name.size()));
  list.insert(list.end(), name.begin(), name.end());
  Buffer data;
  put_u16(data, static_cast<uint32_t>(list.size()));
  append(data, list);
  return extension(0, data);
}
inline Buffer u16_list_extension(uint16_t type, std::initializer_list<uint16_t> values, bool u8_prefix = false) {
  Buffer data;
  if (u8_prefix) {
    put_u8(data, static_cast<uint32_t>(values.size() * 2));
  } else {
    put_u16(data, static_cast<uint32_t>(values.size() * 2));
  }
  for (uint16_t v : values) put_u16(data, v);
  return extension(type, data);
}
inline Buffer client_hello_body(uint16_t version, std::initializer_list<uint16_t> suites, const Buffer& extensions,
                                bool with_extensions = true) {
  Buffer out;
  put_u16(out, version);
  out.insert(out.end(), 32, 0x11);  // random
  put_u8(out, 0);                   // session id
  put_u16(out, static_cast<uint32_t>(suites.size() * 2));
  for (uint16_t s : suites) put_u16(out, s);
  put_u8(out, 1);
  put_u8(out, 0);  // compression null
  if (with_extensions) {
    put_u16(out, static_cast<uint32_t>(extensions.size()));
    append(out, extensions);
  }
  return out;
}
inline Buffer server_hello_body(uint16_t version, uint16_t suite, const Buffer& extensions, bool retry = false) {
  static const uint8_t hrr[32] = {0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C,
                                  0x02, 0x1E, 0x65, 0xB8, 0x91, 0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB,
                                  0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C};
  Buffer out;
  put_u16(out, version);
  if (retry) {
    out.insert(out.end(), hrr, hrr + 32);
  } else {
    out.insert(out.end(), 32, 0x22);
  }
  put_u8(out, 0);
  put_u16(out, suite);
  put_u8(out, 0);
  put_u16(out, static_cast<uint32_t>(extensions.size()));
  append(out, extensions);
  return out;
}
inline Buffer certificate_body(const std::vector<Buffer>& certs) {
  Buffer list;
  for (const Buffer& cert : certs) {
    put_u24(list, static_cast<uint32_t>(cert.size()));
    append(list, cert);
  }
  Buffer out;
  put_u24(out, static_cast<uint32_t>(list.size()));
  append(out, list);
  return out;
}
inline Buffer alert(uint8_t level, uint8_t description) { return record(21, Buffer{level, description}); }
inline Buffer change_cipher_spec() { return record(20, Buffer{1}); }

// A plain TLS 1.2 handshake with a server CertificateRequest and client certificate.
struct Handshake12 {
  Buffer client;  // client → server bytes
  Buffer server;  // server → client bytes
};
inline Handshake12 sample_handshake12() {
  const Buffer exts = concat({sni_extension("sbc.example.net"), u16_list_extension(10, {0x0a0a, 29, 23}),
                              extension(11, Buffer{1, 0}), extension(35, {})});
  Handshake12 h;
  const Buffer ca_names = [] {
    Buffer names;
    put_u16(names, 3);
    append(names, Buffer{0x30, 0x01, 0x00});
    Buffer out;
    put_u8(out, 1);
    put_u8(out, 1);  // certificate_types: rsa_sign
    put_u16(out, 2);
    put_u16(out, 0x0401);
    put_u16(out, static_cast<uint32_t>(names.size()));
    append(out, names);
    return out;
  }();
  const Buffer server_flight =
      concat({handshake(2, server_hello_body(0x0303, 0xc030, extension(0xff01, Buffer{0}))),
              handshake(11, certificate_body({Buffer(700, 0xaa), Buffer(500, 0xbb)})), handshake(13, ca_names),
              handshake(14, {})});
  h.client = record(22, handshake(1, client_hello_body(0x0303, {0x1a1a, 0xc030, 0x003d}, exts)), 0x0301);
  h.server = record(22, server_flight);
  append(h.client, record(22, concat({handshake(11, certificate_body({Buffer(300, 0xcc)})),
                                      handshake(16, Buffer(66, 0x01)), handshake(15, Buffer(10, 0x02))})));
  append(h.client, change_cipher_spec());
  append(h.client, record(22, Buffer(40, 0x33)));  // encrypted Finished
  append(h.server, change_cipher_spec());
  append(h.server, record(22, Buffer(40, 0x44)));
  append(h.client, record(23, Buffer(100, 0x55)));
  append(h.client, record(21, Buffer(26, 0x66)));  // encrypted close_notify
  return h;
}

// ---- packets ----
struct Endpoint {
  std::vector<uint8_t> address;  // 4 or 16 bytes
  uint16_t port;
};
inline Endpoint v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port) { return {{a, b, c, d}, port}; }
inline Endpoint v6(uint8_t last, uint16_t port) {
  std::vector<uint8_t> address = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, last};
  return {address, port};
}

constexpr uint8_t FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10;

inline Buffer tcp_header(const Endpoint& src, const Endpoint& dst, uint32_t seq, uint8_t flags,
                         bool with_options = true) {
  Buffer tcp;
  put_u16(tcp, src.port);
  put_u16(tcp, dst.port);
  put_u32(tcp, seq);
  put_u32(tcp, 0);
  put_u8(tcp, (with_options ? 8 : 5) << 4);  // 32-byte header with timestamps-like options
  put_u8(tcp, flags);
  put_u16(tcp, 65535);
  put_u16(tcp, 0);
  put_u16(tcp, 0);
  if (with_options) {
    const Buffer options = {1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2};
    append(tcp, options);
  }
  return tcp;
}

// An IPv4 or IPv6 packet carrying a TCP segment; `ipv6_extensions` adds a hop-by-hop and a
// destination-options header.
inline Buffer ip_tcp(const Endpoint& src, const Endpoint& dst, uint32_t seq, uint8_t flags, const Buffer& payload,
                     bool ipv6_extensions = false) {
  Buffer tcp = tcp_header(src, dst, seq, flags);
  append(tcp, payload);
  Buffer ip;
  if (src.address.size() == 4) {
    put_u8(ip, 0x46);  // IHL 6: one word of options
    put_u8(ip, 0);
    put_u16(ip, static_cast<uint32_t>(24 + tcp.size()));
    put_u16(ip, 1);
    put_u16(ip, 0x4000);  // don't fragment
    put_u8(ip, 64);
    put_u8(ip, 6);
    put_u16(ip, 0);
    append(ip, src.address);
    append(ip, dst.address);
    put_u32(ip, 0x01010100);  // NOP options
  } else {
    Buffer extensions;
    uint8_t first = 6;
    if (ipv6_extensions) {
      first = 0;
      extensions = {60, 0, 1, 4, 0, 0, 0, 0,   // hop-by-hop → destination options, PadN
                    6, 1, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};  // destination options (16 bytes) → TCP
    }
    put_u32(ip, 0x60000000);
    put_u16(ip, static_cast<uint32_t>(extensions.size() + tcp.size()));
    put_u8(ip, first);
    put_u8(ip, 64);
    append(ip, src.address);
    append(ip, dst.address);
    append(ip, extensions);
  }
  append(ip, tcp);
  return ip;
}

inline Buffer ethernet(const Buffer& ip, std::initializer_list<uint16_t> vlan_tpids = {}) {
  Buffer frame(12, 0x02);
  for (uint16_t tpid : vlan_tpids) {
    put_u16(frame, tpid);
    put_u16(frame, 100);
  }
  put_u16(frame, (ip[0] >> 4) == 6 ? 0x86DD : 0x0800);
  append(frame, ip);
  return frame;
}

// ---- capture files ----
struct Packet {
  uint32_t link_type;
  Buffer bytes;
};

inline Buffer pcap_file(const std::vector<Buffer>& frames, uint32_t link_type = 1, bool little_endian = true,
                        bool nanoseconds = false) {
  Buffer out;
  auto u32 = [&](uint32_t v) { little_endian ? put_u32_le(out, v) : put_u32(out, v); };
  auto u16 = [&](uint32_t v) { little_endian ? put_u16_le(out, v) : put_u16(out, v); };
  u32(nanoseconds ? 0xa1b23c4d : 0xa1b2c3d4);
  u16(2);
  u16(4);
  u32(0);
  u32(0);
  u32(262144);
  u32(link_type);
  uint32_t second = 1700000000;
  for (const Buffer& frame : frames) {
    u32(second++);
    u32(nanoseconds ? 500000000 : 500000);
    u32(static_cast<uint32_t>(frame.size()));
    u32(static_cast<uint32_t>(frame.size()));
    append(out, frame);
  }
  return out;
}

// pcapng (little-endian) with one interface per distinct link type, in first-seen order.
inline Buffer pcapng_file(const std::vector<Packet>& packets) {
  Buffer out;
  auto block = [&](uint32_t type, const Buffer& body) {
    const uint32_t length = static_cast<uint32_t>(12 + body.size());
    put_u32_le(out, type);
    put_u32_le(out, length);
    append(out, body);
    put_u32_le(out, length);
  };
  Buffer shb;
  put_u32_le(shb, 0x1A2B3C4D);
  put_u16_le(shb, 1);
  put_u16_le(shb, 0);
  put_u32_le(shb, 0xffffffff);
  put_u32_le(shb, 0xffffffff);
  block(0x0A0D0D0A, shb);
  std::vector<uint32_t> interfaces;
  auto interface_of = [&](uint32_t link_type) -> uint32_t {
    for (uint32_t i = 0; i < interfaces.size(); ++i) {
      if (interfaces[i] == link_type) return i;
    }
    Buffer idb;
    put_u16_le(idb, link_type);
    put_u16_le(idb, 0);
    put_u32_le(idb, 262144);
    put_u16_le(idb, 9);  // if_tsresol: nanoseconds
    put_u16_le(idb, 1);
    idb.insert(idb.end(), {9, 0, 0, 0});
    put_u16_le(idb, 0);
    put_u16_le(idb, 0);
    block(1, idb);
    interfaces.push_back(link_type);
    return static_cast<uint32_t>(interfaces.size() - 1);
  };
  uint64_t nanos = 1700000000ull * 1000000000ull;
  // An unknown block first: must be skipped.
  block(0x00000BAD, Buffer(8, 0));
  for (const Packet& packet : packets) {
    const uint32_t id = interface_of(packet.link_type);
    Buffer epb;
    put_u32_le(epb, id);
    put_u32_le(epb, static_cast<uint32_t>(nanos >> 32));
    put_u32_le(epb, static_cast<uint32_t>(nanos));
    put_u32_le(epb, static_cast<uint32_t>(packet.bytes.size()));
    put_u32_le(epb, static_cast<uint32_t>(packet.bytes.size()));
    append(epb, packet.bytes);
    while (epb.size() % 4) epb.push_back(0);
    block(6, epb);
    nanos += 1000000;
  }
  return out;
}

}  // namespace tc::wire::testing
