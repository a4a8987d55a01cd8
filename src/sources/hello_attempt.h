#pragma once
// One crafted handshake attempt: connect, send a ClientHello built by
// wire::build_client_hello, read the server's answer through the same TLS
// parser captures use, and stop as soon as the answer is known (by default
// right after the ServerHello). Every wait is bounded by one deadline for the
// whole attempt, so an attempt never outlives its timeout (plus one poll tick).
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "model/connection.h"
#include "sources/socket.h"
#include "wire/client_hello_builder.h"

namespace tc::sources {

enum class HelloOutcome {
  server_hello,    // a ServerHello (or a TLS 1.3 HelloRetryRequest) arrived
  alert,           // a fatal alert (or close_notify) instead of a ServerHello
  closed,          // the peer closed or reset the connection without answering
  timeout,         // the deadline passed before an answer
  not_tls,         // the peer answered with bytes that are not TLS records
  connect_failed,  // no TCP connection (refused, unreachable, or timed out)
};
std::string_view to_string(HelloOutcome outcome);

struct HelloAttemptOptions {
  std::chrono::milliseconds timeout{5000};  // the whole attempt: connect, send, read
  // Keep reading after the ServerHello until ServerHelloDone (TLS ≤ 1.2), so
  // the Connection also holds the server's Certificate; TLS 1.3 encrypts
  // everything after the ServerHello, so there the attempt stops regardless.
  bool read_server_flight = false;
  size_t max_bytes = 64 * 1024;  // server bytes read at most
};

struct HelloAttemptResult {
  HelloOutcome outcome = HelloOutcome::connect_failed;
  std::optional<uint16_t> version;  // negotiated (supported_versions when present)
  std::optional<uint16_t> cipher;
  std::optional<uint8_t> alert;  // description of the alert that ended the attempt
  bool hello_retry_request = false;
  Connection connection;  // our ClientHello and what the server sent
  std::string reason;     // empty on server_hello; e.g. "handshake_failure alert (40)"
  std::string error;      // the reason prefixed with the address ("192.0.2.1:5061: …")
  std::chrono::milliseconds elapsed{0};

  [[nodiscard]] bool answered() const { return outcome == HelloOutcome::server_hello; }
  // The server responded in some TLS way (a hello, an alert or a close), as
  // opposed to silence: what the scanner counts to tell a refusal from a dead endpoint.
  [[nodiscard]] bool responded() const {
    return outcome != HelloOutcome::timeout && outcome != HelloOutcome::connect_failed;
  }
};

// Sends `client_hello` (complete records) to `address`.
HelloAttemptResult attempt_hello(const SocketAddress& address, std::span<const uint8_t> client_hello,
                                 const HelloAttemptOptions& options = {});
// Builds the ClientHello from `spec` and sends it.
HelloAttemptResult attempt_hello(const SocketAddress& address, const wire::ClientHelloSpec& spec,
                                 const HelloAttemptOptions& options = {});

}  // namespace tc::sources
