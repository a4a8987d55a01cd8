#pragma once
// Evidence about one TLS connection, whoever observed it: the capture reader,
// the probe or the listener all fill this same type, so one set of rules
// judges them all.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/certificate.h"
#include "model/sip_evidence.h"

namespace tc {

enum class Side { client, server };
// inbound: the customer endpoint is the TLS client (calls into the platform).
// outbound: the platform is the TLS client (calls out to the customer).
enum class Direction { unknown, inbound, outbound };

std::string_view to_string(Side side);
std::string_view to_string(Direction direction);

using Bytes = std::vector<uint8_t>;

struct AlertRecord {
  Side from = Side::server;
  uint8_t level = 0;                      // 1 warning, 2 fatal; 0 when encrypted
  std::optional<uint8_t> description;     // nullopt when encrypted
  uint64_t frame = 0;
};

// One handshake message (or ChangeCipherSpec) in the order seen on the wire.
struct MessageRecord {
  Side from = Side::client;
  // TLS HandshakeType (1 ClientHello … 20 Finished); 256 + record content type
  // for non-handshake records worth drawing (256+20 ChangeCipherSpec).
  uint16_t type = 0;
  uint64_t frame = 0;
  bool encrypted = false;                 // handshake record after ChangeCipherSpec
};

struct Connection {
  std::string client;                     // "addr:port", IPv6 as "[addr]:port"
  std::string server;
  Direction direction = Direction::unknown;
  uint64_t first_frame = 0;
  double first_time = 0;                  // seconds since the epoch, capture time

  // ClientHello
  std::optional<uint16_t> client_hello_version;  // legacy_version field
  std::vector<uint16_t> offered_versions;        // supported_versions, else {legacy}
  std::vector<uint16_t> client_offer;            // cipher suites in offer order (GREASE kept)
  std::vector<uint16_t> client_extensions;       // extension types in order
  std::vector<uint16_t> supported_groups;
  std::vector<uint8_t> ec_point_formats;
  std::optional<std::string> sni;
  std::string ja3_text;                          // "771,49195-…,0-23-…,29-23,0"
  std::string ja3;                               // md5 hex of ja3_text (filled above wire)

  // ServerHello
  std::optional<uint16_t> server_hello_version;  // legacy_version field
  std::optional<uint16_t> version;               // negotiated, from supported_versions if present
  std::optional<uint16_t> cipher;
  std::vector<uint16_t> server_extensions;
  std::string ja3s_text;
  std::string ja3s;
  bool hello_retry_request = false;

  // Certificates as sent (leaf first as the peer ordered them).
  std::vector<Bytes> server_chain_der;
  std::vector<CertificateFacts> server_chain;    // decoded above wire
  bool certificate_request = false;
  std::vector<Bytes> certificate_request_ca_names_der;   // DER Names
  std::vector<std::string> certificate_request_ca_names; // decoded above wire
  // nullopt: the client sent no Certificate message; 0: an empty one.
  std::optional<size_t> client_certificates;
  std::vector<Bytes> client_chain_der;
  std::vector<CertificateFacts> client_chain;

  std::vector<AlertRecord> alerts;
  std::vector<MessageRecord> messages;
  bool change_cipher_spec_client = false;
  bool change_cipher_spec_server = false;
  bool application_data = false;
  bool established = false;   // both sides switched to encryption (or app data seen)
  bool incomplete = false;    // bytes were lost or the capture began mid-connection
  bool is_tls = false;        // at least one well-formed TLS record
  std::vector<std::string> anomalies;   // notes from the parser, e.g. "lost 1200 bytes"

  // SIP over the connection, when the probe or the listener spoke it.
  std::optional<SipEvidence> sip;
};

}  // namespace tc
