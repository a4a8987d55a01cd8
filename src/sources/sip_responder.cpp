#include "sources/sip_responder.h"

#include <fmt/format.h>

namespace tc::sources {

namespace {

constexpr const char* kAllow = "INVITE, ACK, BYE, CANCEL, OPTIONS";

}  // namespace

std::string reason_phrase(int status) {
  switch (status) {
    case 100: return "Trying";
    case 180: return "Ringing";
    case 200: return "OK";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 408: return "Request Timeout";
    case 480: return "Temporarily Unavailable";
    case 486: return "Busy Here";
    case 487: return "Request Terminated";
    case 488: return "Not Acceptable Here";
    case 500: return "Server Internal Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 603: return "Decline";
    default: return status < 300 ? "OK" : status < 400 ? "Redirect" : "Failure";
  }
}

bool SipResponder::feed(std::span<const uint8_t> bytes, std::string& out) {
  if (reader_.failed()) return false;
  reader_.feed(bytes);
  while (auto message = reader_.next()) {
    spoke_ = true;
    if (message->is_request) answer(*message, out);  // responses from a client are ignored
  }
  if (reader_.failed()) {
    evidence_.error = "SIP stream unreadable: " + reader_.error();
    return false;
  }
  return true;
}

void SipResponder::finish() {
  if (reader_.partial() && evidence_.error.empty()) evidence_.error = "connection closed in the middle of a SIP message";
  if (unrecorded_ > 0 && evidence_.error.empty()) {
    evidence_.error = fmt::format("{} more requests answered but not recorded (limit {})", unrecorded_,
                                  kMaxRecordedRequests);
  }
}

void SipResponder::answer(const wire::SipMessage& request, std::string& out) {
  int status = 501;
  if (request.method == "OPTIONS" || request.method == "BYE" || request.method == "CANCEL") status = 200;
  if (request.method == "INVITE") status = options_.invite_status;
  if (request.method == "ACK") status = 0;

  SipRequestSeen seen;
  seen.method = request.method;
  seen.request_uri = request.request_uri;
  seen.via = request.header("Via").value_or("");
  seen.contact = request.header("Contact").value_or("");
  seen.user_agent = request.header("User-Agent").value_or("");
  seen.answered = status;

  if (status != 0) {
    wire::ResponseSpec spec;
    spec.server = options_.server_header;
    if (request.method == "INVITE") {
      // 100 Trying stops the client's INVITE retransmissions (RFC 3261 §17.2.1); no To tag on it.
      spec.status = 100;
      spec.reason = reason_phrase(100);
      if (auto trying = wire::build_response(request, spec)) out += *trying;
    }
    spec.status = status;
    spec.reason = reason_phrase(status);
    spec.to_tag = fmt::format("tc{}", ++tag_counter_);
    if (request.method == "OPTIONS" || status == 501) spec.extra_headers = {{"Allow", kAllow}};
    std::string error;
    if (auto response = wire::build_response(request, spec, &error)) {
      out += *response;
    } else {
      seen.answered = 0;  // no Via/From/To/Call-ID/CSeq to answer with
      if (evidence_.error.empty()) evidence_.error = request.method + " not answered: " + error;
    }
  }
  if (evidence_.requests.size() < kMaxRecordedRequests) {
    evidence_.requests.push_back(std::move(seen));
  } else {
    ++unrecorded_;
  }
}

}  // namespace tc::sources
