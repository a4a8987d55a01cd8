#include "report/stored_facts.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "model/json_encoding.h"
#include "policy/cipher_registry.h"
#include "report/endpoint_json.h"

namespace tc {

namespace {

std::optional<CertificateFacts> certificate_from_json(const nlohmann::json& json) {
  if (!json.is_object()) return std::nullopt;
  CertificateFacts facts;
  facts.subject = json.value("subject", "");
  facts.issuer = json.value("issuer", "");
  facts.common_name = json.value("common_name", "");
  facts.sha256 = json.value("sha256", "");
  facts.subject_hash = json.value("subject_hash", "");
  facts.issuer_hash = json.value("issuer_hash", "");
  facts.not_before = parse_instant(json.value("not_before", "")).value_or(Instant{});
  facts.not_after = parse_instant(json.value("not_after", "")).value_or(Instant{});
  if (json.contains("eku") && json["eku"].is_array()) {
    facts.has_eku_extension = true;
    for (const auto& eku : json["eku"]) {
      if (eku.is_string()) facts.eku.push_back(eku.get<std::string>());
    }
  }
  facts.self_signed = json.value("self_signed", false);
  return facts;
}

std::optional<uint16_t> suite_from_json(const nlohmann::json& json) {
  if (!json.is_string()) return std::nullopt;
  return parse_suite(json.get<std::string>());
}

ClientAuth client_auth_from_text(const std::string& text) {
  if (text == "none") return ClientAuth::none;
  if (text == "optional") return ClientAuth::optional;
  if (text == "required") return ClientAuth::required;
  return ClientAuth::unknown;
}

nlohmann::json certificate_summary(const nlohmann::json& leaf) {
  if (!leaf.is_object()) return nullptr;
  return {{"subject", leaf.value("subject", "")},
          {"sha256", leaf.value("sha256", "")},
          {"not_before", leaf.value("not_before", "")},
          {"not_after", leaf.value("not_after", "")},
          {"eku", leaf.contains("eku") ? leaf["eku"] : nlohmann::json(nullptr)}};
}

std::set<std::string> string_set(const nlohmann::json& json) {
  std::set<std::string> out;
  if (!json.is_array()) return out;
  for (const auto& item : json) {
    if (item.is_string()) out.insert(item.get<std::string>());
  }
  return out;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : " ") + item;
  return out;
}

std::string short_hash(const std::string& sha256) { return sha256.substr(0, 16) + (sha256.size() > 16 ? "…" : ""); }

std::string date_part(const std::string& iso) { return iso.substr(0, 10); }

}  // namespace

nlohmann::json stored_facts_json(const EndpointEvidence& endpoint, const EndpointJudgement& judgement,
                                 const ChainVerdict* chain_verdict) {
  nlohmann::json facts = endpoint_to_json(endpoint, judgement);
  facts["facts_version"] = 1;
  const CertificateFacts* leaf = nullptr;
  if (chain_verdict && chain_verdict->leaf_found && !chain_verdict->path.empty()) {
    leaf = &chain_verdict->path.front();
  } else if (!endpoint.chain.empty()) {
    leaf = &endpoint.chain.front();
  }
  facts["leaf"] = leaf ? certificate_to_json(*leaf) : nlohmann::json(nullptr);
  const bool anchored = chain_verdict && chain_verdict->trusted_ignoring_time && !chain_verdict->path.empty() &&
                        chain_verdict->path.back().self_issued;
  facts["anchor"] = anchored ? certificate_to_json(chain_verdict->path.back()) : nlohmann::json(nullptr);
  facts["chain_trusted"] = chain_verdict ? chain_verdict->trusted : false;
  return facts;
}

StoredEndpointFacts stored_endpoint_facts(const EndpointRecord& row) {
  StoredEndpointFacts out;
  out.target = row.target;
  out.label = row.label;
  out.address = row.address;
  out.run_id = row.run_id;
  out.probed_at = parse_instant(row.probed_at).value_or(Instant{});
  out.reachable = !row.error.has_value();
  out.error = row.error.value_or("");
  const nlohmann::json& facts = row.facts;
  if (facts.contains("leaf")) out.leaf = certificate_from_json(facts["leaf"]);
  if (facts.contains("anchor")) out.anchor = certificate_from_json(facts["anchor"]);
  out.client_auth = client_auth_from_text(row.client_auth);
  if (facts.contains("suites_accepted") && facts["suites_accepted"].is_array()) {
    out.suites_scanned = true;
    for (const auto& suite : facts["suites_accepted"]) {
      if (auto code = suite_from_json(suite)) out.suites_accepted.push_back(*code);
    }
  }
  if (facts.contains("platform_offer") && facts["platform_offer"].is_object()) {
    out.platform_cipher = suite_from_json(facts["platform_offer"].value("cipher", nlohmann::json(nullptr)));
  }
  if (facts.contains("without_deprecated") && facts["without_deprecated"].is_object()) {
    out.without_deprecated_tested = true;
    out.without_deprecated_connected = facts["without_deprecated"].value("connected", false);
  }
  return out;
}

HistoryReport build_history(const std::vector<RunRecord>& runs, const std::vector<EndpointRecord>& rows,
                            const std::string& since, const std::string& target) {
  HistoryReport report;
  std::set<int64_t> selected_runs;
  for (const RunRecord& run : runs) {
    selected_runs.insert(run.id);
    report.runs.push_back({{"id", run.id},
                           {"started_at", run.started_at},
                           {"judged_at", run.judged_at},
                           {"profile", run.profile},
                           {"targets_file", run.targets_file},
                           {"finished_at", run.finished_at ? nlohmann::json(*run.finished_at) : nlohmann::json(nullptr)},
                           {"endpoints", run.endpoints}});
  }
  (void)since;  // `runs` is already limited to `since`; earlier rows still serve as the "before"
  // Rows arrive ordered by target, address, run: consecutive rows of one key are consecutive runs.
  std::map<std::string, std::vector<std::string>> lines_by_target;
  for (size_t i = 1; i < rows.size(); ++i) {
    const EndpointRecord& before = rows[i - 1];
    const EndpointRecord& after = rows[i];
    if (before.target != after.target || before.address != after.address) continue;
    if (!selected_runs.contains(after.run_id)) continue;
    if (!target.empty() && after.target != target && after.host != target && after.label != target) continue;
    auto change = [&](const std::string& kind, nlohmann::json details, const std::string& text) {
      nlohmann::json item = {{"target", after.target},
                             {"label", after.label},
                             {"address", after.address},
                             {"kind", kind},
                             {"from_run", before.run_id},
                             {"to_run", after.run_id},
                             {"from_probed_at", before.probed_at},
                             {"to_probed_at", after.probed_at},
                             {"text", text}};
      for (auto& [key, value] : details.items()) item[key] = value;
      report.changes.push_back(std::move(item));
      lines_by_target[after.label.empty() ? after.target : after.label + " (" + after.target + ")"].push_back(
          date_part(after.probed_at) + " run " + std::to_string(after.run_id) + ": " + text);
    };
    if (before.error.has_value() != after.error.has_value()) {
      if (after.error) {
        change("unreachable", {{"old", nullptr}, {"new", *after.error}}, "no longer answers: " + *after.error);
      } else {
        change("reachable", {{"old", *before.error}, {"new", nullptr}}, "answers again");
      }
    }
    if (after.error || before.error) continue;  // facts of an unreachable endpoint are not comparable
    const nlohmann::json old_leaf = before.facts.value("leaf", nlohmann::json(nullptr));
    const nlohmann::json new_leaf = after.facts.value("leaf", nlohmann::json(nullptr));
    const std::string old_sha = old_leaf.is_object() ? old_leaf.value("sha256", "") : "";
    const std::string new_sha = new_leaf.is_object() ? new_leaf.value("sha256", "") : "";
    if (old_sha != new_sha) {
      std::string text = "certificate changed";
      if (!old_sha.empty() && !new_sha.empty()) {
        text = fmt::format("certificate renewed: {} (until {}) → {} (until {})", short_hash(old_sha),
                           date_part(old_leaf.value("not_after", "")), short_hash(new_sha),
                           date_part(new_leaf.value("not_after", "")));
      }
      change("certificate-renewed", {{"old", certificate_summary(old_leaf)}, {"new", certificate_summary(new_leaf)}},
             text);
    }
    if (before.client_auth != after.client_auth) {
      change("client-auth-changed", {{"old", before.client_auth}, {"new", after.client_auth}},
             "client authentication " + before.client_auth + " → " + after.client_auth);
    }
    const nlohmann::json old_suites = before.facts.value("suites_accepted", nlohmann::json(nullptr));
    const nlohmann::json new_suites = after.facts.value("suites_accepted", nlohmann::json(nullptr));
    if (old_suites.is_array() && new_suites.is_array()) {
      std::set<std::string> old_set = string_set(old_suites), new_set = string_set(new_suites);
      std::vector<std::string> added, removed;
      std::set_difference(new_set.begin(), new_set.end(), old_set.begin(), old_set.end(), std::back_inserter(added));
      std::set_difference(old_set.begin(), old_set.end(), new_set.begin(), new_set.end(), std::back_inserter(removed));
      if (!added.empty() || !removed.empty()) {
        std::string text = "suites";
        if (!added.empty()) text += " added " + join(added);
        if (!removed.empty()) text += (added.empty() ? " removed " : ", removed ") + join(removed);
        change("suites-changed", {{"added", added}, {"removed", removed}}, text);
      }
    }
    std::set<std::string> old_ids, new_ids;
    for (const auto& finding : before.findings) old_ids.insert(finding.id);
    for (const auto& finding : after.findings) new_ids.insert(finding.id);
    std::vector<std::string> appeared, resolved;
    std::set_difference(new_ids.begin(), new_ids.end(), old_ids.begin(), old_ids.end(), std::back_inserter(appeared));
    std::set_difference(old_ids.begin(), old_ids.end(), new_ids.begin(), new_ids.end(), std::back_inserter(resolved));
    if (!appeared.empty()) change("findings-appeared", {{"ids", appeared}}, "findings appeared: " + join(appeared));
    if (!resolved.empty()) change("findings-resolved", {{"ids", resolved}}, "findings resolved: " + join(resolved));
  }
  TextSection runs_text{"Runs", {}};
  for (const RunRecord& run : runs) {
    runs_text.lines.push_back(fmt::format("run {}  {}  judged at {}  {} endpoints{}", run.id, run.started_at,
                                          run.judged_at, run.endpoints, run.finished_at ? "" : "  (did not finish)"));
  }
  if (runs.empty()) runs_text.lines.push_back("no runs stored" + (since.empty() ? std::string() : " since " + since));
  report.text.push_back(std::move(runs_text));
  TextSection changes_text{"Changes", {}};
  for (const auto& [name, lines] : lines_by_target) {
    changes_text.lines.push_back(name);
    for (const auto& line : lines) changes_text.lines.push_back("  " + line);
  }
  if (lines_by_target.empty()) changes_text.lines.push_back("no changes between runs");
  report.text.push_back(std::move(changes_text));
  return report;
}

}  // namespace tc
