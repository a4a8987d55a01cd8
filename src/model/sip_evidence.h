#pragma once
// What was seen of SIP inside one TLS connection: the probe's OPTIONS and
// the answer it got, or the requests a client sent the listener and what the
// listener answered. Captures cannot see SIP (it is encrypted), so their
// connections carry none.
#include <optional>
#include <string>
#include <vector>

namespace tc {

struct SipRequestSeen {
  std::string method;
  std::string request_uri;
  std::string via;          // the top Via header as sent
  std::string contact;      // empty when absent
  std::string user_agent;   // User-Agent header, empty when absent
  int answered = 0;         // the status the listener answered with (0: none)
};

struct SipResponseSeen {
  int status = 0;
  std::string reason;
  std::string server;       // Server header, else User-Agent: names the SBC product
};

struct SipEvidence {
  std::vector<SipRequestSeen> requests;   // sent by the peer (listener) or by us (probe)
  std::optional<SipResponseSeen> response;  // the answer to the probe's OPTIONS
  std::string error;                      // why SIP failed ("no answer within 5 s"), empty when fine
};

}  // namespace tc
