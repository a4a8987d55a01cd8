#include "sources/hello_attempt.h"

#include <algorithm>

#include "policy/alert_registry.h"
#include "sources/evidence_completer.h"
#include "wire/tls_handshake.h"
#include "wire/tls_stream.h"

namespace tc::sources {
namespace {

constexpr uint16_t kServerHelloDone = 14;
constexpr uint8_t kFatal = 2;
constexpr uint8_t kCloseNotify = 0;
// Fewer bytes than this cannot be judged (the stream needs a record header plus
// the first body byte).
constexpr size_t kJudgeableBytes = 6;
constexpr size_t kReadChunk = 16 * 1024;
constexpr size_t kPreviewBytes = 16;

bool server_sent(const Connection& connection, uint16_t type) {
  return std::any_of(connection.messages.begin(), connection.messages.end(),
                     [&](const MessageRecord& m) { return m.from == Side::server && m.type == type; });
}

// The alert that ends the handshake: a fatal one, or close_notify. Warnings
// such as unrecognized_name(112) precede a ServerHello on some servers.
const AlertRecord* ending_alert(const Connection& connection) {
  for (const AlertRecord& alert : connection.alerts) {
    if (alert.from != Side::server || !alert.description) continue;
    if (alert.level == kFatal || *alert.description == kCloseNotify) return &alert;
  }
  return nullptr;
}

// What the peer sent instead of TLS, for the error text: the parser's note,
// else the first bytes ("SIP/2.0 400 Bad" tells the user more than a hex dump).
std::string not_tls_reason(const Connection& connection, const std::vector<uint8_t>& first_bytes) {
  for (const std::string& note : connection.anomalies) {
    if (note.starts_with("server: ")) return note;
  }
  std::string text = "it sent \"";
  for (uint8_t byte : first_bytes) text += (byte >= 0x20 && byte < 0x7f) ? static_cast<char>(byte) : '.';
  return text + "\"";
}

// What the reason text of a failed attempt is made of.
struct ReasonFacts {
  const Connection& connection;
  const std::string& io_error;
  const std::vector<uint8_t>& preview;
  std::chrono::milliseconds timeout;
  bool capped;
  size_t received;
};

std::string reason_for(HelloOutcome outcome, const ReasonFacts& facts) {
  switch (outcome) {
    case HelloOutcome::alert: {
      const uint8_t description = *ending_alert(facts.connection)->description;
      return alert_name(description) + " alert (" + std::to_string(description) + ")";
    }
    case HelloOutcome::closed:
      return "closed without a ServerHello (" + facts.io_error + ")";
    case HelloOutcome::timeout:
      return "no ServerHello within " + std::to_string(facts.timeout.count()) + " ms";
    case HelloOutcome::not_tls:
      if (facts.capped) return "no ServerHello in the first " + std::to_string(facts.received) + " bytes";
      return "not TLS (" + not_tls_reason(facts.connection, facts.preview) + ")";
    case HelloOutcome::server_hello:
    case HelloOutcome::connect_failed:
      break;
  }
  return {};
}

// Reads until the answer is known; returns the outcome (nullopt: keep reading).
class AnswerJudge {
 public:
  AnswerJudge(wire::TlsStream& stream, bool read_server_flight)
      : stream_(stream), read_server_flight_(read_server_flight) {}

  std::optional<HelloOutcome> after_bytes(size_t received) const {
    const Connection& connection = stream_.connection();
    if (server_sent(connection, wire::hs::server_hello)) {
      const bool tls13 = connection.version && wire::is_tls13(*connection.version);
      if (!read_server_flight_ || tls13 || connection.hello_retry_request) return HelloOutcome::server_hello;
      const bool flight_over = server_sent(connection, kServerHelloDone) ||
                               ending_alert(connection) != nullptr || !stream_.wants_data(Side::server);
      return flight_over ? std::optional(HelloOutcome::server_hello) : std::nullopt;
    }
    if (ending_alert(connection)) return HelloOutcome::alert;
    if (received >= kJudgeableBytes && !stream_.found_record(Side::server)) return HelloOutcome::not_tls;
    if (!stream_.wants_data(Side::server)) return HelloOutcome::not_tls;  // a violation after a record
    return std::nullopt;
  }

  // The stream ended (`status` closed, timeout or error) before an answer.
  HelloOutcome at_end(IoStatus status, size_t received) const {
    if (auto decided = after_bytes(received)) return *decided;
    if (received > 0 && !stream_.found_record(Side::server)) return HelloOutcome::not_tls;
    return status == IoStatus::timeout ? HelloOutcome::timeout : HelloOutcome::closed;
  }

 private:
  wire::TlsStream& stream_;
  bool read_server_flight_;
};

}  // namespace

std::string_view to_string(HelloOutcome outcome) {
  switch (outcome) {
    case HelloOutcome::server_hello:
      return "server_hello";
    case HelloOutcome::alert:
      return "alert";
    case HelloOutcome::closed:
      return "closed";
    case HelloOutcome::timeout:
      return "timeout";
    case HelloOutcome::not_tls:
      return "not_tls";
    case HelloOutcome::connect_failed:
      return "connect_failed";
  }
  return "connect_failed";
}

HelloAttemptResult attempt_hello(const SocketAddress& address, const wire::ClientHelloSpec& spec,
                                 const HelloAttemptOptions& options) {
  const std::vector<uint8_t> hello = wire::build_client_hello(spec);
  return attempt_hello(address, hello, options);
}

HelloAttemptResult attempt_hello(const SocketAddress& address, std::span<const uint8_t> client_hello,
                                 const HelloAttemptOptions& options) {
  const auto start = SteadyClock::now();
  const Deadline deadline = start + options.timeout;
  HelloAttemptResult result;
  const std::string where = address.text();
  auto finish_elapsed = [&] {
    result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - start);
  };

  wire::TlsStream stream;
  stream.connection().server = where;
  // Our own hello first, so the Connection shows the offer even when the
  // server never answers.
  stream.feed(Side::client, client_hello, 1);

  std::string error;
  std::optional<Fd> socket = connect_tcp(address, deadline, error);
  if (!socket) {
    result.outcome = HelloOutcome::connect_failed;
    result.reason = error;  // connect_tcp names the address
    result.error = error;
    stream.finish();
    result.connection = std::move(stream.connection());
    finish_elapsed();
    return result;
  }
  if (auto local = local_address(socket->get())) stream.connection().client = local->text();
  if (auto peer = peer_address(socket->get())) stream.connection().server = peer->text();

  AnswerJudge judge(stream, options.read_server_flight);
  std::optional<HelloOutcome> outcome;
  std::string io_error;
  size_t received = 0;
  bool capped = false;
  IoStatus status = send_all(socket->get(), client_hello, deadline, io_error);
  if (status == IoStatus::error) status = IoStatus::closed;  // the peer went away mid-send
  std::vector<uint8_t> chunk, preview;
  uint64_t frame = 1;
  while (status == IoStatus::ok && !outcome) {
    if (received >= options.max_bytes) {
      capped = true;
      outcome = judge.after_bytes(received).value_or(HelloOutcome::not_tls);
      break;
    }
    chunk.clear();
    status = receive_some(socket->get(), chunk, std::min(kReadChunk, options.max_bytes - received), deadline,
                          io_error);
    if (status != IoStatus::ok) break;
    if (received < kPreviewBytes) {
      preview.insert(
          preview.end(), chunk.begin(),
          chunk.begin() + static_cast<ptrdiff_t>(std::min(chunk.size(), kPreviewBytes - received)));
    }
    received += chunk.size();
    stream.feed(Side::server, chunk, ++frame);
    outcome = judge.after_bytes(received);
  }
  if (!outcome) outcome = judge.at_end(status, received);
  socket->reset();  // close now: the server sees the end at once

  // Stopping after the ServerHello on purpose leaves later records half-read;
  // finish() would call that a truncated connection, so it runs only when
  // the server ended the exchange.
  const bool stopped_by_us = *outcome == HelloOutcome::server_hello && status == IoStatus::ok;
  if (!stopped_by_us) stream.finish();
  Connection& connection = stream.connection();
  if (!connection.ja3_text.empty()) connection.ja3 = md5_hex(connection.ja3_text);
  if (!connection.ja3s_text.empty()) connection.ja3s = md5_hex(connection.ja3s_text);

  result.outcome = *outcome;
  if (*outcome == HelloOutcome::server_hello) {
    result.version = connection.version;
    result.cipher = connection.cipher;
    result.hello_retry_request = connection.hello_retry_request;
  } else if (*outcome == HelloOutcome::alert) {
    result.alert = ending_alert(connection)->description;
  }
  result.reason =
      reason_for(*outcome, ReasonFacts{connection, io_error, preview, options.timeout, capped, received});
  if (!result.reason.empty()) result.error = where + ": " + result.reason;
  result.connection = std::move(connection);
  finish_elapsed();
  return result;
}

}  // namespace tc::sources
