#include "sources/tls_transcript.h"

#include <algorithm>
#include <array>

namespace tc::sources {

namespace {

// The callback reports record payloads; the parser reads records, so each
// payload is wrapped in a TLSPlaintext header again (RFC 5246 §6.2.1),
// split at 2^14 bytes as a real record layer would.
constexpr uint8_t kChangeCipherSpec = 20, kAlert = 21, kHandshake = 22;
constexpr size_t kMaxFragment = 1u << 14;

}  // namespace

TlsTranscript::TlsTranscript(Side local_side) : local_side_(local_side) { stream_.set_decrypted_transcript(); }

void TlsTranscript::attach(SSL* ssl) {
  SSL_set_msg_callback(ssl, &TlsTranscript::on_message);
  SSL_set_msg_callback_arg(ssl, this);
}

void TlsTranscript::on_message(int write_p, int /*version*/, int content_type, const void* buf, size_t len,
                               SSL* /*ssl*/, void* arg) {
  // Pseudo content types (record headers 256, TLS 1.3 inner types 257) and
  // application data carry nothing the Evidence needs.
  if (content_type != kChangeCipherSpec && content_type != kAlert && content_type != kHandshake) return;
  auto* self = static_cast<TlsTranscript*>(arg);
  const Side remote = self->local_side_ == Side::client ? Side::server : Side::client;
  self->feed(write_p != 0 ? self->local_side_ : remote, static_cast<uint8_t>(content_type),
             std::span(static_cast<const uint8_t*>(buf), len));
}

void TlsTranscript::feed(Side from, uint8_t content_type, std::span<const uint8_t> message) {
  ++sequence_;
  size_t offset = 0;
  do {
    const size_t length = std::min(kMaxFragment, message.size() - offset);
    std::array<uint8_t, 5> header{content_type, 3, 3, static_cast<uint8_t>(length >> 8),
                                  static_cast<uint8_t>(length & 0xff)};
    stream_.feed(from, header, sequence_);
    stream_.feed(from, message.subspan(offset, length), sequence_);
    offset += length;
  } while (offset < message.size());
}

Connection& TlsTranscript::finish(bool handshake_completed) {
  stream_.finish();
  Connection& connection = stream_.connection();
  connection.established = handshake_completed;
  return connection;
}

}  // namespace tc::sources
