#pragma once
// One TLS 1.2 handshake as the platform makes it when it calls an endpoint:
// our offer order, our SNI, and — when the endpoint asks for a client
// certificate — the credential given, or an empty Certificate. OpenSSL does
// the handshake; TlsTranscript records it as Evidence. OpenSSL verifies
// nothing here: the chain is judged afterwards by the same rules as every
// other source, at --at. Optionally sends SIP OPTIONS over the result.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/connection.h"
#include "sources/client_credential.h"
#include "sources/socket.h"

namespace tc::sources {

struct TlsClientAttempt {
  std::vector<uint16_t> offer;              // cipher suites in order (TLS 1.2)
  std::vector<uint16_t> versions{0x0303};   // the TLS versions to allow (lowest..highest)
  std::optional<std::string> sni;
  const ClientCredential* credential = nullptr;  // nullptr: an empty Certificate when asked
  bool send_options = false;
  std::string sip_host;                     // the Request-URI host for OPTIONS
};

struct TlsClientResult {
  Connection connection;      // as the transcript saw it (client/server set)
  bool connected = false;     // TCP connected
  bool completed = false;     // handshake finished
  std::string error;          // why the attempt stopped early, naming the step
  std::chrono::milliseconds elapsed{0};
};

// Never blocks past `deadline`; the SIP exchange shares it.
TlsClientResult run_tls_client(const SocketAddress& address, const TlsClientAttempt& attempt, Deadline deadline);

}  // namespace tc::sources
