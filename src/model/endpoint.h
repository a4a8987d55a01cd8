#pragma once
// Evidence about one endpoint address, as the probe gathered it by calling
// the way the platform calls: the platform-like handshake, client
// authentication, the EKU drill, suites and versions, and SIP. Every
// connection it made is kept as Connection evidence, the same type captures
// and the listener produce.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/connection.h"

namespace tc {

// none: no CertificateRequest; optional: requested, yet the handshake
// completes without a certificate; required: it does not; unknown: the
// handshake ended before the server's flight.
enum class ClientAuth { unknown, none, optional, required };
std::string_view to_string(ClientAuth client_auth);

// Which certificate one EKU-drill attempt presented.
enum class DrillCredential { generated_server_auth, generated_both, provided };
std::string_view to_string(DrillCredential credential);

struct DrillAttempt {
  DrillCredential credential = DrillCredential::generated_server_auth;
  std::string label;                 // "generated, serverAuth only" or the file name
  bool has_client_auth_eku = false;  // of the certificate presented
  bool completed = false;            // the handshake finished: the endpoint accepted it
  std::optional<uint8_t> alert;      // the endpoint's fatal alert, when it sent one
  std::string error;                 // how the attempt ended when not completed
  size_t connection = 0;             // index into EndpointEvidence::connections
};

struct VersionCheck {
  uint16_t version = 0;
  bool tested = false;
  bool supported = false;
  std::string reason;                // why not, when tested and unsupported
};

// The endpoint's answer to one fixed offer.
struct OfferCheck {
  bool tested = false;
  std::vector<uint16_t> offered;
  bool connected = false;            // a ServerHello arrived
  std::optional<uint16_t> suite;
  std::string failure;
};

struct EndpointEvidence {
  std::string host;                  // as given on the command line
  std::string address;               // "192.0.2.1" / "2001:db8::1"
  uint16_t port = 0;
  std::optional<std::string> sni;    // the name sent and checked (nullopt: an IP target without --sni)
  bool host_is_ip = false;

  // Step 1: the platform's outbound handshake (TLS 1.2, its offer, SNI).
  size_t platform_connection = 0;    // index into connections
  bool platform_handshake_completed = false;
  std::string platform_handshake_error;
  std::vector<CertificateFacts> chain;  // as sent, decoded above the wire

  // Step 2 and 3.
  ClientAuth client_auth = ClientAuth::unknown;
  std::vector<std::string> client_ca_names;
  std::vector<DrillAttempt> eku_drill;

  // Step 4.
  bool suites_scanned = false;
  std::vector<uint16_t> suites_accepted;
  bool server_preference_tested = false;
  bool server_preference = false;
  std::vector<uint16_t> preference_order;
  std::vector<VersionCheck> versions;
  OfferCheck platform_offer;           // what the platform's offer gets
  OfferCheck without_deprecated;       // … once the deprecated suites are removed

  // Step 5 (the connection it ran over carries the SipEvidence too).
  std::optional<SipEvidence> sip;

  std::vector<Connection> connections;   // every connection made, in order
  std::vector<std::string> connection_purposes;  // what each was for, parallel to connections
  bool complete = true;                  // false: the endpoint stopped answering mid-probe
  std::vector<std::string> notes;
  double elapsed_seconds = 0;
};

}  // namespace tc
