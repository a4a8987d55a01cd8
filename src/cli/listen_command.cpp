#include "cli/listen_command.h"

#include <csignal>
#include <fmt/format.h>
#include <iostream>
#include <memory>
#include <unistd.h>

#include "cli/common.h"
#include "cli/trust_setup.h"
#include "policy/cipher_registry.h"
#include "report/chain_json_cache.h"
#include "report/client_finding_groups.h"
#include "report/connection_json.h"
#include "report/json_report.h"
#include "report/json_text.h"
#include "rules/connection_rules.h"
#include "rules/listen_rules.h"
#include "sources/evidence_completer.h"
#include "sources/listener_tls_context.h"
#include "sources/server_credentials.h"
#include "sources/throwaway_credentials.h"
#include "sources/tls_listener.h"

namespace tc::cli {

namespace {

std::atomic<bool> g_stop{false};
extern "C" void request_listen_stop(int) { g_stop.store(true); }

struct ListenOptions {
  GlobalOptions global;
  int port = 5061;
  std::string bind = "::";
  std::string cert_path, key_path;
  bool self_signed = false;
  std::string name = "sip.trunkcheck.invalid";
  bool request_client_cert = false;
  uint64_t count = 0;
  int duration = 0;
  int invite_response = 480;
  size_t max_connections = 10000;
  double handshake_timeout = 10;
  double idle_timeout = 120;
};

std::string sip_summary(const Connection& connection) {
  if (!connection.sip || connection.sip->requests.empty()) return "";
  std::string text = " SIP";
  for (const auto& request : connection.sip->requests) {
    text += " " + request.method + (request.answered != 0 ? "→" + std::to_string(request.answered) : "");
  }
  return text;
}

// "127.0.0.1:40000 TLS 1.2 cipher 0xc02f established SIP OPTIONS→200, client validates (alert 48): ids"
std::string one_line_verdict(const Connection& connection, const Findings& findings, const ValidationVerdict& check) {
  std::string ids;
  for (const auto& finding : findings) {
    if (ids.find(finding.id) == std::string::npos) ids += (ids.empty() ? "" : " ") + finding.id;
  }
  std::string validation;
  if (check.verdict == ClientValidation::validates) {
    validation = fmt::format(", client validates (alert {})", *check.alert);
  } else if (check.verdict == ClientValidation::skips) {
    validation = ", client accepted the throwaway chain";
  }
  std::string anomalies;
  for (const auto& anomaly : connection.anomalies) anomalies += " [" + anomaly + "]";
  return fmt::format("{} {} cipher {} {}{}{}{}{}", connection.client,
                     connection.version ? format_tls_version(*connection.version) : "no ServerHello",
                     connection.cipher ? format_suite_code(*connection.cipher) : "-",
                     connection.established ? "established" : "not established", sip_summary(connection), validation,
                     anomalies, ids.empty() ? "" : ": " + ids);
}

std::optional<sources::ServerCredentials> credentials_for(const ListenOptions& options, Instant now,
                                                          int& exit_code) {
  std::string error;
  if (options.self_signed) {
    // The client judges the throwaway chain by its own clock, so it must be
    // current whatever --at says (Session::now, not --at).
    auto forged = sources::throwaway_credentials(options.name, now, error);
    if (!forged) {
      print_error("cannot create the throwaway certificate: " + error);
      exit_code = kExitInput;
    }
    return forged;
  }
  auto loaded = sources::load_server_credentials(options.cert_path, options.key_path, error);
  if (!loaded) {
    print_error(error);
    exit_code = kExitInput;
  }
  return loaded;
}

int run_listen(ListenOptions& options) {
  int exit_code = kExitOk;
  auto session = open_session(options.global, exit_code);
  if (!session) return exit_code;
  if (options.self_signed == (!options.cert_path.empty() || !options.key_path.empty())) {
    print_error("give either --cert FILE --key FILE or --self-signed");
    return kExitUsage;
  }
  if (!options.self_signed && (options.cert_path.empty() || options.key_path.empty())) {
    print_error("--cert and --key go together");
    return kExitUsage;
  }
  auto credentials = credentials_for(options, session->now, exit_code);
  if (!credentials) return exit_code;
  std::string error;
  x509::SslCtxPtr context =
      sources::make_platform_server_context(*credentials, session->profile, options.request_client_cert, error);
  if (!context) {
    print_error(error);
    return kExitInput;
  }
  // Loading the trust store (the system's by default) takes a while: done
  // before "listening on", so the first clients do not wait for it.
  ReportDocument document;
  document.command = "listen";
  if (!options.self_signed) warn_if_key_exposed(options.key_path, document);
  TrustSetup trust = build_trust(*session, document);
  sources::ListenerOptions listener_options;
  listener_options.bind = options.bind;
  listener_options.port = static_cast<uint16_t>(options.port);
  listener_options.max_connections = options.max_connections;
  listener_options.handshake_timeout = std::chrono::milliseconds(static_cast<int64_t>(options.handshake_timeout * 1000));
  listener_options.idle_timeout = std::chrono::milliseconds(static_cast<int64_t>(options.idle_timeout * 1000));
  listener_options.sip.invite_status = options.invite_response;
  auto listener = sources::TlsListener::open(listener_options, std::move(context), error);
  if (!listener) {
    print_error(error);
    return kExitInput;
  }
  // Tests and scripts read the port from here (with --port 0).
  std::cerr << "listening on " << listener->address().text() << std::endl;
  if (options.self_signed) {
    std::cerr << "serving a throwaway certificate for " << options.name
              << ": a client that validates must reject it (alert 48); one that completes the handshake does not "
                 "validate"
              << std::endl;
  }

  sources::EvidenceCompleter completer(trust.store, session->at);
  RuleContext rule_context{session->at, &session->profile, Purpose::server, std::nullopt};
  ListenSetup setup{options.self_signed, options.request_client_cert};

  bool json = session->options.format == "json";
  StreamedReport report(*session, json);
  ClientFindingGroups groups;
  uint64_t judged = 0, validating = 0, skipping = 0, with_anomalies = 0;
  // Each connection's JSON written as text (no tree per connection), the
  // listener's own chain rendered once: the report thread's share of a
  // handshake is what the listen benchmark measures beside the RSA signature.
  JsonText connection_text;
  ChainJsonCache chain_json;
  auto on_connection = [&](Connection&& connection) {
    completer.complete(connection);
    Findings findings = judge_listened_connection(connection, setup, rule_context);
    ValidationVerdict check = client_validation(connection, setup);
    ++judged;
    validating += check.verdict == ClientValidation::validates;
    skipping += check.verdict == ClientValidation::skips;
    with_anomalies += !connection.anomalies.empty();
    std::vector<std::string> ids;
    for (const auto& finding : findings) {
      groups.add(finding, connection, judged);
      if (std::find(ids.begin(), ids.end(), finding.id) == ids.end()) ids.push_back(finding.id);
    }
    if (report.streaming()) {
      chain_json.make_room();
      const std::string& server_chain = chain_json.json(connection.server_chain);
      const std::string& client_chain = chain_json.json(connection.client_chain);
      connection_text.clear();
      append_connection_json(connection_text, connection, ids, server_chain, client_chain);
      report.add_serialized(connection_text.text(), true);
    }
    if (!json) std::cout << one_line_verdict(connection, findings, check) << std::endl;
    return options.count == 0 || judged < options.count;
  };

  std::signal(SIGINT, request_listen_stop);
  std::signal(SIGTERM, request_listen_stop);
  std::signal(SIGALRM, request_listen_stop);
  if (options.duration > 0) alarm(static_cast<unsigned>(options.duration));
  listener->run(g_stop, on_connection);
  alarm(0);

  sources::ListenerStats stats = listener->stats();
  document.findings = groups.findings();
  nlohmann::json counts = nlohmann::json::object();
  for (const auto& [id, count] : groups.connections_per_id()) counts[id] = count;
  document.summary_counts = counts;
  const x509::X509Ptr& leaf = credentials->chain.front();
  char subject[512] = {};
  X509_NAME_oneline(X509_get_subject_name(leaf.get()), subject, sizeof subject);
  document.sections["listen"] = {{"address", listener->address().text()},
                                 {"certificate", options.self_signed ? "self-signed" : options.cert_path},
                                 {"certificate_subject", subject},
                                 {"request_client_certificate", options.request_client_cert},
                                 {"invite_response", options.invite_response},
                                 {"tls_versions", "TLS 1.2"},
                                 {"cipher_list", sources::openssl_cipher_list(session->profile)},
                                 {"connections", judged},
                                 {"accepted", stats.accepted},
                                 {"rejected_over_cap", stats.rejected_over_cap},
                                 {"max_connections", stats.max_connections},
                                 {"peak_open", stats.peak_open},
                                 {"handshakes_completed", stats.handshakes_completed},
                                 {"handshake_timeouts", stats.handshake_timeouts},
                                 {"idle_timeouts", stats.idle_timeouts},
                                 {"with_anomalies", with_anomalies},
                                 {"clients_validating", validating},
                                 {"clients_skipping_validation", skipping}};
  TextSection summary{"Listener", {}};
  summary.lines.push_back(fmt::format("{} on {}: {} connections judged, {} handshakes completed, {} with anomalies",
                                      options.self_signed ? "throwaway certificate" : options.cert_path,
                                      listener->address().text(), judged, stats.handshakes_completed,
                                      with_anomalies));
  if (stats.rejected_over_cap || stats.handshake_timeouts || stats.idle_timeouts) {
    summary.lines.push_back(fmt::format("{} refused over the cap of {} open connections, {} handshake timeouts, {} "
                                        "idle connections closed",
                                        stats.rejected_over_cap, stats.max_connections, stats.handshake_timeouts,
                                        stats.idle_timeouts));
  }
  if (options.self_signed && validating > 0) {
    summary.lines.push_back(fmt::format("{} {} rejected the throwaway certificate: {} the server's chain", validating,
                                        validating == 1 ? "connection" : "connections",
                                        validating == 1 ? "that client validates" : "those clients validate"));
  }
  document.text_sections.push_back(std::move(summary));
  if (options.self_signed) {
    document.notes.push_back("the listener served a throwaway chain (" + options.name +
                             "); an alert 48/42/46 from a client proves it validates, a completed handshake proves "
                             "it does not (client-skips-verification)");
  }
  if (session->profile.supported_suites_assumed) {
    document.notes.push_back("the listener accepts the platform's supported suites, partly assumed: " +
                             session->profile.supported_suites_note);
  }
  return report.finish(document, *session);
}

}  // namespace

void register_listen_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ListenOptions>();
  CLI::App* command =
      app.add_subcommand("listen", "Play the platform's side of an inbound call: a TLS 1.2 SIP server that judges "
                                   "every client that connects");
  command->add_option("--port", options->port, "TCP port to listen on (0: an ephemeral port)")
      ->check(CLI::Range(0, 65535))
      ->default_str("5061");
  command->add_option("--bind", options->bind, "Address to listen on (:: is IPv6 and IPv4)")->default_str("::");
  command->add_option("--cert", options->cert_path, "PEM certificate chain to serve (leaf first)");
  command->add_option("--key", options->key_path, "PEM private key of the leaf (never printed)");
  command->add_flag("--self-signed", options->self_signed,
                    "Serve a throwaway chain made for this run: shows whether clients validate the server");
  command->add_option("--name", options->name, "Host name of the throwaway certificate")
      ->default_str("sip.trunkcheck.invalid");
  command->add_flag("--request-client-cert", options->request_client_cert,
                    "Ask clients for a certificate (the platform never does) and judge what they present");
  command->add_option("--count", options->count, "Stop after this many connections")->check(CLI::Range(1, 100000000));
  command->add_option("--duration", options->duration, "Stop after this many seconds")
      ->check(CLI::Range(1, 86400 * 30));
  command->add_option("--invite-response", options->invite_response, "Final status answered to INVITE")
      ->check(CLI::Range(300, 699))
      ->default_str("480");
  command->add_option("--max-connections", options->max_connections,
                      "Connections open at once; more are accepted and closed at once")
      ->check(CLI::Range(1, 1000000))
      ->default_str("10000");
  command->add_option("--handshake-timeout", options->handshake_timeout, "Seconds from accept to a finished handshake")
      ->check(CLI::Range(0.1, 3600.0))
      ->default_str("10");
  command->add_option("--idle-timeout", options->idle_timeout, "Seconds a connection may stay silent after the handshake")
      ->check(CLI::Range(0.1, 86400.0))
      ->default_str("120");
  add_global_options(*command, options->global, {"text", "json"});
  command->callback([options, &exit_code] { exit_code = run_listen(*options); });
}

}  // namespace tc::cli
