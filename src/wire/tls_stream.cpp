#include "wire/tls_stream.h"

#include <algorithm>
#include <string>

#include "wire/byte_cursor.h"
#include "wire/tls_handshake.h"

namespace tc::wire {
namespace {

constexpr uint8_t record_change_cipher_spec = 20;
constexpr uint8_t record_alert = 21;
constexpr uint8_t record_handshake = 22;
constexpr uint8_t record_application_data = 23;
constexpr uint8_t record_heartbeat = 24;

std::string side_name(Side side) { return side == Side::client ? "client" : "server"; }

std::string message_name(uint8_t type) {
  switch (type) {
    case 1: return "ClientHello";
    case 2: return "ServerHello";
    case 11: return "Certificate";
    case 13: return "CertificateRequest";
    default: return "handshake message " + std::to_string(type);
  }
}

bool plausible_record_header(const uint8_t* p, bool any_type) {
  const uint16_t length = load_be16(p + 3);
  const bool type_ok = any_type ? (p[0] >= 20 && p[0] <= 24) : (p[0] == 21 || p[0] == 22);
  return type_ok && p[1] == 3 && p[2] <= 4 && length > 0 && length <= kMaxRecordLength;
}

// SSLv2 record with a two-byte header (high bit set) carrying message `type`.
bool sslv2_message(std::span<const uint8_t> bytes, uint8_t type) {
  return bytes.size() >= 3 && (bytes[0] & 0x80) != 0 && bytes[2] == type;
}

}  // namespace

void TlsStream::note(std::string text) {
  if (connection_.anomalies.size() < limits_.max_messages) connection_.anomalies.push_back(std::move(text));
}

void TlsStream::add_message(MessageRecord message) {
  if (connection_.messages.size() >= limits_.max_messages) {
    if (!messages_capped_) note("more than " + std::to_string(limits_.max_messages) + " records; rest not listed");
    messages_capped_ = true;
    return;
  }
  // A full handshake lists about a dozen: one allocation instead of five.
  if (connection_.messages.empty()) connection_.messages.reserve(16);
  connection_.messages.push_back(message);
}

void TlsStream::violation(Side from, std::string text) {
  DirectionState& d = state(from);
  note(side_name(from) + ": " + text + "; stopped reading this direction");
  d.mode = Mode::stopped;
  d.pending = {};
  d.handshake = {};
}

void TlsStream::feed(Side from, std::span<const uint8_t> bytes, uint64_t frame) {
  DirectionState& d = state(from);
  if (bytes.empty() || d.mode == Mode::stopped) return;
  if (d.mode == Mode::searching) {
    // A stream may start with a tiny segment: judge its start once 6 bytes are known.
    constexpr size_t probe_size = 6;
    if (!d.probe.empty()) {
      const size_t n = std::min(probe_size - d.probe.size(), bytes.size());
      d.probe.insert(d.probe.end(), bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(n));
      if (d.probe.size() < probe_size) return;
      std::vector<uint8_t> probe = std::move(d.probe);
      d.probe.clear();
      if (try_sync(from, probe, frame)) {
        if (d.mode == Mode::records) feed_records(from, std::span<const uint8_t>(probe).first(probe.size() - n), frame);
        if (d.mode == Mode::records) feed_records(from, bytes, frame);
        return;
      }
      if (d.mode != Mode::searching) return;
    } else if (bytes.size() < probe_size) {
      d.probe.assign(bytes.begin(), bytes.end());
      return;
    }
    if (!try_sync(from, bytes, frame)) return;
  }
  if (d.mode == Mode::records) feed_records(from, bytes, frame);
}

bool TlsStream::try_sync(Side from, std::span<const uint8_t> bytes, uint64_t frame) {
  DirectionState& d = state(from);
  bool found = false;
  if (bytes.size() >= 5 && plausible_record_header(bytes.data(), d.mid_stream)) {
    // A fresh client must open with a ClientHello (a handshake record whose first message is type 1).
    found = from == Side::server || d.mid_stream || (bytes[0] == record_handshake && (bytes.size() < 6 || bytes[5] == 1));
  }
  if (!found && !client_hello_seen_ && from == Side::client && sslv2_message(bytes, 1)) {
    on_sslv2(from, bytes, frame);
    if (d.mode != Mode::records) return false;
    // An SSLv2-compatible hello offering TLS: TLS records follow the SSLv2 one.
    const size_t record = 2 + (((bytes[0] & 0x7fu) << 8) | bytes[1]);
    if (record >= bytes.size()) {
      d.skip_body = record - bytes.size();
      return false;
    }
    feed_records(from, bytes.subspan(record), frame);
    return false;
  }
  if (!found && from == Side::server && sslv2_message(bytes, 4) && client_hello_seen_) {
    on_sslv2(from, bytes, frame);
    return false;
  }
  if (!found) {
    d.skipped += bytes.size();
    if (d.skipped > limits_.max_bytes_before_first_record) d.mode = Mode::stopped;
    return false;
  }
  if (d.skipped > 0) {
    note(side_name(from) + ": skipped " + std::to_string(d.skipped) + " bytes before the first TLS record");
  }
  d.mode = Mode::records;
  d.ever_synced = true;
  return true;
}

void TlsStream::on_sslv2(Side from, std::span<const uint8_t> bytes, uint64_t frame) {
  DirectionState& d = state(from);
  const size_t length = ((bytes[0] & 0x7f) << 8) | bytes[1];
  ByteCursor body(bytes.data() + 2, std::min(length, bytes.size() - 2));
  d.ever_synced = true;
  connection_.is_tls = true;
  if (from == Side::client) {
    if (!parse_sslv2_client_hello(body, connection_)) {
      violation(from, "malformed SSLv2 ClientHello at frame " + std::to_string(frame));
      return;
    }
    client_hello_seen_ = true;
    add_message({from, hs::client_hello, frame, false});
    note("client: SSLv2-format ClientHello");
    // A client offering TLS in an SSLv2-compatible hello goes on with TLS records.
    d.mode = connection_.client_hello_version.value_or(2) < 0x0300 ? Mode::stopped : Mode::records;
  } else {
    add_message({from, hs::server_hello, frame, false});
    note("server: SSLv2 ServerHello; SSLv2 is not decoded further");
    d.mode = Mode::stopped;
  }
}

void TlsStream::feed_records(Side from, std::span<const uint8_t> bytes, uint64_t frame) {
  DirectionState& d = state(from);
  while (!bytes.empty() && d.mode == Mode::records) {
    if (d.skip_body > 0) {
      const size_t n = std::min(d.skip_body, bytes.size());
      d.skip_body -= n;
      bytes = bytes.subspan(n);
      continue;
    }
    if (d.pending.empty() && bytes.size() >= 5) {
      // Fast path: the record header is in this chunk.
      if (!on_record_header(from, bytes.data(), frame)) return;
      if (d.skip_body > 0) {
        bytes = bytes.subspan(5);
        continue;
      }
      const size_t length = load_be16(bytes.data() + 3);
      if (bytes.size() >= 5 + length) {
        on_record(from, bytes[0], bytes.subspan(5, length), frame);
        bytes = bytes.subspan(5 + length);
        continue;
      }
    }
    // Slow path: gather the header, then the body, in `pending`.
    if (d.pending.size() < 5) {
      // One allocation for the whole record instead of growing it segment by segment.
      if (d.pending.empty() && bytes.size() >= 5) d.pending.reserve(5 + size_t{load_be16(bytes.data() + 3)});
      const size_t n = std::min(5 - d.pending.size(), bytes.size());
      d.pending.insert(d.pending.end(), bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(n));
      bytes = bytes.subspan(n);
      if (d.pending.size() < 5) return;
      if (!on_record_header(from, d.pending.data(), frame)) return;
      if (d.skip_body > 0) {
        d.pending.clear();
        continue;
      }
    }
    const size_t need = 5 + size_t{load_be16(d.pending.data() + 3)};
    d.pending.reserve(need);
    const size_t n = std::min(need - d.pending.size(), bytes.size());
    d.pending.insert(d.pending.end(), bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(n));
    bytes = bytes.subspan(n);
    if (d.pending.size() == need) {
      std::vector<uint8_t> record = std::move(d.pending);
      d.pending.clear();
      on_record(from, record[0], std::span<const uint8_t>(record).subspan(5), frame);
      if (d.pending.empty() && d.mode == Mode::records) {
        d.pending = std::move(record);  // keep the allocation for the next slow-path record
        d.pending.clear();
      }
    }
  }
}

bool TlsStream::on_record_header(Side from, const uint8_t* header, uint64_t frame) {
  DirectionState& d = state(from);
  const uint8_t type = header[0];
  const size_t length = load_be16(header + 3);
  // struct { ContentType type; ProtocolVersion legacy_record_version; uint16 length; opaque fragment[length]; } TLSPlaintext;
  if (type < record_change_cipher_spec || type > record_heartbeat || header[1] != 3) {
    violation(from, "not a TLS record (type " + std::to_string(type) + ", version 0x" +
                        std::to_string(header[1]) + std::to_string(header[2]) + ") at frame " + std::to_string(frame));
    return false;
  }
  if (length > kMaxRecordLength) {
    violation(from, "record of " + std::to_string(length) + " bytes exceeds 2^14+2048 at frame " + std::to_string(frame));
    return false;
  }
  connection_.is_tls = true;
  if (type == record_application_data || type == record_heartbeat) {
    if (type == record_heartbeat && !heartbeat_noted_) {
      note(side_name(from) + ": heartbeat record at frame " + std::to_string(frame));
      heartbeat_noted_ = true;
    }
    if (type == record_application_data) {
      connection_.application_data = true;
      if (!d.sent_application_data) add_message({from, 256 + record_application_data, frame, false});
      d.sent_application_data = true;
      if (server_hello_seen_) {
        // TLS 1.3: the client's first encrypted record after the server's ones is its Finished.
        if (from == Side::client || client_.application_data_after_hello) d.application_data_after_hello = true;
      }
    }
    d.skip_body = length;  // opaque to us: pass over without copying
  }
  return true;
}

void TlsStream::on_record(Side from, uint8_t type, std::span<const uint8_t> body, uint64_t frame) {
  DirectionState& d = state(from);
  switch (type) {
    case record_change_cipher_spec: {
      add_message({from, 256 + record_change_cipher_spec, frame, false});
      (from == Side::client ? connection_.change_cipher_spec_client : connection_.change_cipher_spec_server) = true;
      // TLS 1.3 sends CCS only for middlebox compatibility (a client offering 1.3
      // may send it before any ServerHello); it does not switch the record layer.
      const bool switches = !tls13_ && (from == Side::server || server_hello_seen_ || !client_offered_tls13());
      if (switches && !decrypted_transcript_) d.encrypted = true;
      if (!d.handshake.empty()) note(side_name(from) + ": ChangeCipherSpec inside a handshake message");
      return;
    }
    case record_alert:
      on_alert(from, body, frame);
      return;
    case record_handshake:
      if (d.encrypted) {
        add_message({from, 0, frame, true});
        return;
      }
      d.saw_handshake = true;
      on_handshake_bytes(from, body, frame);
      return;
    default:
      return;
  }
}

bool TlsStream::client_offered_tls13() const {
  const auto& offered = connection_.offered_versions;
  return std::any_of(offered.begin(), offered.end(), [](uint16_t v) { return is_tls13(v); });
}

void TlsStream::on_alert(Side from, std::span<const uint8_t> body, uint64_t frame) {
  const DirectionState& d = state(from);
  auto add_alert = [&](AlertRecord alert) {
    if (connection_.alerts.size() < limits_.max_messages) connection_.alerts.push_back(alert);
  };
  // Mid-stream we cannot know whether the record layer is encrypted; a clear
  // alert record is (almost always) exactly two bytes.
  const bool unknown_state = d.mid_stream && !d.saw_handshake && body.size() != 2;
  if (d.encrypted || unknown_state) {
    add_alert({from, 0, std::nullopt, frame});
    return;
  }
  // struct { AlertLevel level; AlertDescription description; } Alert;
  ByteCursor cursor(body);
  uint8_t level = 0, description = 0;
  while (cursor.read_u8(level) && cursor.read_u8(description)) {
    add_alert({from, level, description, frame});
    if (level == 2 && !(connection_.change_cipher_spec_client && connection_.change_cipher_spec_server)) {
      fatal_alert_before_ccs_ = true;
    }
  }
  if (!cursor.empty()) note(side_name(from) + ": alert record with an odd length at frame " + std::to_string(frame));
}

void TlsStream::on_handshake_bytes(Side from, std::span<const uint8_t> body, uint64_t frame) {
  DirectionState& d = state(from);
  if (d.handshake.empty()) {
    const size_t used = parse_messages(from, body, frame);
    if (d.mode != Mode::records) return;
    d.handshake.assign(body.begin() + static_cast<ptrdiff_t>(used), body.end());
    return;
  }
  d.handshake.insert(d.handshake.end(), body.begin(), body.end());
  const size_t used = parse_messages(from, d.handshake, frame);
  if (d.mode != Mode::records) return;
  d.handshake.erase(d.handshake.begin(), d.handshake.begin() + static_cast<ptrdiff_t>(used));
}

size_t TlsStream::parse_messages(Side from, std::span<const uint8_t> bytes, uint64_t frame) {
  size_t used = 0;
  while (state(from).mode == Mode::records) {
    // struct { HandshakeType msg_type; uint24 length; opaque body[length]; } Handshake;
    ByteCursor cursor(bytes.subspan(used));
    uint8_t type = 0;
    uint32_t length = 0;
    if (!cursor.read_u8(type) || !cursor.read_u24(length)) break;
    if (length > limits_.max_handshake_message) {
      violation(from, message_name(type) + " of " + std::to_string(length) + " bytes exceeds the " +
                          std::to_string(limits_.max_handshake_message) + "-byte cap at frame " + std::to_string(frame));
      break;
    }
    std::span<const uint8_t> body;
    if (!cursor.read_bytes(length, body)) break;
    on_message(from, type, body, frame);
    used += 4 + length;
  }
  return used;
}

void TlsStream::on_message(Side from, uint8_t type, std::span<const uint8_t> body, uint64_t frame) {
  add_message({from, type, frame, false});
  bool ok = true;
  const uint16_t version = connection_.version.value_or(0x0303);
  switch (type) {
    case hs::client_hello:
      if (from != Side::client) {
        note("server sent a ClientHello at frame " + std::to_string(frame));
      } else if (!client_hello_seen_) {
        ok = parse_client_hello(ByteCursor(body), connection_);
        client_hello_seen_ = ok;
      } else {
        // The second ClientHello after a HelloRetryRequest: checked, the first offer is kept.
        Connection scratch;
        ok = parse_client_hello(ByteCursor(body), scratch);
      }
      break;
    case hs::server_hello: {
      if (from != Side::server) {
        note("client sent a ServerHello at frame " + std::to_string(frame));
        break;
      }
      bool retry = false;
      ok = parse_server_hello(ByteCursor(body), connection_, retry);
      if (ok && connection_.version && is_tls13(*connection_.version)) tls13_ = true;
      if (ok && !retry) server_hello_seen_ = true;
      break;
    }
    case hs::certificate:
      ok = parse_certificate(ByteCursor(body), version, from, connection_);
      break;
    case hs::certificate_request:
      if (from == Side::server) ok = parse_certificate_request(ByteCursor(body), version, connection_);
      break;
    default:
      break;
  }
  if (!ok) violation(from, "malformed " + message_name(type) + " at frame " + std::to_string(frame));
}

void TlsStream::lost(Side from, uint64_t bytes) {
  DirectionState& d = state(from);
  connection_.incomplete = true;
  lost_bytes_ += bytes;
  note(side_name(from) + ": lost " + std::to_string(bytes) + " bytes");
  if (d.mode != Mode::stopped) {
    d.mode = Mode::stopped;
    d.pending = {};
    d.handshake = {};
  }
}

void TlsStream::reset() {
  // Kept only up to a record or a typical handshake message: a reused stream
  // must not pin a rare huge buffer.
  constexpr size_t kKeptBufferCapacity = 5 + kMaxRecordLength;
  auto take_buffers = [](DirectionState& from, DirectionState& to) {
    for (auto member : {&DirectionState::probe, &DirectionState::pending, &DirectionState::handshake}) {
      std::vector<uint8_t>& buffer = from.*member;
      if (buffer.capacity() > kKeptBufferCapacity) continue;
      buffer.clear();
      (to.*member).swap(buffer);
    }
  };
  TlsStream fresh(limits_);
  take_buffers(client_, fresh.client_);
  take_buffers(server_, fresh.server_);
  *this = std::move(fresh);
}

void TlsStream::finish() {
  for (Side side : {Side::client, Side::server}) {
    DirectionState& d = state(side);
    if (d.mode == Mode::records && (!d.pending.empty() || !d.handshake.empty())) {
      note(side_name(side) + ": connection ended inside a record or handshake message");
    }
    if (d.mode == Mode::records && d.skip_body > 0) note(side_name(side) + ": connection ended inside a record");
  }
  if (tls13_) {
    connection_.established = server_hello_seen_ && client_.application_data_after_hello &&
                              server_.application_data_after_hello && !fatal_alert_before_ccs_;
  } else {
    const bool both_ccs = connection_.change_cipher_spec_client && connection_.change_cipher_spec_server;
    const bool both_data = client_.sent_application_data && server_.sent_application_data;
    connection_.established = (both_ccs || both_data) && !fatal_alert_before_ccs_;
  }
}

}  // namespace tc::wire
