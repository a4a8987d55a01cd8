#include "cli/pcap_command.h"

#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <future>
#include <fmt/format.h>
#include <iostream>
#include <memory>
#include <system_error>
#include <thread>

#include "cli/common.h"
#include "cli/pcap_connection_judge.h"
#include "cli/pcap_tally.h"
#include "cli/trust_setup.h"
#include "sources/endpoint_matcher.h"
#include "sources/live_capture.h"
#include "wire/capture.h"
#include "wire/parallel_capture.h"

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
  int threads = 0;  // 0: default_threads()
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

// Worker threads for capture files by default: the CPUs this process may run
// on (taskset, cgroups' cpusets), at most kMaxDefaultThreads — one reader
// thread feeds them all, and more workers than it can keep busy only cost memory.
constexpr size_t kMaxDefaultThreads = 8;
size_t default_threads() {
  cpu_set_t set;
  CPU_ZERO(&set);
  const size_t cpus = sched_getaffinity(0, sizeof(set), &set) == 0 ? static_cast<size_t>(CPU_COUNT(&set))
                                                                    : std::thread::hardware_concurrency();
  return std::clamp<size_t>(cpus, 1, kMaxDefaultThreads);
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
  const size_t threads = options.threads > 0 ? static_cast<size_t>(options.threads) : default_threads();
  // With threads, the trust anchors (~12 ms: 150 system roots, the profile's
  // re-read with their keys) are loaded while the capture is read; the
  // workers hold what they finish until they are (CaptureOptions::stages_ready).
  // Declared before anything holding the future, whose last copy waits for it.
  TrustSetup trust;
  ReportDocument trust_messages;  // its notes and errors, moved to the report once built
  std::shared_future<void> trust_built;
  if (threads > 1 && !options.files.empty()) {
    try {
      trust_built = std::async(std::launch::async, [&] { trust = build_trust(*session, trust_messages); }).share();
    } catch (const std::system_error&) {
      // No thread for it: built first, as with one thread.
    }
  }
  if (!trust_built.valid()) trust = build_trust(*session, trust_messages);
  sources::EndpointMatcher matcher(endpoints, platforms, session->profile.platform_host_patterns);
  RuleContext context{session->at, &session->profile, Purpose::server,
                      options.host.empty() ? std::nullopt : std::optional<std::string>(options.host)};

  wire::CaptureOptions capture;
  capture.ports = {session->profile.port};
  for (int port : options.ports) capture.ports.insert(static_cast<uint16_t>(port));
  capture.detect_any_port = options.detect;
  capture.max_connections = options.max_connections;
  capture.stages_ready = trust_built;

  // JSON streams its connections as they complete (flat memory on big captures).
  const std::string& format = session->options.format;
  StreamedReport report(*session, format == "json");
  const bool live = !options.interface_name.empty();
  PcapTally tally(report, format, live && format == "text");
  const auto listing = format != "json"              ? ConnectionJudge::Listing::none
                       : options.list == "all"      ? ConnectionJudge::Listing::all
                       : options.list == "findings" ? ConnectionJudge::Listing::with_findings
                                                    : ConnectionJudge::Listing::none;
  // One judge per worker thread (its caches are its own); files only: a live
  // capture runs on one thread.
  std::vector<std::unique_ptr<ConnectionJudge>> judges;
  std::vector<wire::WorkerStage> stages;
  for (size_t i = 0; i < std::max<size_t>(threads, 1); ++i) {
    ConnectionJudge& judge = *judges.emplace_back(
        std::make_unique<ConnectionJudge>(trust.store, matcher, context, listing,
                                          PcapTally::needs_server_chains(format)));
    stages.push_back([&judge](Connection&& connection) -> std::unique_ptr<wire::WorkerOutput> {
      return std::make_unique<JudgedConnection>(judge.judge(std::move(connection)));
    });
  }
  auto on_connection = [&](Connection&& connection) { tally.add(judges.front()->judge(std::move(connection))); };
  auto on_judged = [&](wire::WorkerOutput& output) { tally.add(static_cast<JudgedConnection&>(output)); };

  wire::CaptureStats stats;
  size_t sources_read = 0;
  bool show_progress = isatty(STDERR_FILENO) != 0;
  for (const auto& file : options.files) {
    std::vector<wire::CaptureDiagnostic> diagnostics;
    if (show_progress) capture.progress = progress_printer(file);
    bool ok = threads > 1 ? wire::read_capture_parallel(file, capture, stages, on_judged, stats, diagnostics)
                          : wire::read_capture(file, capture, on_connection, stats, diagnostics);
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
  if (trust_built.valid()) trust_built.get();  // before a live capture's judge, and the report
  // The trust notes and errors come first, as when they were made first.
  document.notes.insert(document.notes.begin(), trust_messages.notes.begin(), trust_messages.notes.end());
  document.errors.insert(document.errors.begin(), trust_messages.errors.begin(), trust_messages.errors.end());
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
  tally.fill(document, {options.files, options.interface_name, stats, endpoints.empty() && platforms.empty()},
             *session);
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
  command->add_option("--threads", options->threads,
                      "Worker threads for capture files (default: one per available CPU, at most 8; a live "
                      "capture uses one). The report is the same for any number")
      ->check(CLI::Range(1, 256));
  add_global_options(*command, options->global, kReportFormats);
  command->callback([options, &exit_code] { exit_code = run_pcap(*options); });
}

}  // namespace tc::cli
