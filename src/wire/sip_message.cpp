#include "wire/sip_message.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>

#include "model/text.h"

#ifndef TRUNKCHECK_VERSION
#define TRUNKCHECK_VERSION "unknown"
#endif

namespace tc::wire {
namespace {

constexpr std::string_view kMagicCookie = "z9hG4bK";  // RFC 3261 §8.1.1.7

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }
bool is_wsp(char c) { return c == ' ' || c == '\t'; }
// Bytes no header line may hold: C0 controls other than HTAB, and DEL.
bool is_control(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return (byte < 0x20 && c != '\t') || byte == 0x7f;
}
bool has_control(std::string_view text) { return std::any_of(text.begin(), text.end(), is_control); }

// token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" )
bool is_token_char(char c) {
  return is_alnum(c) || std::string_view("-.!%*_+`'~").find(c) != std::string_view::npos;
}
bool is_token(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), is_token_char);
}

// word = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" / "(" / ")" / "<" / ">" /
//           ":" / "\" / DQUOTE / "/" / "[" / "]" / "?" / "{" / "}" )
bool is_word_char(char c) {
  return is_token_char(c) || std::string_view("()<>:\\\"/[]?{}").find(c) != std::string_view::npos;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_wsp(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_wsp(text.back())) text.remove_suffix(1);
  return text;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// A peer's bytes inside an error message: at most 40, anything but printable ASCII escaped.
std::string quoted(std::string_view text) {
  constexpr size_t kMax = 40;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (size_t i = 0; i < text.size() && i < kMax; ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x20 || byte >= 0x7f || byte == '"' || byte == '\\') {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0f];
    } else {
      out += static_cast<char>(byte);
    }
  }
  if (text.size() > kMax) out += "...";
  return out + "\"";
}

// SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT   ("SIP" case-insensitive, RFC 3261 §7.1)
bool is_sip_version(std::string_view text) {
  if (text.size() < 7 || !equals_ignoring_case(text.substr(0, 4), "SIP/")) return false;
  text.remove_prefix(4);
  const size_t dot = text.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == text.size()) return false;
  auto digits = [](std::string_view part) { return std::all_of(part.begin(), part.end(), is_digit); };
  return digits(text.substr(0, dot)) && digits(text.substr(dot + 1));
}

// scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then ":" (RFC 3261 §25.1, absoluteURI)
bool has_scheme(std::string_view uri) {
  const size_t colon = uri.find(':');
  if (colon == std::string_view::npos || colon == 0 || !is_alpha(uri[0])) return false;
  return std::all_of(uri.begin(), uri.begin() + static_cast<std::ptrdiff_t>(colon),
                     [](char c) { return is_alnum(c) || c == '+' || c == '-' || c == '.'; });
}

// A URI we put between < and > ourselves: a scheme, nothing that could end the name-addr or the line.
bool fits_name_addr(std::string_view uri) {
  return has_scheme(uri) && std::none_of(uri.begin(), uri.end(), [](char c) {
           const auto byte = static_cast<unsigned char>(c);
           return byte <= 0x20 || byte >= 0x7f || c == '<' || c == '>' || c == '"';
         });
}

// --- Framing -------------------------------------------------------------

enum class HeadScan { found, need_more, too_long, bad };

// Looks for the CRLF CRLF that ends the header section of `text` (which begins
// at a start line), within its first `limit` bytes, resuming at `from`. Every
// line must end in CRLF: a bare CR or LF is an error here rather than a silent
// "header section too long" later.
HeadScan scan_head(std::string_view text, size_t& from, size_t limit, size_t& head_length,
                   std::string& error) {
  // Only the first `limit` bytes count, so the answer does not depend on how the stream was split.
  const std::string_view window = text.substr(0, limit);
  size_t i = from;
  for (; i < window.size(); ++i) {
    const char c = window[i];
    if (c == '\r') {
      if (i + 1 == window.size()) break;  // its LF has not arrived yet
      if (window[i + 1] != '\n') {
        error = "CR not followed by LF in the header section";
        return HeadScan::bad;
      }
    } else if (c == '\n') {
      if (i == 0 || window[i - 1] != '\r') {
        error = "bare LF in the header section (SIP lines end in CRLF)";
        return HeadScan::bad;
      }
      if (i >= 3 && window[i - 2] == '\n' && window[i - 3] == '\r') {
        head_length = i + 1;
        return HeadScan::found;
      }
    }
  }
  from = i;
  return text.size() >= limit ? HeadScan::too_long : HeadScan::need_more;
}

std::string too_long_message(const SipLimits& limits) {
  return "header section exceeds " + std::to_string(limits.max_header_bytes) + " bytes";
}

// start-line   = Request-Line / Status-Line
// Request-Line = Method SP Request-URI SP SIP-Version CRLF
// Status-Line  = SIP-Version SP Status-Code SP Reason-Phrase CRLF
// Status-Code  = 3DIGIT  (100-699, RFC 3261 §21)
bool parse_start_line(std::string_view line, SipMessage& message, std::string& error) {
  if (line.size() >= 4 && equals_ignoring_case(line.substr(0, 4), "SIP/")) {
    const size_t space = line.find(' ');
    const std::string_view version = line.substr(0, space);
    std::string_view rest = space == std::string_view::npos ? std::string_view{} : line.substr(space + 1);
    // A missing reason phrase ("SIP/2.0 200") is tolerated: nothing depends on it.
    if (!is_sip_version(version) || rest.size() < 3 ||
        !std::all_of(rest.begin(), rest.begin() + 3, is_digit) || (rest.size() > 3 && rest[3] != ' ')) {
      error = "malformed status line " + quoted(line);
      return false;
    }
    const int status = (rest[0] - '0') * 100 + (rest[1] - '0') * 10 + (rest[2] - '0');
    if (status < 100 || status > 699) {
      error = "status code " + std::string(rest.substr(0, 3)) + " outside 100-699";
      return false;
    }
    message.is_request = false;
    message.version = version;
    message.status = status;
    message.reason = rest.size() > 3 ? rest.substr(4) : std::string_view{};
    return true;
  }
  const size_t first = line.find(' ');
  const size_t last = line.rfind(' ');
  if (first == std::string_view::npos || first == last) {
    error = "malformed request line " + quoted(line);
    return false;
  }
  const std::string_view method = line.substr(0, first);
  const std::string_view uri = line.substr(first + 1, last - first - 1);
  const std::string_view version = line.substr(last + 1);
  if (!is_token(method) || !is_sip_version(version) || uri.find_first_of(" \t") != std::string_view::npos ||
      !has_scheme(uri)) {
    error = "malformed request line " + quoted(line);
    return false;
  }
  message.is_request = true;
  message.method = method;
  message.request_uri = uri;
  message.version = version;
  return true;
}

// Content-Length = ( "Content-Length" / "l" ) HCOLON 1*DIGIT
// Several rows must agree: two different lengths make the framing ambiguous.
bool read_content_length(const SipMessage& message, const SipLimits& limits, std::optional<size_t>& length,
                         std::string& error) {
  for (const std::string& value : message.all("Content-Length")) {
    if (value.empty() || !std::all_of(value.begin(), value.end(), is_digit)) {
      error = "malformed Content-Length " + quoted(value);
      return false;
    }
    size_t parsed = 0;
    for (char digit : value) {
      parsed = parsed * 10 + static_cast<size_t>(digit - '0');
      if (parsed > limits.max_body) {
        error = "Content-Length " + quoted(value) + " exceeds the " + std::to_string(limits.max_body) +
                "-byte body limit";
        return false;
      }
    }
    if (length && *length != parsed) {
      error = "conflicting Content-Length values";
      return false;
    }
    length = parsed;
  }
  return true;
}

// generic-message  = start-line *message-header CRLF [ message-body ]
// extension-header = header-name HCOLON header-value
// header-name      = token
// header-value     = *(TEXT-UTF8char / UTF8-CONT / LWS)
// HCOLON           = *( SP / HTAB ) ":" SWS
// LWS              = [*WSP CRLF] 1*WSP
// A line starting with SP or HTAB continues the previous header (LWS holds a
// CRLF: RFC 3261 §7.3.1 folding); it is joined with one SP. `head` runs
// through the empty line, every line ending in CRLF (scan_head checked).
bool parse_head(std::string_view head, const SipLimits& limits, SipMessage& message,
                std::optional<size_t>& content_length, std::string& error) {
  std::string_view rest = head.substr(0, head.size() - 2);
  auto next_line = [&rest] {
    const size_t end = rest.find("\r\n");
    const std::string_view line = rest.substr(0, end);
    rest.remove_prefix(end + 2);
    return line;
  };
  const std::string_view start_line = next_line();
  if (has_control(start_line)) {
    error = "control character in the start line " + quoted(start_line);
    return false;
  }
  if (!parse_start_line(start_line, message, error)) return false;
  while (!rest.empty()) {
    const std::string_view line = next_line();
    if (line.empty()) continue;  // not reached: scan_head stopped at the first empty line
    if (has_control(line)) {
      error = "control character in header line " + quoted(line);
      return false;
    }
    if (is_wsp(line.front())) {
      if (message.headers.empty()) {
        error = "continuation line before any header " + quoted(line);
        return false;
      }
      const std::string_view more = trim(line);
      std::string& value = message.headers.back().second;
      if (!more.empty()) value += value.empty() ? std::string(more) : " " + std::string(more);
      continue;
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      error = "header line without a colon " + quoted(line);
      return false;
    }
    const std::string_view name = trim(line.substr(0, colon));
    if (!is_token(name)) {
      error = "malformed header name " + quoted(line);
      return false;
    }
    if (message.headers.size() >= limits.max_headers) {
      error = "more than " + std::to_string(limits.max_headers) + " header fields";
      return false;
    }
    message.headers.emplace_back(name, trim(line.substr(colon + 1)));
  }
  return read_content_length(message, limits, content_length, error);
}

// --- Header values ----------------------------------------------------------

// The end of the list element starting at `from`: the next comma outside a
// quoted string and outside <…>, or the end of `value`.
size_t element_end(std::string_view value, size_t from) {
  bool in_quotes = false, in_angle = false;
  for (size_t i = from; i < value.size(); ++i) {
    const char c = value[i];
    if (in_quotes) {
      if (c == '\\') {
        ++i;  // quoted-pair
      } else if (c == '"') {
        in_quotes = false;
      }
    } else if (c == '"') {
      in_quotes = true;
    } else if (c == '<') {
      in_angle = true;
    } else if (c == '>') {
      in_angle = false;
    } else if (c == ',' && !in_angle) {
      return i;
    }
  }
  return value.size();
}

// Where the URI of a name-addr / addr-spec element lies, and where its header parameters start.
struct AddressParts {
  std::string_view uri;
  std::string_view params;  // from the first ';' after the address, or empty
};

// name-addr    = [ display-name ] LAQUOT addr-spec RAQUOT
// display-name = *(token LWS) / quoted-string
// addr-spec    = SIP-URI / SIPS-URI / absoluteURI
// In the addr-spec form a ';' starts the header parameters (RFC 3261 §20:
// a URI with ';', ',' or '?' must then be enclosed in angle brackets).
std::optional<AddressParts> split_address(std::string_view value) {
  std::string_view element = trim(value.substr(0, element_end(value, 0)));
  size_t i = 0;
  if (!element.empty() && element[0] == '"') {
    for (i = 1; i < element.size() && element[i] != '"'; ++i) {
      if (element[i] == '\\') ++i;
    }
    if (i >= element.size()) return std::nullopt;  // unterminated quoted-string
    ++i;
  }
  AddressParts parts;
  const size_t open = element.find('<', i);
  if (open != std::string_view::npos) {
    const size_t close = element.find('>', open);
    if (close == std::string_view::npos) return std::nullopt;
    parts.uri = element.substr(open + 1, close - open - 1);
    const std::string_view after = trim(element.substr(close + 1));
    if (!after.empty() && after[0] != ';') return std::nullopt;
    parts.params = after;
  } else {
    if (i != 0) return std::nullopt;  // a quoted display name without <addr-spec>
    const size_t end = element.find_first_of("; \t");
    parts.uri = element.substr(0, end);
    if (end != std::string_view::npos) {
      const std::string_view after = trim(element.substr(end));
      if (!after.empty() && after[0] != ';') return std::nullopt;
      parts.params = after;
    }
  }
  if (!has_scheme(parts.uri)) return std::nullopt;
  return parts;
}

// --- URIs -----------------------------------------------------------------

// IPv4address = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT  (dotted decimal, each ≤ 255, no leading
// zeros)
bool is_ipv4(std::string_view host) {
  for (int part = 0; part < 4; ++part) {
    const size_t dot = part < 3 ? host.find('.') : host.size();
    if (dot == std::string_view::npos) return false;
    const std::string_view octet = host.substr(0, dot);
    if (octet.empty() || octet.size() > 3 || !std::all_of(octet.begin(), octet.end(), is_digit) ||
        (octet.size() > 1 && octet[0] == '0') || std::stoi(std::string(octet)) > 255) {
      return false;
    }
    host.remove_prefix(part < 3 ? dot + 1 : dot);
  }
  return host.empty();
}

bool is_ipv6(std::string_view host) {
  std::array<unsigned char, 16> address{};
  return !host.empty() && host.size() < 64 &&
         inet_pton(AF_INET6, std::string(host).c_str(), address.data()) == 1;
}

// hostname    = *( domainlabel "." ) toplabel [ "." ]
// domainlabel = alphanum / alphanum *( alphanum / "-" ) alphanum
// toplabel    = ALPHA / ALPHA *( alphanum / "-" ) alphanum
bool is_hostname(std::string_view host) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  if (host.empty()) return false;
  std::string_view label;
  while (!host.empty()) {
    const size_t dot = host.find('.');
    label = host.substr(0, dot);
    if (label.empty() || !is_alnum(label.front()) || !is_alnum(label.back()) ||
        !std::all_of(label.begin(), label.end(), [](char c) { return is_alnum(c) || c == '-'; })) {
      return false;
    }
    host.remove_prefix(dot == std::string_view::npos ? host.size() : dot + 1);
  }
  return is_alpha(label.front());
}

std::optional<SipHostKind> host_kind(std::string_view host) {
  if (is_ipv4(host)) return SipHostKind::ipv4;
  if (is_hostname(host)) return SipHostKind::name;
  if (is_ipv6(host)) return SipHostKind::ipv6;
  return std::nullopt;
}

}  // namespace

// --- SipMessage -------------------------------------------------------------

// Compact forms: RFC 3261 §7.3.3 (c e f i k l m s t v), RFC 3841 (a d j), RFC 3892 (b), RFC 6665 (o u),
// RFC 3515 (r), RFC 4028 (x), RFC 8224 (y).
constexpr std::array<std::pair<char, std::string_view>, 19> kCompactNames = {{
    {'a', "Accept-Contact"},
    {'b', "Referred-By"},
    {'c', "Content-Type"},
    {'d', "Request-Disposition"},
    {'e', "Content-Encoding"},
    {'f', "From"},
    {'i', "Call-ID"},
    {'j', "Reject-Contact"},
    {'k', "Supported"},
    {'l', "Content-Length"},
    {'m', "Contact"},
    {'o', "Event"},
    {'r', "Refer-To"},
    {'s', "Subject"},
    {'t', "To"},
    {'u', "Allow-Events"},
    {'v', "Via"},
    {'x', "Session-Expires"},
    {'y', "Identity"},
}};

std::string_view canonical_header_name(std::string_view name) {
  if (name.size() != 1) return name;
  for (const auto& [letter, long_name] : kCompactNames) {
    if (same_letter_ignoring_case(name[0], letter)) return long_name;
  }
  return name;
}

std::optional<std::string> SipMessage::header(std::string_view name) const {
  const std::string_view wanted = canonical_header_name(name);
  for (const auto& [header_name, value] : headers) {
    if (equals_ignoring_case(canonical_header_name(header_name), wanted)) return value;
  }
  return std::nullopt;
}

std::vector<std::string> SipMessage::all(std::string_view name) const {
  const std::string_view wanted = canonical_header_name(name);
  std::vector<std::string> out;
  for (const auto& [header_name, value] : headers) {
    if (equals_ignoring_case(canonical_header_name(header_name), wanted)) out.push_back(value);
  }
  return out;
}

std::optional<SipMessage> parse_sip_message(std::string_view text, std::string* error,
                                            const SipLimits& limits) {
  auto failure = [error](std::string why) {
    if (error != nullptr) *error = std::move(why);
    return std::nullopt;
  };
  while (text.starts_with("\r\n")) text.remove_prefix(2);
  if (text.empty()) return failure("empty message");
  std::string why;
  size_t from = 0, head = 0;
  switch (scan_head(text, from, limits.max_header_bytes, head, why)) {
    case HeadScan::need_more:
      return failure("the header section does not end with an empty line");
    case HeadScan::too_long:
      return failure(too_long_message(limits));
    case HeadScan::bad:
      return failure(why);
    case HeadScan::found:
      break;
  }
  SipMessage message;
  std::optional<size_t> content_length;
  if (!parse_head(text.substr(0, head), limits, message, content_length, why)) return failure(why);
  const std::string_view body = text.substr(head);
  if (content_length && body.size() < *content_length) {
    return failure("body has " + std::to_string(body.size()) + " bytes, Content-Length says " +
                   std::to_string(*content_length));
  }
  if (content_length && body.size() > *content_length) {
    return failure(std::to_string(body.size() - *content_length) + " bytes after the body (Content-Length " +
                   std::to_string(*content_length) + ")");
  }
  if (body.size() > limits.max_body) {
    return failure("body exceeds the " + std::to_string(limits.max_body) + "-byte limit");
  }
  message.body = body;
  return message;
}

// --- SipStreamReader ----------------------------------------------------------

void SipStreamReader::feed(std::span<const uint8_t> bytes) {
  // One message's worth at most: process() pops a complete message or fails
  // before the buffer reaches this, so there is always room for more.
  const size_t capacity = limits_.max_header_bytes + limits_.max_body;
  while (!bytes.empty() && !failed()) {
    const size_t room = capacity > buffer_.size() ? capacity - buffer_.size() : 0;
    const size_t n = std::min(room, bytes.size());
    if (n == 0) return fail("the limits leave no room for a message");
    buffer_.append(reinterpret_cast<const char*>(bytes.data()), n);
    bytes = bytes.subspan(n);
    process();
  }
}

void SipStreamReader::process() {
  while (!failed()) {
    if (head_length_ == 0) {
      // CRLF keep-alives between messages (RFC 3261 §7.5, RFC 5626 §3.5.1).
      size_t skip = 0;
      while (buffer_.size() - skip >= 2 && buffer_[skip] == '\r' && buffer_[skip + 1] == '\n') {
        skip += 2;
        ++keepalive_crlfs_;
      }
      if (skip > 0) buffer_.erase(0, skip);
      if (buffer_.empty()) return;
      std::string why;
      size_t head = 0;
      switch (scan_head(buffer_, scan_from_, limits_.max_header_bytes, head, why)) {
        case HeadScan::need_more:
          return;
        case HeadScan::too_long:
          return fail(too_long_message(limits_));
        case HeadScan::bad:
          return fail(why);
        case HeadScan::found:
          break;
      }
      SipMessage message;
      std::optional<size_t> content_length;
      if (!parse_head(std::string_view(buffer_).substr(0, head), limits_, message, content_length, why)) {
        return fail(why);
      }
      if (!content_length) {
        return fail("no Content-Length header (required on stream transports, RFC 3261 §18.3)");
      }
      current_ = std::move(message);
      head_length_ = head;
      body_length_ = *content_length;
    }
    if (buffer_.size() < head_length_ + body_length_) return;
    current_.body = buffer_.substr(head_length_, body_length_);
    ready_.push_back(std::move(current_));
    current_ = SipMessage{};
    buffer_.erase(0, head_length_ + body_length_);
    head_length_ = body_length_ = scan_from_ = 0;
  }
}

void SipStreamReader::fail(std::string text) {
  error_ = std::move(text);
  buffer_ = std::string{};  // release it: nothing more will be read
  current_ = SipMessage{};
}

std::optional<SipMessage> SipStreamReader::next() {
  if (ready_.empty()) return std::nullopt;
  SipMessage message = std::move(ready_.front());
  ready_.pop_front();
  return message;
}

// --- Header values ------------------------------------------------------------

std::vector<std::string> split_header_list(std::string_view value) {
  std::vector<std::string> out;
  size_t from = 0;
  while (from <= value.size()) {
    const size_t end = element_end(value, from);
    const std::string_view element = trim(value.substr(from, end - from));
    if (!element.empty()) out.emplace_back(element);
    from = end + 1;
  }
  return out;
}

std::optional<std::string> header_uri(std::string_view value) {
  std::optional<AddressParts> parts = split_address(value);
  if (!parts) return std::nullopt;
  return std::string(parts->uri);
}

// SEMI = SWS ";" SWS; generic-param = token [ EQUAL gen-value ]; gen-value = token / host / quoted-string
std::optional<std::string> header_param(std::string_view value, std::string_view name) {
  std::optional<AddressParts> parts = split_address(value);
  if (!parts) return std::nullopt;
  std::string_view params = parts->params;
  while (!params.empty()) {
    params.remove_prefix(1);  // the ';'
    size_t end = 0;
    bool in_quotes = false;
    for (; end < params.size() && (in_quotes || params[end] != ';'); ++end) {
      if (params[end] == '"') {
        in_quotes = !in_quotes;
      } else if (in_quotes && params[end] == '\\') {
        ++end;  // quoted-pair
      }
    }
    end = std::min(end, params.size());
    const std::string_view param = params.substr(0, end);
    const size_t equals = param.find('=');
    if (equals_ignoring_case(trim(param.substr(0, equals)), name)) {
      return equals == std::string_view::npos ? std::string{} : std::string(trim(param.substr(equals + 1)));
    }
    params.remove_prefix(end);
  }
  return std::nullopt;
}

// --- SIP URIs -------------------------------------------------------------------

// SIP-URI        = "sip:" [ userinfo ] hostport uri-parameters [ headers ]
// SIPS-URI       = "sips:" [ userinfo ] hostport uri-parameters [ headers ]
// userinfo       = ( user / telephone-subscriber ) [ ":" password ] "@"
// hostport       = host [ ":" port ]
// host           = hostname / IPv4address / IPv6reference
// IPv6reference  = "[" IPv6address "]"
// uri-parameters = *( ";" uri-parameter )
// uri-parameter  = transport-param / user-param / method-param / ttl-param / maddr-param / lr-param /
// other-param transport-param = "transport=" ( "udp" / "tcp" / "sctp" / "tls" / other-transport ) headers =
// "?" header *( "&" header )
std::optional<SipUri> parse_sip_uri(std::string_view text) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  SipUri uri;
  uri.scheme = lower(text.substr(0, colon));
  if (uri.scheme != "sip" && uri.scheme != "sips") return std::nullopt;
  std::string_view rest = text.substr(colon + 1);
  // Whitespace, controls and raw non-ASCII never appear in a URI (they are escaped).
  if (std::any_of(rest.begin(), rest.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte <= 0x20 || byte >= 0x7f;
      })) {
    return std::nullopt;
  }
  // '@' appears unescaped only after userinfo, which may itself hold ';' and '?'.
  if (const size_t at = rest.find('@'); at != std::string_view::npos) {
    const std::string_view userinfo = rest.substr(0, at);
    const std::string_view user = userinfo.substr(0, userinfo.find(':'));
    if (user.empty()) return std::nullopt;
    uri.user = user;
    rest.remove_prefix(at + 1);
  }
  if (!rest.empty() && rest[0] == '[') {
    const size_t close = rest.find(']');
    if (close == std::string_view::npos || !is_ipv6(rest.substr(1, close - 1))) return std::nullopt;
    uri.host = rest.substr(1, close - 1);
    uri.host_kind = SipHostKind::ipv6;
    rest.remove_prefix(close + 1);
  } else {
    const size_t end = std::min(rest.find_first_of(":;?"), rest.size());
    const std::string_view host = rest.substr(0, end);
    // (A bare IPv6 address cannot get here: its first ':' ends the host.)
    const std::optional<SipHostKind> kind = host_kind(host);
    if (!kind) return std::nullopt;
    uri.host = host;
    uri.host_kind = *kind;
    rest.remove_prefix(end);
  }
  if (!rest.empty() && rest[0] == ':') {
    // port = 1*DIGIT
    rest.remove_prefix(1);
    const size_t end = std::min(rest.find_first_of(";?"), rest.size());
    const std::string_view digits = rest.substr(0, end);
    if (digits.empty() || digits.size() > 5 || !std::all_of(digits.begin(), digits.end(), is_digit)) {
      return std::nullopt;
    }
    const int port = std::stoi(std::string(digits));
    if (port > 65535) return std::nullopt;
    uri.port = static_cast<uint16_t>(port);
    rest.remove_prefix(end);
  }
  while (!rest.empty() && rest[0] == ';') {
    rest.remove_prefix(1);
    const size_t end = std::min(rest.find_first_of(";?"), rest.size());
    const std::string_view param = rest.substr(0, end);
    const size_t equals = param.find('=');
    const std::string_view name = param.substr(0, equals);
    const std::string_view value =
        equals == std::string_view::npos ? std::string_view{} : param.substr(equals + 1);
    if (name.empty()) return std::nullopt;
    if (equals_ignoring_case(name, "transport") && !uri.transport) {
      if (!is_token(value)) return std::nullopt;  // other-transport = token
      uri.transport = lower(value);
    }
    uri.params.emplace_back(name, value);
    rest.remove_prefix(end);
  }
  if (!rest.empty() && rest[0] != '?') return std::nullopt;
  return uri;
}

// --- Builders ---------------------------------------------------------------------

std::optional<std::string> build_options_request(const OptionsRequestSpec& spec, std::string* error) {
  auto failure = [error](std::string why) {
    if (error != nullptr) *error = "OPTIONS request: " + std::move(why);
    return std::nullopt;
  };
  const std::string& to_uri = spec.to_uri.empty() ? spec.request_uri : spec.to_uri;
  if (!fits_name_addr(spec.request_uri) || !parse_sip_uri(spec.request_uri)) {
    return failure("request URI " + quoted(spec.request_uri) + " is not a sip: or sips: URI");
  }
  if (!fits_name_addr(to_uri)) return failure("To URI " + quoted(to_uri) + " is not a URI");
  if (!fits_name_addr(spec.from_uri)) return failure("From URI " + quoted(spec.from_uri) + " is not a URI");
  if (!spec.contact_uri.empty() && !fits_name_addr(spec.contact_uri)) {
    return failure("Contact URI " + quoted(spec.contact_uri) + " is not a URI");
  }
  if (!is_token(spec.from_tag)) return failure("From tag " + quoted(spec.from_tag) + " is not a token");
  if (!is_token(spec.branch)) return failure("branch " + quoted(spec.branch) + " is not a token");
  if (!is_token(spec.via_transport)) {
    return failure("transport " + quoted(spec.via_transport) + " is not a token");
  }
  const std::optional<SipHostKind> via_kind = host_kind(spec.via_host);
  if (!via_kind) {
    return failure("Via host " + quoted(spec.via_host) + " is neither a host name nor an IP address");
  }
  // callid = word [ "@" word ]
  const size_t at = spec.call_id.find('@');
  auto is_word = [](std::string_view part) {
    return !part.empty() && std::all_of(part.begin(), part.end(), is_word_char);
  };
  if (!is_word(std::string_view(spec.call_id).substr(0, at)) ||
      (at != std::string::npos && !is_word(std::string_view(spec.call_id).substr(at + 1)))) {
    return failure("Call-ID " + quoted(spec.call_id) + " is not word [\"@\" word]");
  }
  if (spec.cseq >= (1u << 31)) return failure("CSeq " + std::to_string(spec.cseq) + " is not below 2^31");
  if (has_control(spec.user_agent)) return failure("User-Agent holds a control character");

  const std::string host = *via_kind == SipHostKind::ipv6 ? "[" + spec.via_host + "]" : spec.via_host;
  const std::string branch =
      spec.branch.starts_with(kMagicCookie) ? spec.branch : std::string(kMagicCookie) + spec.branch;
  std::string out;
  out += "OPTIONS " + spec.request_uri + " SIP/2.0\r\n";
  out += "Via: SIP/2.0/" + spec.via_transport + " " + host + ":" + std::to_string(spec.via_port) +
         ";branch=" + branch + "\r\n";
  out += "Max-Forwards: 70\r\n";
  out += "From: <" + spec.from_uri + ">;tag=" + spec.from_tag + "\r\n";
  out += "To: <" + to_uri + ">\r\n";
  out += "Call-ID: " + spec.call_id + "\r\n";
  out += "CSeq: " + std::to_string(spec.cseq) + " OPTIONS\r\n";
  if (!spec.contact_uri.empty()) out += "Contact: <" + spec.contact_uri + ">\r\n";
  out += "Accept: application/sdp\r\n";
  out += "User-Agent: " +
         (spec.user_agent.empty() ? std::string("trunkcheck/" TRUNKCHECK_VERSION) : spec.user_agent) + "\r\n";
  out += "Content-Length: 0\r\n\r\n";
  return out;
}

std::optional<std::string> build_response(const SipMessage& request, const ResponseSpec& spec,
                                          std::string* error) {
  auto failure = [error](std::string why) {
    if (error != nullptr) *error = "response: " + std::move(why);
    return std::nullopt;
  };
  if (!request.is_request) return failure("the message to answer is a response");
  if (request.method == "ACK") return failure("an ACK is never answered (RFC 3261 §17.1.1.3)");
  if (spec.status < 100 || spec.status > 699) {
    return failure("status " + std::to_string(spec.status) + " outside 100-699");
  }
  if (has_control(spec.reason)) return failure("the reason phrase holds a control character");
  if (!spec.to_tag.empty() && !is_token(spec.to_tag)) {
    return failure("To tag " + quoted(spec.to_tag) + " is not a token");
  }
  if (has_control(spec.server)) return failure("Server holds a control character");
  for (const auto& [name, value] : spec.extra_headers) {
    if (!is_token(name) || has_control(value)) {
      return failure("extra header " + quoted(name) + " is malformed");
    }
    if (equals_ignoring_case(canonical_header_name(name), "Content-Length")) {
      return failure("Content-Length is always 0 and added last");
    }
  }
  const std::vector<std::string> vias = request.all("Via");
  if (vias.empty()) return failure("the request has no Via");
  std::string out = "SIP/2.0 " + std::to_string(spec.status) + " " + spec.reason + "\r\n";
  for (const std::string& via : vias) {
    if (has_control(via)) return failure("the request's Via holds a control character");
    out += "Via: " + via + "\r\n";
  }
  for (const char* name : {"From", "To", "Call-ID", "CSeq"}) {
    std::optional<std::string> value = request.header(name);
    if (!value) return failure("the request has no " + std::string(name));
    if (has_control(*value)) {
      return failure("the request's " + std::string(name) + " holds a control character");
    }
    if (std::string_view(name) == "To" && !spec.to_tag.empty() && !header_param(*value, "tag")) {
      *value += ";tag=" + spec.to_tag;
    }
    out += std::string(name) + ": " + *value + "\r\n";
  }
  if (!spec.server.empty()) out += "Server: " + spec.server + "\r\n";
  for (const auto& [name, value] : spec.extra_headers) out += name + ": " + value + "\r\n";
  out += "Content-Length: 0\r\n\r\n";
  return out;
}

}  // namespace tc::wire
