// Fuzzes the SIP stream reader, the single-message parser, the URI and
// name-addr helpers and the response builder. The input is the byte stream a
// peer would send; its first byte also picks the chunk size (1-64) it is fed
// in, so corpus files stay plain SIP text. Checks, beyond "no crash":
//  - fed in chunks or all at once, the reader yields the same messages, the
//    same error and the same keep-alive count (framing must not depend on
//    how TCP split the stream);
//  - a response built for any request the reader accepted parses back with
//    the same Via rows.
// The corpus in corpus/sip_message_fuzz/ holds messages in the styles of
// Kamailio, SIPp, Cisco CUBE and AudioCodes, compact and folded headers,
// pipelined messages with keep-alives, and edge cases (bare LF, a huge
// Content-Length, endless headers).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wire/sip_message.h"

namespace {

struct Outcome {
  std::vector<tc::wire::SipMessage> messages;
  std::string error;
  uint64_t keepalives = 0;
  bool partial = false;
  bool operator==(const Outcome&) const = default;
};

Outcome read_all(std::span<const uint8_t> input, size_t chunk, const tc::wire::SipLimits& limits) {
  tc::wire::SipStreamReader reader(limits);
  Outcome out;
  while (!input.empty()) {
    const size_t n = std::min(chunk, input.size());
    reader.feed(input.first(n));
    input = input.subspan(n);
    while (std::optional<tc::wire::SipMessage> message = reader.next()) {
      out.messages.push_back(std::move(*message));
    }
  }
  out.error = reader.error();
  out.keepalives = reader.keepalive_crlfs();
  out.partial = reader.partial();
  return out;
}

void exercise_values(const tc::wire::SipMessage& message) {
  if (message.is_request) (void)tc::wire::parse_sip_uri(message.request_uri);
  for (const auto& [name, value] : message.headers) {
    (void)tc::wire::split_header_list(value);
    if (std::optional<std::string> uri = tc::wire::header_uri(value)) (void)tc::wire::parse_sip_uri(*uri);
    (void)tc::wire::header_param(value, "tag");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  tc::wire::SipLimits limits;
  limits.max_header_bytes = 4096;
  limits.max_body = 4096;
  limits.max_headers = 64;
  const std::span<const uint8_t> input(data, size);
  const size_t chunk = 1 + data[0] % 64;

  const Outcome whole = read_all(input, size, limits);
  const Outcome split = read_all(input, chunk, limits);
  if (!(whole == split)) std::abort();

  (void)tc::wire::parse_sip_message(std::string_view(reinterpret_cast<const char*>(data), size), nullptr,
                                    limits);

  for (const tc::wire::SipMessage& message : whole.messages) {
    exercise_values(message);
    if (!message.is_request) continue;
    tc::wire::ResponseSpec spec;
    spec.to_tag = "fuzz";
    spec.server = "trunkcheck-fuzz";
    spec.extra_headers = {{"Allow", "OPTIONS"}};
    std::optional<std::string> response = tc::wire::build_response(message, spec);
    if (!response) continue;  // e.g. an ACK, or a request without Call-ID
    tc::wire::SipLimits roomy;
    roomy.max_header_bytes = 1 << 20;
    roomy.max_headers = 1024;
    std::optional<tc::wire::SipMessage> parsed = tc::wire::parse_sip_message(*response, nullptr, roomy);
    if (!parsed || parsed->all("Via") != message.all("Via")) std::abort();
  }
  return 0;
}
