#pragma once
// The listener's SIP user agent server, playing the platform: it answers what
// an SBC sends on an inbound trunk and records each request in the
// connection's SipEvidence.
//
//   OPTIONS        → 200 OK (Allow, Server: trunkcheck)
//   INVITE         → 100 Trying, then the configured final response (480 by
//                    default: a test call is placed and refused, no media)
//   ACK            → nothing (RFC 3261 §17.2.1: ACK is never answered)
//   BYE, CANCEL    → 200 OK
//   anything else  → 501 Not Implemented
//
// Bytes come from the TLS stream in arbitrary chunks; memory is bounded by
// the wire layer's SipLimits and by kMaxRecordedRequests.
#include <cstddef>
#include <span>
#include <string>

#include "model/sip_evidence.h"
#include "wire/sip_message.h"

namespace tc::sources {

struct SipResponderOptions {
  int invite_status = 480;
  std::string server_header = "trunkcheck";
};

class SipResponder {
 public:
  explicit SipResponder(SipResponderOptions options) : options_(std::move(options)) {}

  // Feeds decrypted bytes; appends the responses to send to `out`. False once
  // the stream cannot be parsed any more (the reason is in evidence().error):
  // the connection should be closed.
  bool feed(std::span<const uint8_t> bytes, std::string& out);
  // At the end of the connection: notes a message cut off mid-way.
  void finish();

  [[nodiscard]] const SipEvidence& evidence() const { return evidence_; }
  [[nodiscard]] SipEvidence take_evidence() { return std::move(evidence_); }
  [[nodiscard]] bool spoke_sip() const { return spoke_; }

  // Requests recorded per connection; later ones are answered but not kept.
  static constexpr size_t kMaxRecordedRequests = 64;

 private:
  void answer(const wire::SipMessage& request, std::string& out);

  SipResponderOptions options_;
  wire::SipStreamReader reader_;
  SipEvidence evidence_;
  size_t unrecorded_ = 0;
  unsigned tag_counter_ = 0;
  bool spoke_ = false;
};

// The standard reason phrase for the statuses the listener sends (RFC 3261 §21).
std::string reason_phrase(int status);

}  // namespace tc::sources
