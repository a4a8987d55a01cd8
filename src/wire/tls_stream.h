#pragma once
// Reads the two byte streams of one TLS connection (client→server and
// server→client), fed incrementally in chunks split anywhere, and fills a
// tc::Connection: records, handshake messages (reassembled across records),
// alerts, ChangeCipherSpec, and the frame in which each message completed.
//
// One error channel: oddities are noted in Connection::anomalies and parsing
// goes on; a violation (a record or message that cannot be TLS) is noted and
// stops parsing that direction only. Memory is bounded: one record (≤ 18,432
// bytes) plus one handshake message (≤ TlsLimits::max_handshake_message) per
// direction; hitting a cap is a violation, never unbounded growth.
#include <cstdint>
#include <span>
#include <vector>

#include "model/connection.h"

namespace tc::wire {

struct TlsLimits {
  // RFC 8446 allows 2^24-1 bytes; real certificate chains stay far below
  // 64 KiB, so 256 KiB leaves room for odd chains while bounding memory.
  size_t max_handshake_message = 256 * 1024;
  // Plaintext tolerated before the first record (STARTTLS preambles).
  size_t max_bytes_before_first_record = 64 * 1024;
  // Messages and alerts kept per connection (a peer could send endless tiny ones).
  size_t max_messages = 1024;
};

inline constexpr size_t kMaxRecordLength = (1u << 14) + 2048;

class TlsStream {
 public:
  explicit TlsStream(TlsLimits limits = {}) : limits_(limits) {}

  // `bytes` continue the stream of side `from`. A chunk should start where a
  // TCP segment started: before the first record is found, only chunk starts
  // are checked for a record header (to skip STARTTLS preambles cheaply).
  void feed(Side from, std::span<const uint8_t> bytes, uint64_t frame);
  // `bytes` of side `from` were lost in capture: never invent them; the
  // direction stops being parsed.
  void lost(Side from, uint64_t bytes);
  // The capture began after this side's first bytes: also accept a record of
  // any type (not only a ClientHello/ServerHello) as the first one.
  void set_mid_stream(Side from) { state(from).mid_stream = true; }
  // The feed is a decrypted transcript (OpenSSL's message callback in the
  // probe and listener), not wire bytes: records after ChangeCipherSpec and
  // TLS 1.3's handshake messages arrive in plaintext and are parsed as such.
  void set_decrypted_transcript() { decrypted_transcript_ = true; }
  // End of the connection: notes partial records and decides `established`.
  void finish();
  // Ready for another connection, as if newly made with the same limits; the
  // direction buffers keep their memory (a record's worth at most) so a
  // reused stream does not allocate them again.
  void reset();

  // False once this direction stopped (violation, loss, or not TLS at all).
  [[nodiscard]] bool wants_data(Side from) const { return state(from).mode != Mode::stopped; }
  [[nodiscard]] bool found_record(Side from) const { return state(from).mode == Mode::records || state(from).ever_synced; }

  [[nodiscard]] uint64_t lost_bytes() const { return lost_bytes_; }
  Connection& connection() { return connection_; }
  const Connection& connection() const { return connection_; }

 private:
  enum class Mode { searching, records, stopped };
  struct DirectionState {
    Mode mode = Mode::searching;
    bool mid_stream = false;
    bool ever_synced = false;
    bool saw_handshake = false;       // a cleartext handshake record was read
    bool encrypted = false;           // after this side's ChangeCipherSpec (TLS ≤ 1.2)
    bool sent_application_data = false;
    bool application_data_after_hello = false;  // TLS 1.3: type 23 after the final ServerHello
    uint64_t skipped = 0;
    size_t skip_body = 0;             // bytes of an application-data record still to pass over
    std::vector<uint8_t> probe;       // the first bytes of a stream too short to judge yet
    std::vector<uint8_t> pending;     // a record whose end has not arrived yet
    std::vector<uint8_t> handshake;   // a handshake message spread over several records
  };

  DirectionState& state(Side side) { return side == Side::client ? client_ : server_; }
  const DirectionState& state(Side side) const { return side == Side::client ? client_ : server_; }

  bool try_sync(Side from, std::span<const uint8_t> bytes, uint64_t frame);
  void feed_records(Side from, std::span<const uint8_t> bytes, uint64_t frame);
  // Returns false on a violation (the direction is stopped).
  bool on_record_header(Side from, const uint8_t* header, uint64_t frame);
  void on_record(Side from, uint8_t type, std::span<const uint8_t> body, uint64_t frame);
  void on_alert(Side from, std::span<const uint8_t> body, uint64_t frame);
  void on_handshake_bytes(Side from, std::span<const uint8_t> body, uint64_t frame);
  // Consumes whole messages from `bytes`; returns how many bytes it used.
  size_t parse_messages(Side from, std::span<const uint8_t> bytes, uint64_t frame);
  void on_message(Side from, uint8_t type, std::span<const uint8_t> body, uint64_t frame);
  void on_sslv2(Side from, std::span<const uint8_t> bytes, uint64_t frame);
  bool client_offered_tls13() const;
  void violation(Side from, std::string note);
  void note(std::string text);
  void add_message(MessageRecord message);

  TlsLimits limits_;
  Connection connection_;
  DirectionState client_;
  DirectionState server_;
  bool client_hello_seen_ = false;
  bool server_hello_seen_ = false;   // the final one (not a HelloRetryRequest)
  bool tls13_ = false;               // a 1.3 ServerHello or HelloRetryRequest was seen
  bool fatal_alert_before_ccs_ = false;
  bool heartbeat_noted_ = false;
  bool messages_capped_ = false;
  bool decrypted_transcript_ = false;
  uint64_t lost_bytes_ = 0;
};

}  // namespace tc::wire
