#include "cli/probe_command.h"

#include <sys/stat.h>

#include <memory>

#include "cli/common.h"
#include "cli/probe_runner.h"
#include "cli/trust_setup.h"
#include "report/endpoint_json.h"
#include "sources/client_credential.h"
#include "sources/endpoint_probe.h"
#include "sources/socket.h"

namespace tc::cli {

namespace {

struct ProbeOptions {
  GlobalOptions global;
  std::string target;
  std::string sni;
  std::string address;
  std::string client_cert;
  std::string client_key;
  double timeout_seconds = 5;
  int max_connections = 8;
  bool skip_suites = false;
};

int run_probe(const ProbeOptions& options) {
  int exit_code = kExitOk;
  auto session = open_session(options.global, exit_code);
  if (!session) return exit_code;
  std::string error;
  auto target = sources::parse_host_port(options.target, session->profile.port, error);
  if (!target) {
    print_error("probe: " + error);
    return kExitUsage;
  }
  if (options.client_cert.empty() != options.client_key.empty()) {
    print_error("probe: --client-cert and --client-key go together");
    return kExitUsage;
  }
  if (!options.address.empty() && !sources::is_ip_literal(options.address)) {
    print_error("probe: --address " + options.address + ": not an IPv4 or IPv6 address");
    return kExitUsage;
  }

  ReportDocument document;
  document.command = "probe";
  std::optional<sources::ClientCredential> credential;
  if (!options.client_cert.empty()) {
    warn_if_key_exposed(options.client_key, document);
    credential = sources::load_client_credential(options.client_cert, options.client_key, error);
    if (!credential) {
      print_error(error);
      return kExitInput;
    }
  }
  TrustSetup trust = build_trust(*session, document);

  sources::ProbeRequest request;
  request.host = target->host;
  request.port = target->port;
  if (!options.sni.empty()) request.sni = options.sni;
  if (!options.address.empty()) request.address = options.address;
  request.user_credential = credential ? &*credential : nullptr;
  request.timeout = std::chrono::milliseconds(static_cast<long>(options.timeout_seconds * 1000));
  request.max_connections = options.max_connections;
  request.profile = &session->profile;
  request.scan_suites = !options.skip_suites;
  request.now = session->now;
  ProbeRun run = probe_and_judge(request, trust.store, *session);
  if (run.endpoints.empty()) {
    print_error(target->host + ": " + run.error);
    document.errors.push_back(target->host + ": " + run.error);
    return kExitInput;
  }

  nlohmann::json endpoints = nlohmann::json::array();
  nlohmann::json connections = nlohmann::json::array();
  size_t reachable = 0;
  for (auto& judged : run.endpoints) {
    // The endpoint answered in TLS terms: a verdict. Otherwise (refused,
    // silent, not TLS, reset mid-handshake) an input error naming host,
    // address and step.
    if (judged.reachable) {
      ++reachable;
    } else {
      print_error(judged.error);
      document.errors.push_back(judged.error);
    }
    for (auto& finding : judged.judgement.findings) document.findings.push_back(finding);
    endpoints.push_back(endpoint_to_json(judged.evidence, judged.judgement));
    for (auto& connection : endpoint_connections_json(judged.evidence, judged.judgement)) {
      connections.push_back(std::move(connection));
    }
    document.text_sections.push_back(endpoint_text(judged.evidence, judged.judgement));
  }
  document.sections["endpoint"] = endpoints.front();
  document.sections["endpoints"] = endpoints;
  document.sections["connections"] = connections;
  if (session->profile.offer_order_assumed) {
    document.notes.push_back("the platform's offer order is assumed: " + session->profile.offer_order_note);
  }
  int code = emit_report(document, *session);
  return reachable == 0 ? kExitInput : code;
}

}  // namespace

void register_probe_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ProbeOptions>();
  CLI::App* command =
      app.add_subcommand("probe", "Call a live SIP-TLS endpoint the way the platform calls it, and judge it");
  command->add_option("target", options->target, "HOST[:PORT] (default port: the profile's, 5061)")->required();
  command->add_option("--sni", options->sni, "Server name to send and check (default: HOST unless it is an address)");
  command->add_option("--address", options->address, "Probe only this address of HOST");
  command->add_option("--client-cert", options->client_cert,
                      "Also present this certificate in the EKU drill (e.g. your publicly issued serverAuth-only one)");
  command->add_option("--client-key", options->client_key, "Its private key (PEM, unencrypted; never printed)");
  command->add_option("--timeout", options->timeout_seconds, "Seconds per connection attempt")
      ->check(CLI::Range(0.1, 120.0))
      ->default_str("5");
  command->add_option("--max-connections", options->max_connections, "Parallel connections within the probe")
      ->check(CLI::Range(1, 64))
      ->default_str("8");
  command->add_flag("--skip-suites", options->skip_suites, "Skip step 4 (suite and version enumeration)");
  add_global_options(*command, options->global, kReportFormats);
  command->callback([options, &exit_code] { exit_code = run_probe(*options); });
}

}  // namespace tc::cli
