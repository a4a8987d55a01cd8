#pragma once
// SIP messages (RFC 3261 §7) as the probe and the listener exchange them over
// TLS: a parser for one message, a framer for a stream of them, the few
// builders trunkcheck sends (OPTIONS and responses), and SIP URI / name-addr
// helpers.
//
// One error channel: parsing returns nullopt (or the reader fails) with one
// message saying why. Memory is bounded by SipLimits: a peer sending endless
// header lines or a huge Content-Length gets an error, never a growing buffer.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tc::wire {

using SipHeaders = std::vector<std::pair<std::string, std::string>>;

struct SipLimits {
  // Start line, header fields and the empty line that ends them.
  size_t max_header_bytes = 16 * 1024;
  size_t max_body = 64 * 1024;
  size_t max_headers = 128;
};

struct SipMessage {
  bool is_request = false;
  std::string method, request_uri;  // request line
  int status = 0;                   // status line
  std::string reason;
  std::string version;  // as sent, e.g. "SIP/2.0"
  SipHeaders headers;   // in order; names as sent; values trimmed, folded lines joined by one SP
  std::string body;

  // First value of the header, matched case-insensitively with compact forms
  // resolved ("v" finds "Via" and the other way round).
  std::optional<std::string> header(std::string_view name) const;
  // Every row of the header, in order. Rows are not split at commas (a Date
  // or WWW-Authenticate value holds commas); see split_header_list.
  std::vector<std::string> all(std::string_view name) const;

  bool operator==(const SipMessage&) const = default;
};

// The long form of a compact header name (RFC 3261 §7.3.3 and the RFCs that
// added letters later): "v" → "Via", "l" → "Content-Length" … Other names are
// returned unchanged.
std::string_view canonical_header_name(std::string_view name);

// Parses exactly one message (a datagram, a test fixture). CRLFs before the
// start line are skipped. Content-Length, when present, must match the bytes
// after the header section; when absent the body is the rest of `text`.
std::optional<SipMessage> parse_sip_message(std::string_view text, std::string* error = nullptr,
                                            const SipLimits& limits = {});

// Frames messages out of a TCP/TLS byte stream fed in chunks split anywhere.
// Messages on stream transports must carry Content-Length (RFC 3261 §18.3);
// CRLFs between messages (RFC 5626 §3.5.1 keep-alives) are skipped and
// counted. feed() parses eagerly: the bytes held for the message in progress
// never exceed max_header_bytes + max_body, and complete messages wait for
// next(). After an error the reader fails for good and ignores further bytes;
// messages completed before the error can still be popped.
class SipStreamReader {
 public:
  explicit SipStreamReader(SipLimits limits = {}) : limits_(limits) {}

  void feed(std::span<const uint8_t> bytes);
  void feed(std::string_view text) {
    feed(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
  }
  std::optional<SipMessage> next();

  [[nodiscard]] bool failed() const { return !error_.empty(); }
  [[nodiscard]] const std::string& error() const { return error_; }
  // CRLF pairs skipped between messages: a ping is two, a pong one (RFC 5626 §4.4.1).
  [[nodiscard]] uint64_t keepalive_crlfs() const { return keepalive_crlfs_; }
  // True while the bytes of an unfinished message are held (at the end of the
  // connection: the peer closed mid-message).
  [[nodiscard]] bool partial() const { return !buffer_.empty(); }

 private:
  void process();
  void fail(std::string text);

  SipLimits limits_;
  std::string buffer_;      // the message in progress, from its start line
  size_t scan_from_ = 0;    // where the search for the end of the header section resumes
  size_t head_length_ = 0;  // 0 until the header section is complete
  size_t body_length_ = 0;
  SipMessage current_;  // its start line and headers, once head_length_ != 0
  std::deque<SipMessage> ready_;
  uint64_t keepalive_crlfs_ = 0;
  std::string error_;
};

// --- Header values --------------------------------------------------------

// Splits a header value at the commas that separate list elements (outside
// quoted strings and <…>), trimmed; "a, <sip:b;x=1,2>" gives two elements.
std::vector<std::string> split_header_list(std::string_view value);
// The URI of a name-addr or addr-spec value (Contact, From, To, Route …):
// `"Alice" <sip:a@example.com>;tag=1` → "sip:a@example.com". Only the first
// element of a list; nullopt for "*" or a malformed value.
std::optional<std::string> header_uri(std::string_view value);
// A header parameter (after the name-addr / addr-spec), name matched
// case-insensitively: header_param(to, "tag"). Empty string for a parameter
// without a value; nullopt when absent.
std::optional<std::string> header_param(std::string_view value, std::string_view name);

// --- SIP URIs ---------------------------------------------------------------

enum class SipHostKind { name, ipv4, ipv6 };

struct SipUri {
  std::string scheme;  // "sip" or "sips", lower case
  std::string user;    // as sent (escapes kept); empty when absent; password dropped
  std::string host;    // as sent; an IPv6 reference without its brackets
  SipHostKind host_kind = SipHostKind::name;
  std::optional<uint16_t> port;
  std::optional<std::string> transport;  // the transport= parameter, lower case
  SipHeaders params;                     // every uri-parameter in order, as sent ("lr" has an empty value)

  [[nodiscard]] bool host_is_ip() const { return host_kind != SipHostKind::name; }
};

// sip: and sips: URIs only (scheme case-insensitive); nullopt when malformed.
std::optional<SipUri> parse_sip_uri(std::string_view text);

// --- Builders ---------------------------------------------------------------

struct OptionsRequestSpec {
  std::string request_uri;  // e.g. "sip:sbc.example.net:5061;transport=tls" (sip: or sips:)
  std::string to_uri;       // empty: the request URI
  std::string from_uri;     // e.g. "sip:trunkcheck@probe.example.org"
  std::string from_tag;
  std::string via_host;  // our sent-by host: name, IPv4 or IPv6 (brackets added)
  uint16_t via_port = 5061;
  std::string via_transport = "TLS";
  std::string branch;  // the magic cookie "z9hG4bK" (RFC 3261 §8.1.1.7) is prepended if missing
  std::string call_id;
  uint32_t cseq = 1;        // below 2^31 (RFC 3261 §8.1.1.5)
  std::string contact_uri;  // empty: no Contact
  std::string user_agent;   // empty: "trunkcheck/<version>"
};

// An OPTIONS request with Max-Forwards: 70 and Content-Length: 0. nullopt
// (and *error) when a field is missing or would break the message (CR, LF,
// a tag that is not a token …).
std::optional<std::string> build_options_request(const OptionsRequestSpec& spec,
                                                 std::string* error = nullptr);

struct ResponseSpec {
  int status = 200;
  std::string reason = "OK";
  // Added to To when the request's To has no tag (RFC 3261 §8.2.6.2); empty: none (e.g. 100 Trying).
  std::string to_tag;
  std::string server;        // Server header value; empty: none
  SipHeaders extra_headers;  // e.g. {"Allow", "INVITE, ACK, OPTIONS"}; not Content-Length
};

// A body-less response to `request`: its Via rows in order, From, To (with the
// tag), Call-ID and CSeq copied (RFC 3261 §8.2.6.2), then Server, the extra
// headers and Content-Length: 0. nullopt when the request lacks one of those
// headers or the spec would break the message.
std::optional<std::string> build_response(const SipMessage& request, const ResponseSpec& spec,
                                          std::string* error = nullptr);

}  // namespace tc::wire
