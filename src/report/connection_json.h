#pragma once
// The JSON shape of one connection (docs/output.md, `connections[]`), the
// same for captures, probes and listeners.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/connection.h"
#include "report/json_text.h"

namespace tc {

// A chain as sent: [{subject, issuer, sha256, not_before, not_after, eku, san}].
nlohmann::json chain_to_json(const std::vector<CertificateFacts>& chain);

nlohmann::json connection_to_json(const Connection& connection, const std::vector<std::string>& finding_ids);

// The same appended as compact JSON text, without a JSON tree (a capture lists
// every connection, and the tree cost more than everything else per
// connection): byte for byte chain_to_json(chain).dump() and
// connection_to_json(…).dump(); text that is not UTF-8 becomes U+FFFD. The connection's chains come already rendered, so a caller can render
// each distinct chain once.
void append_chain_json(JsonText& out, const std::vector<CertificateFacts>& chain);
void append_connection_json(JsonText& out, const Connection& connection, const std::vector<std::string>& finding_ids,
                            std::string_view server_chain_json, std::string_view client_chain_json);

}  // namespace tc
