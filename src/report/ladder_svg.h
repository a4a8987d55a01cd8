#pragma once
// A ladder (sequence) diagram of one TLS handshake as seen on the wire, drawn
// as inline SVG from a connection's JSON (docs/output.md `connections[]`):
// two lifelines (client, server, with their roles when the direction is
// known), one arrow per handshake message and alert in wire order with its
// frame number, and the facts that matter on each arrow — the suites offered
// (deprecated ones marked), the suite chosen (highlighted when deprecated),
// the chains (length, leaf subject, EKU), CertificateRequest, the client's
// Certificate (empty or not) — and the failing message in red.
#include <nlohmann/json.hpp>
#include <set>
#include <string>

namespace tc {

struct LadderOptions {
  std::set<std::string> deprecated_suites;  // "0x003d", from the profile
  std::string id;                           // unique id prefix for the SVG's markers
};

// An <svg> element (self-contained: no external references); every string
// from the evidence is escaped.
std::string render_ladder_svg(const nlohmann::json& connection, const LadderOptions& options);

// Role names of the two sides for a connection direction: outbound → the
// platform calls the customer endpoint; inbound → the other way round.
std::pair<std::string, std::string> ladder_roles(const std::string& direction);

// Cuts text to at most `max_chars` code points, ending with "…" when cut
// (never inside a UTF-8 sequence).
std::string truncate_utf8(const std::string& text, size_t max_chars);

}  // namespace tc
