#pragma once
// The IP packets of one TCP connection carrying a TLS handshake, for capture tests.
#include <algorithm>
#include <vector>

#include "wire_builders.h"

namespace tc::wire::testing {

// Builds the IP packets of one TCP connection carrying a TLS handshake.
struct Conversation {
  Conversation(Endpoint c, Endpoint s) : client(std::move(c)), server(std::move(s)) {}
  Endpoint client, server;
  uint32_t client_seq = 1000, server_seq = 5000;
  std::vector<Buffer> packets;
  bool ipv6_extensions = false;

  void from_client(uint8_t flags, const Buffer& payload = {}) {
    packets.push_back(ip_tcp(client, server, client_seq, flags, payload, ipv6_extensions));
    client_seq += static_cast<uint32_t>(payload.size()) + ((flags & (SYN | FIN)) ? 1 : 0);
  }
  void from_server(uint8_t flags, const Buffer& payload = {}) {
    packets.push_back(ip_tcp(server, client, server_seq, flags, payload, ipv6_extensions));
    server_seq += static_cast<uint32_t>(payload.size()) + ((flags & (SYN | FIN)) ? 1 : 0);
  }
  void open() {
    from_client(SYN);
    from_server(SYN | ACK);
    from_client(ACK);
  }
  void close() {
    from_client(FIN | ACK);
    from_server(FIN | ACK);
    from_client(ACK);
  }
  // The sample TLS 1.2 handshake, each flight cut into `mss`-byte segments.
  void handshake(size_t mss = 400) {
    const Handshake12 h = sample_handshake12();
    for (size_t at = 0; at < h.client.size() && at < client_hello_size(h); at += mss) {
      from_client(PSH | ACK, slice(h.client, at, std::min(at + mss, client_hello_size(h))));
    }
    for (size_t at = 0; at < h.server.size(); at += mss) from_server(PSH | ACK, slice(h.server, at, at + mss));
    for (size_t at = client_hello_size(h); at < h.client.size(); at += mss) {
      from_client(PSH | ACK, slice(h.client, at, at + mss));
    }
  }
  static size_t client_hello_size(const Handshake12& h) { return 5 + ((size_t{h.client[3]} << 8) | h.client[4]); }
  static Buffer slice(const Buffer& b, size_t from, size_t to) {
    to = std::min(to, b.size());
    return Buffer(b.begin() + static_cast<ptrdiff_t>(from), b.begin() + static_cast<ptrdiff_t>(to));
  }
};

}  // namespace tc::wire::testing
