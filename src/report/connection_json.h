#pragma once
// The JSON shape of one connection (docs/output.md, `connections[]`), the
// same for captures, probes and listeners.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/connection.h"

namespace tc {

// A chain as sent: [{subject, issuer, sha256, not_before, not_after, eku, san}].
nlohmann::json chain_to_json(const std::vector<CertificateFacts>& chain);

nlohmann::json connection_to_json(const Connection& connection, const std::vector<std::string>& finding_ids);

}  // namespace tc
