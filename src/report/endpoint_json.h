#pragma once
// JSON `endpoint` object of `probe` (docs/output.md) and its text form.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/endpoint.h"
#include "report/document.h"
#include "rules/probe_rules.h"

namespace tc {

// Without `connections` (the caller lists those once, in the document).
nlohmann::json endpoint_to_json(const EndpointEvidence& endpoint, const EndpointJudgement& judgement);
// Every connection the probe made, each with its purpose and finding ids.
nlohmann::json endpoint_connections_json(const EndpointEvidence& endpoint, const EndpointJudgement& judgement);
// Only the connections an HTML report draws as ladders (the platform
// handshake and the EKU drill's), each with its purpose and finding ids: what
// `scan --format html` keeps per endpoint instead of every connection.
nlohmann::json endpoint_ladder_connections_json(const EndpointEvidence& endpoint, const EndpointJudgement& judgement);
// The facts in a few lines for the text report.
TextSection endpoint_text(const EndpointEvidence& endpoint, const EndpointJudgement& judgement);

}  // namespace tc
