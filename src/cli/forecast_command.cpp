#include "cli/forecast_command.h"

#include <fmt/format.h>

#include <map>
#include <memory>

#include "cli/common.h"
#include "report/scan_store.h"
#include "report/stored_facts.h"
#include "rules/forecast_rules.h"

namespace tc::cli {

namespace {

struct ForecastOptions {
  GlobalOptions global;
  std::string db_path = "trunkcheck.db";
  std::string until;
  std::string target;
};

nlohmann::json limit_json(const std::optional<LifetimeLimitAt>& limit) {
  if (!limit) return nullptr;
  return {{"max_days", limit->max_days}, {"in_force_from", format_date(limit->in_force_from)}};
}

int run_forecast(const ForecastOptions& options) {
  int exit_code = kExitOk;
  auto session = open_session(options.global, exit_code);
  if (!session) return exit_code;
  auto until = parse_instant(options.until);
  if (!until) {
    print_error("--until: '" + options.until + "' is not an ISO 8601 date or date-time");
    return kExitUsage;
  }
  if (*until < session->at) {
    print_error("--until " + options.until + " is before --at " + format_instant(session->at));
    return kExitUsage;
  }
  std::string error;
  auto store = ScanStore::open(options.db_path, ScanStore::Mode::read_only, error);
  if (!store) {
    print_error(error);
    return kExitInput;
  }
  auto rows = store->endpoints(error);
  if (!rows) {
    print_error(error);
    return kExitInput;
  }
  // The latest row per endpoint (rows come by target, address, run).
  std::map<std::pair<std::string, std::string>, const EndpointRecord*> latest;
  for (const EndpointRecord& row : *rows) {
    if (!options.target.empty() && row.target != options.target && row.host != options.target &&
        row.label != options.target) {
      continue;
    }
    latest[{row.target, row.address}] = &row;
  }
  std::vector<StoredEndpointFacts> facts;
  for (const auto& [key, row] : latest) facts.push_back(stored_endpoint_facts(*row));

  RuleContext context{session->at, &session->profile, Purpose::server, std::nullopt};
  ForecastJudgement judgement = forecast_endpoints(facts, context, *until);

  ReportDocument document;
  document.command = "forecast";
  document.findings = judgement.findings;
  nlohmann::json endpoints = nlohmann::json::array();
  TextSection section{"Forecast", {}};
  section.lines.push_back(fmt::format("{} endpoints (latest stored facts), judged at {} for the window to {}",
                                      facts.size(), format_date(session->at), format_date(*until)));
  for (const EndpointForecast& forecast : judgement.endpoints) {
    const StoredEndpointFacts& endpoint = facts[forecast.index];
    nlohmann::json ids = nlohmann::json::array();
    std::string id_text;
    for (const Finding& finding : forecast.findings) {
      ids.push_back(finding.id);
      id_text += (id_text.empty() ? "" : " ") + finding.id;
    }
    endpoints.push_back(
        {{"target", endpoint.target},
         {"label", endpoint.label},
         {"address", endpoint.address},
         {"run", endpoint.run_id},
         {"probed_at", format_instant(endpoint.probed_at)},
         {"error", endpoint.reachable ? nlohmann::json(nullptr) : nlohmann::json(endpoint.error)},
         {"leaf",
          endpoint.leaf ? nlohmann::json{{"subject", endpoint.leaf->subject},
                                         {"sha256", endpoint.leaf->sha256},
                                         {"not_after", format_instant(endpoint.leaf->not_after)}}
                        : nlohmann::json(nullptr)},
         {"expires_before_until", forecast.expires_before_until},
         {"renewal", {{"issued_at_at", limit_json(forecast.renewal_now)},
                      {"issued_at_expiry", limit_json(forecast.renewal_at_expiry)}}},
         {"client_auth", std::string(to_string(endpoint.client_auth))},
         {"platform_cipher", endpoint.platform_cipher ? nlohmann::json(fmt::format("0x{:04x}", *endpoint.platform_cipher))
                                                      : nlohmann::json(nullptr)},
         {"root", endpoint.anchor ? nlohmann::json{{"subject", endpoint.anchor->subject},
                                                   {"subject_hash", endpoint.anchor->subject_hash}}
                                  : nlohmann::json(nullptr)},
         {"root_distrusted_on", forecast.root_distrusted_on ? nlohmann::json(format_date(*forecast.root_distrusted_on))
                                                            : nlohmann::json(nullptr)},
         {"findings", ids}});
    std::string line = stored_endpoint_label(endpoint) + "  ";
    if (!endpoint.reachable) {
      line += "unreachable at the last scan (" + format_date(endpoint.probed_at) + "): " + endpoint.error;
    } else {
      line += endpoint.leaf ? "certificate until " + format_date(endpoint.leaf->not_after) : "no certificate seen";
      if (forecast.renewal_now) line += fmt::format(", next at most {} days", forecast.renewal_now->max_days);
      line += ", client auth " + std::string(to_string(endpoint.client_auth));
      line += id_text.empty() ? "  nothing to do before " + format_date(*until) : "  [" + id_text + "]";
    }
    section.lines.push_back(line);
  }
  document.text_sections.push_back(std::move(section));
  document.sections["forecast"] = {{"db", options.db_path},
                                   {"until", format_instant(*until)},
                                   {"endpoints", facts.size()}};
  document.sections["endpoints"] = std::move(endpoints);
  return emit_report(document, *session);
}

}  // namespace

void register_forecast_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ForecastOptions>();
  CLI::App* command =
      app.add_subcommand("forecast", "What needs action before a date, from the stored scans and the profile timeline");
  command->add_option("--db", options->db_path, "SQLite history database")->default_str("trunkcheck.db");
  command->add_option("--until", options->until, "End of the window (ISO 8601 date)")->required();
  command->add_option("--target", options->target, "Only this target (host:port, host or label)");
  add_global_options(*command, options->global, {"text", "json"});
  command->callback([options, &exit_code] { exit_code = run_forecast(*options); });
}

}  // namespace tc::cli
