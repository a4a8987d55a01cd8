#pragma once
// What a scan stores per endpoint, and reading it back: the probe's endpoint
// object (facts only, docs/output.md) plus `leaf` and `anchor` (the root the
// chain verified to) in full, and the judged findings. History compares these
// records between runs; forecast turns them into StoredEndpointFacts.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "model/chain.h"
#include "model/endpoint.h"
#include "report/document.h"
#include "report/scan_store.h"
#include "rules/forecast_rules.h"
#include "rules/probe_rules.h"

namespace tc {

// The stored facts of one probed endpoint.
nlohmann::json stored_facts_json(const EndpointEvidence& endpoint, const EndpointJudgement& judgement,
                                 const ChainVerdict* chain_verdict);

// The facts forecast rules read, from a stored row.
StoredEndpointFacts stored_endpoint_facts(const EndpointRecord& row);

// `history`: per endpoint (target and address), what changed from one stored
// run to the next. Changes into runs started before `since` are left out;
// `target` (empty: all) matches the target, its host or its label.
struct HistoryReport {
  nlohmann::json runs = nlohmann::json::array();
  nlohmann::json changes = nlohmann::json::array();
  std::vector<TextSection> text;
};
HistoryReport build_history(const std::vector<RunRecord>& runs, const std::vector<EndpointRecord>& rows,
                            const std::string& since, const std::string& target);

}  // namespace tc
