#pragma once
// The listener's network half: a TCP socket that accepts SIP-over-TLS clients
// and serves them with the platform-like SSL_CTX, many at once, within fixed
// bounds, turning each finished connection into a Connection (the handshake
// transcript plus the SIP the client sent and what we answered).
//
// Design: one epoll loop per worker thread (hardware_concurrency), each
// accepting from the shared listening socket (EPOLLEXCLUSIVE) and driving its
// own non-blocking SSL connections. A stalled client costs one descriptor and
// a small record (no SSL object until its first byte arrives), so thousands
// of them cannot starve the rest. Bounds:
//   - concurrent connections: max_connections (beyond: accepted and closed at
//     once, counted in stats().rejected_over_cap);
//   - handshake_timeout from accept to Finished, idle_timeout between reads;
//   - SIP: the wire layer's SipLimits per message, 64 recorded requests per
//     connection, 256 KB of unsent responses;
//   - finished connections wait in a queue of at most 4,096 for the caller.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "model/connection.h"
#include "sources/sip_responder.h"
#include "sources/socket.h"
#include "x509/handles.h"

namespace tc::sources {

struct ListenerOptions {
  std::string bind = "::";  // "::" listens on IPv6 and IPv4 (IPv4 alone when IPv6 is off)
  uint16_t port = 5061;     // 0: an ephemeral port
  size_t max_connections = 10000;
  std::chrono::milliseconds handshake_timeout{10000};
  std::chrono::milliseconds idle_timeout{120000};  // the platform closes idle sockets after ~2 minutes (seed 001)
  unsigned workers = 0;     // 0: one per hardware thread
  SipResponderOptions sip;
};

struct ListenerStats {
  uint64_t accepted = 0;
  uint64_t rejected_over_cap = 0;  // accepted and closed at once: max_connections were open
  uint64_t handshakes_completed = 0;
  uint64_t handshake_timeouts = 0;
  uint64_t idle_timeouts = 0;
  uint64_t peak_open = 0;
  size_t max_connections = 0;      // the cap in force (lowered to fit RLIMIT_NOFILE)
};

class TlsListener {
 public:
  // Binds and listens. nullptr with `error` naming the address otherwise.
  static std::unique_ptr<TlsListener> open(const ListenerOptions& options, x509::SslCtxPtr context,
                                           std::string& error);
  ~TlsListener();
  TlsListener(const TlsListener&) = delete;
  TlsListener& operator=(const TlsListener&) = delete;

  // The bound address (with the ephemeral port filled in).
  [[nodiscard]] const SocketAddress& address() const;

  // Serves until `stop` is set or `on_connection` returns false, calling
  // `on_connection` on this thread for every connection as it closes.
  // Connections still open at the end are closed and reported too (anomaly
  // "open when the listener stopped").
  void run(const std::atomic<bool>& stop, const std::function<bool(Connection&&)>& on_connection);

  [[nodiscard]] ListenerStats stats() const;

 private:
  struct Shared;
  class Worker;
  explicit TlsListener(std::unique_ptr<Shared> shared);
  std::unique_ptr<Shared> shared_;
};

}  // namespace tc::sources
