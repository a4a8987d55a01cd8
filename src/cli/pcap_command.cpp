#include "cli/pcap_command.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <fmt/format.h>
#include <iostream>
#include <memory>
#include <set>
#include <unordered_map>

#include "cli/common.h"
#include "cli/trust_setup.h"
#include "policy/cipher_registry.h"
#include "report/connection_json.h"
#include "report/finding_groups.h"
#include "report/json_report.h"
#include "report/report_targets.h"
#include "rules/connection_rules.h"
#include "sources/endpoint_matcher.h"
#include "sources/evidence_completer.h"
#include "sources/live_capture.h"
#include "wire/capture.h"

namespace tc::cli {

namespace {

std::atomic<bool> g_stop{false};
extern "C" void request_stop(int) { g_stop.store(true); }

struct PcapOptions {
  GlobalOptions global;
  std::vector<std::string> files;
  std::vector<std::string> endpoints;
  std::vector<std::string> platforms;
  std::vector<int> ports;
  bool detect = false;
  std::string interface_name;
  int duration = 0;
  std::string filter;
  std::string host;
  std::string list = "all";
  size_t max_connections = 100000;
};

struct DirectionCounts {
  uint64_t inbound = 0, outbound = 0, unknown = 0;
  void add(Direction direction) {
    (direction == Direction::inbound ? inbound : direction == Direction::outbound ? outbound : unknown)++;
  }
};

// "\rcapture.pcap: 512 of 1000 MB (51%), 850 MB/s, ETA 1 s" on stderr (a TTY).
std::function<void(uint64_t)> progress_printer(const std::string& file) {
  struct stat info {};
  uint64_t total = 0;
  bool compressed = file.ends_with(".gz");
  if (file != "-" && !compressed && stat(file.c_str(), &info) == 0) total = static_cast<uint64_t>(info.st_size);
  auto start = std::chrono::steady_clock::now();
  return [file, total, start](uint64_t done) {
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
    constexpr double kMB = 1e6;
    if (total > 0) {
      double eta = rate > 0 ? static_cast<double>(total - std::min(done, total)) / rate : 0;
      std::cerr << fmt::format("\r{}: {:.0f} of {:.0f} MB ({:.0f}%), {:.0f} MB/s, ETA {:.0f} s\033[K", file,
                               static_cast<double>(done) / kMB, static_cast<double>(total) / kMB,
                               100.0 * static_cast<double>(done) / static_cast<double>(total), rate / kMB, eta);
    } else {
      std::cerr << fmt::format("\r{}: {:.0f} MB, {:.0f} MB/s\033[K", file, static_cast<double>(done) / kMB,
                               rate / kMB);
    }
    std::cerr << std::flush;
  };
}

std::string one_line_verdict(const Connection& connection, const Findings& findings) {
  std::string ids;
  for (const auto& finding : findings) ids += (ids.empty() ? "" : " ") + finding.id;
  return fmt::format("{} {} {} cipher {} {}{}", connection_label(connection), to_string(connection.direction),
                     connection.version ? format_tls_version(*connection.version) : "no ServerHello",
                     connection.cipher ? format_suite_code(*connection.cipher) : "-",
                     connection.established ? "established" : "not established",
                     ids.empty() ? "" : ": " + ids);
}

int run_pcap(PcapOptions& options) {
  int exit_code = kExitOk;
  auto session = open_session(options.global, exit_code);
  if (!session) return exit_code;
  if (options.files.empty() && options.interface_name.empty()) {
    print_error("give capture files (or - for stdin) or --interface");
    return kExitUsage;
  }
  std::vector<sources::AddressPattern> endpoints, platforms;
  for (auto [texts, out, flag] : {std::tuple{&options.endpoints, &endpoints, "--endpoint"},
                                  std::tuple{&options.platforms, &platforms, "--platform"}}) {
    for (const auto& text : *texts) {
      std::string error;
      auto pattern = sources::parse_address_pattern(text, error);
      if (!pattern) {
        print_error(std::string(flag) + ": " + error);
        return kExitUsage;
      }
      out->push_back(*pattern);
    }
  }
  ReportDocument document;
  document.command = "pcap";
  TrustSetup trust = build_trust(*session, document);
  sources::EndpointMatcher matcher(endpoints, platforms, session->profile.platform_host_patterns);
  sources::EvidenceCompleter completer(trust.store, session->at);
  RuleContext context{session->at, &session->profile, Purpose::server,
                      options.host.empty() ? std::nullopt : std::optional<std::string>(options.host)};

  wire::CaptureOptions capture;
  capture.ports = {session->profile.port};
  for (int port : options.ports) capture.ports.insert(static_cast<uint16_t>(port));
  capture.detect_any_port = options.detect;
  capture.max_connections = options.max_connections;

  // JSON streams its connections as they complete (flat memory on big captures).
  bool json = session->options.format == "json";
  StreamedReport report(*session, json);
  // HTML draws ladders for a bounded set of connections with findings: the
  // first of each (server, direction, finding ids), at most kHtmlLadders;
  // later connections of a drawn kind are counted on it.
  constexpr size_t kHtmlLadders = 50;
  const bool html = session->options.format == "html";
  const bool per_server = session->options.format == "prometheus" || session->options.format == "junit";
  nlohmann::json ladders = nlohmann::json::array();
  std::unordered_map<std::string, size_t> ladder_kinds;
  uint64_t with_findings = 0, not_drawn = 0;
  ServerFacts servers;
  FindingGroups groups;
  std::unordered_map<std::string, Findings> chain_findings;  // bounded: cleared at 1,024 chains
  DirectionCounts directions;
  uint64_t connections_seen = 0;
  bool live = !options.interface_name.empty();
  bool print_each = live && session->options.format == "text";
  auto on_connection = [&](Connection&& connection) {
    sources::EvidenceCompleter::Completed evidence = completer.complete(connection);
    connection.direction = matcher.direction_of(connection);
    Findings findings = judge_handshake(connection, context);
    // The chain half depends only on the chain and the name: judge each once.
    std::optional<std::string> name = context.host ? context.host : connection.sni;
    std::string chain_key = name.value_or("") + "|" + evidence.chain_key;
    auto cached = chain_findings.find(chain_key);
    if (cached == chain_findings.end()) {
      if (chain_findings.size() >= 1024) chain_findings.clear();
      cached = chain_findings
                   .emplace(chain_key, judge_server_chain(connection.server_chain, name, evidence.server_chain,
                                                          context))
                   .first;
    }
    nlohmann::json named_connection = connection_evidence(connection);
    for (Finding finding : cached->second) {
      finding.evidence["connection"] = named_connection;
      findings.push_back(std::move(finding));
    }
    ++connections_seen;
    directions.add(connection.direction);
    std::vector<std::string> ids;
    for (const auto& finding : findings) {
      groups.add(finding, connection);
      if (std::find(ids.begin(), ids.end(), finding.id) == ids.end()) ids.push_back(finding.id);
    }
    if (report.streaming() && (options.list == "all" || (options.list == "findings" && !ids.empty()))) {
      report.add(connection_to_json(connection, ids));
    }
    if (per_server) servers.add(connection);
    if (html && !ids.empty()) {
      ++with_findings;
      std::vector<std::string> sorted_ids = ids;
      std::sort(sorted_ids.begin(), sorted_ids.end());
      std::string kind = connection.server + "|" + std::string(to_string(connection.direction));
      for (const auto& id : sorted_ids) kind += "|" + id;
      if (auto drawn = ladder_kinds.find(kind); drawn != ladder_kinds.end()) {
        auto& similar = ladders[drawn->second]["similar_connections"];
        similar = similar.get<uint64_t>() + 1;
      } else if (ladders.size() < kHtmlLadders) {
        ladder_kinds.emplace(kind, ladders.size());
        nlohmann::json drawn_connection = connection_to_json(connection, ids);
        drawn_connection["similar_connections"] = 0;
        ladders.push_back(std::move(drawn_connection));
      } else {
        ++not_drawn;
      }
    }
    if (print_each) std::cout << one_line_verdict(connection, findings) << std::endl;
  };

  wire::CaptureStats stats;
  size_t sources_read = 0;
  bool show_progress = isatty(STDERR_FILENO) != 0;
  for (const auto& file : options.files) {
    std::vector<wire::CaptureDiagnostic> diagnostics;
    if (show_progress) capture.progress = progress_printer(file);
    bool ok = wire::read_capture(file, capture, on_connection, stats, diagnostics);
    for (const auto& diagnostic : diagnostics) {
      std::string message = diagnostic.message;
      if (message.rfind(file, 0) != 0) message = file + ": " + message;
      print_error(message);
      document.errors.push_back(message);
    }
    if (show_progress) std::cerr << "\r\033[K" << std::flush;
    if (ok) ++sources_read;
  }
  capture.progress = nullptr;
  if (live) {
    std::signal(SIGINT, request_stop);
    std::signal(SIGTERM, request_stop);
    sources::LiveCaptureOptions live_options{options.interface_name,
                                             options.duration > 0
                                                 ? std::optional(std::chrono::seconds(options.duration))
                                                 : std::nullopt,
                                             options.filter};
    std::string error;
    if (!sources::run_live_capture(live_options, capture, on_connection, stats, g_stop, error)) {
      print_error(error);
      document.errors.push_back(error);
    } else {
      ++sources_read;
    }
  }
  if (sources_read == 0) {
    report.abandon(document);  // keep stdout valid JSON
    return kExitInput;
  }

  document.findings = groups.findings();
  nlohmann::json counts = nlohmann::json::object();
  for (const auto& [id, count] : groups.connections_per_id()) counts[id] = count;
  document.summary_counts = counts;
  document.sections["capture"] = {{"files", options.files},
                                  {"interface", options.interface_name},
                                  {"frames", stats.frames},
                                  {"bytes", stats.bytes},
                                  {"tls_connections", connections_seen},
                                  {"other_tcp_connections", stats.connections_other},
                                  {"directions",
                                   {{"inbound", directions.inbound},
                                    {"outbound", directions.outbound},
                                    {"unknown", directions.unknown}}},
                                  {"skipped",
                                   {{"ip_fragments", stats.ip_fragments_skipped},
                                    {"non_ip", stats.non_ip},
                                    {"non_tcp", stats.non_tcp},
                                    {"malformed", stats.malformed},
                                    {"unsupported_link_type", stats.unsupported_link_type},
                                    {"connections_evicted", stats.connections_evicted},
                                    {"lost_bytes", stats.lost_bytes}}}};
  TextSection summary{"Capture", {}};
  summary.lines.push_back(fmt::format("{} frames, {} bytes; {} TLS connections ({} inbound, {} outbound, {} unknown "
                                      "direction); {} other TCP connections",
                                      stats.frames, stats.bytes, connections_seen, directions.inbound,
                                      directions.outbound, directions.unknown, stats.connections_other));
  if (stats.ip_fragments_skipped || stats.malformed || stats.lost_bytes || stats.connections_evicted) {
    summary.lines.push_back(fmt::format("skipped: {} IP fragments, {} malformed frames, {} lost bytes, {} connections "
                                        "evicted at the tracking cap",
                                        stats.ip_fragments_skipped, stats.malformed, stats.lost_bytes,
                                        stats.connections_evicted));
  }
  if (directions.unknown > 0 && endpoints.empty() && platforms.empty()) {
    document.notes.push_back("direction unknown for some connections: give --endpoint (the customer side) or "
                             "--platform (the cloud side) to judge inbound and outbound calls separately");
  }
  if (session->profile.supported_suites_assumed && directions.inbound > 0) {
    document.notes.push_back("the platform's supported suites are partly assumed: " +
                             session->profile.supported_suites_note);
  }
  document.text_sections.push_back(std::move(summary));
  if (per_server) {
    document.sections["servers"] = servers.to_json();
    if (servers.servers_omitted() > 0) {
      document.notes.push_back(fmt::format("per-server metrics cover the first 10000 servers; {} connections to "
                                           "further servers are not broken down",
                                           servers.servers_omitted()));
    }
  }
  if (html) {
    document.sections["connections"] = std::move(ladders);
    document.sections["ladders"] = {{"connections", connections_seen},
                                    {"with_findings", with_findings},
                                    {"drawn", ladder_kinds.size()},
                                    {"not_drawn", not_drawn},
                                    {"cap", kHtmlLadders}};
  }
  return report.finish(document, *session);
}

}  // namespace

void register_pcap_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<PcapOptions>();
  CLI::App* command = app.add_subcommand("pcap", "Read the TLS handshakes of SIP trunk captures and judge them");
  command->add_option("files", options->files, "pcap or pcapng files, optionally gzip-compressed; - for stdin");
  command->add_option("--endpoint", options->endpoints,
                      "The customer side: address, prefix (a.b.c.d/n) or address:port (repeatable)");
  command->add_option("--platform", options->platforms, "The cloud platform side, same forms (repeatable)");
  command->add_option("--port", options->ports, "Also read TLS on this TCP port (repeatable; the profile's port "
                                                "is always read)")
      ->check(CLI::Range(1, 65535));
  command->add_flag("--detect", options->detect, "Recognise TLS on any port by its first bytes");
  command->add_option("--interface", options->interface_name, "Capture live from this interface");
  command->add_option("--duration", options->duration, "Stop a live capture after this many seconds")
      ->check(CLI::Range(1, 86400 * 30));
  command->add_option("--filter", options->filter, "BPF filter for live capture (default: the TLS ports)");
  command->add_option("--host", options->host, "Check server certificates against this name instead of the SNI");
  command->add_option("--connections", options->list, "Which connections JSON lists")
      ->check(CLI::IsMember({"all", "findings", "none"}))
      ->default_str("all");
  command->add_option("--max-connections", options->max_connections,
                      "Connections tracked at once; the oldest idle one is dropped beyond this")
      ->check(CLI::Range(1, 10000000))
      ->default_str("100000");
  add_global_options(*command, options->global, kReportFormats);
  command->callback([options, &exit_code] { exit_code = run_pcap(*options); });
}

}  // namespace tc::cli
