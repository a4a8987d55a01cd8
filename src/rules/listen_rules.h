#pragma once
// Rules over one connection a client made to `trunkcheck listen`, which plays
// the platform's side of an inbound call: the customer endpoint is the TLS
// client. Pure: the connection's evidence and what the listener served in,
// findings out.
#include <optional>

#include "model/connection.h"
#include "model/finding.h"
#include "rules/context.h"

namespace tc {

struct ListenSetup {
  // The listener served a chain from a root created for this run, which no
  // client can trust (--self-signed).
  bool throwaway_server_certificate = false;
  // --request-client-cert: the listener asked for a client certificate.
  bool requested_client_certificate = false;
};

// What the connection proves about the client's check of our certificate.
enum class ClientValidation {
  unknown,    // no throwaway chain served, or the handshake stopped before the question arose
  validates,  // a fatal 48/42/46 from the client rejected the throwaway chain
  skips,      // the handshake completed with the throwaway chain
};
struct ValidationVerdict {
  ClientValidation verdict = ClientValidation::unknown;
  std::optional<uint8_t> alert;  // the rejecting alert, for `validates`
};
ValidationVerdict client_validation(const Connection& connection, const ListenSetup& setup);

// judge_handshake (the connection as inbound) plus sni-missing,
// client-skips-verification, sip-uri-transport-not-tls, sip-request-to-ip and,
// with a client certificate requested, the certificate rules on what the
// client presented (purpose client). A client's alert rejecting the throwaway
// chain is the expected answer, not a handshake-alert finding.
Findings judge_listened_connection(const Connection& connection, const ListenSetup& setup,
                                   const RuleContext& context);

}  // namespace tc
