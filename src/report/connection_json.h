#pragma once
// The JSON shape of one connection (docs/output.md, `connections[]`), the
// same for captures, probes and listeners.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/connection.h"

namespace tc {

nlohmann::json connection_to_json(const Connection& connection, const std::vector<std::string>& finding_ids);

}  // namespace tc
