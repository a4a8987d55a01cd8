#pragma once
// Records one OpenSSL connection's handshake as the peer and we exchanged it,
// through SSL_set_msg_callback, and reads it with the same TLS parser the
// capture reader uses, so the probe and the listener produce the very
// Evidence a capture of that connection would (plus what encryption hides
// from a capture: the callback sees messages after ChangeCipherSpec in
// plaintext).
//
// "Frames" in this Evidence are message sequence numbers (1 = the first
// message either side sent), since there is no capture to number them.
#include <openssl/ssl.h>

#include <cstdint>

#include "model/connection.h"
#include "wire/tls_stream.h"

namespace tc::sources {

class TlsTranscript {
 public:
  // `local_side`: the role we play on this connection.
  explicit TlsTranscript(Side local_side);
  TlsTranscript(const TlsTranscript&) = delete;
  TlsTranscript& operator=(const TlsTranscript&) = delete;

  // Installs the callback; this object must outlive the SSL's handshake.
  void attach(SSL* ssl);
  // Ends the transcript. `handshake_completed` is OpenSSL's word on whether
  // the handshake finished (the transcript cannot tell from encrypted-record
  // heuristics the way a capture must).
  Connection& finish(bool handshake_completed);

  // For messages fed by hand (a crafted ClientHello sent on a raw socket).
  void feed(Side from, uint8_t content_type, std::span<const uint8_t> message);
  [[nodiscard]] uint64_t messages() const { return sequence_; }

 private:
  static void on_message(int write_p, int version, int content_type, const void* buf, size_t len, SSL* ssl,
                         void* arg);

  Side local_side_;
  wire::TlsStream stream_;
  uint64_t sequence_ = 0;
};

}  // namespace tc::sources
