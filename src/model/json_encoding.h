#pragma once
// The JSON shapes of the model types (docs/output.md is their contract).
#include <nlohmann/json.hpp>

#include "model/certificate.h"
#include "model/finding.h"

namespace tc {

nlohmann::json certificate_to_json(const CertificateFacts& certificate);
nlohmann::json finding_to_json(const Finding& finding);

}  // namespace tc
