#include "cli/scan_command.h"

#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>

#include "cli/common.h"
#include "cli/probe_runner.h"
#include "cli/scan_overrides.h"
#include "cli/trust_setup.h"
#include "model/json_encoding.h"
#include "policy/cipher_registry.h"
#include "report/csv_report.h"
#include "report/endpoint_json.h"
#include "report/scan_store.h"
#include "report/stored_facts.h"
#include "sources/client_credential.h"
#include "sources/target_list.h"

namespace tc::cli {

namespace {

// The targets file is read whole, bounded (docs/security.md).
constexpr size_t kMaxTargetsFileBytes = 16u << 20;

struct ScanOptions {
  GlobalOptions global;
  std::string targets_file;
  std::string db_path = "trunkcheck.db";
  int concurrency = 64;
  std::string sni;
  std::string client_cert;
  std::string client_key;
  double timeout_seconds = 5;
  int max_connections = 8;
  bool skip_suites = false;
};

// One finished target, handed from a worker to the main thread.
struct TargetResult {
  size_t index = 0;
  ProbeRun run;
  std::string setup_error;  // a credential, profile= or trust= that cannot be used
  Instant probed_at{};
};

Instant wall_clock() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

std::optional<std::string> read_bounded(const std::string& path, std::string& error) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    error = path + ": cannot read the targets file";
    return std::nullopt;
  }
  std::string text;
  text.resize(kMaxTargetsFileBytes + 1);
  file.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(file.gcount()));
  if (text.size() > kMaxTargetsFileBytes) {
    error = path + ": targets file larger than " + std::to_string(kMaxTargetsFileBytes >> 20) + " MiB";
    return std::nullopt;
  }
  return text;
}

// Credentials by "cert\nkey", loaded once before the workers start.
using Credentials = std::map<std::string, std::pair<std::optional<sources::ClientCredential>, std::string>>;

std::string credential_key(const std::string& cert, const std::string& key) { return cert + "\n" + key; }

class Progress {
 public:
  Progress(size_t total, bool enabled) : total_(total), enabled_(enabled), start_(std::chrono::steady_clock::now()) {}
  void update(size_t done, size_t failed, bool force = false) {
    if (!enabled_) return;
    auto now = std::chrono::steady_clock::now();
    if (!force && now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    double elapsed = std::chrono::duration<double>(now - start_).count();
    double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
    std::string eta = rate > 0 && done < total_ ? fmt::format(", ETA {:.0f} s", static_cast<double>(total_ - done) / rate) : "";
    std::cerr << fmt::format("\r\033[Kscan: {}/{} done, {} failed, {:.1f}/s{}", done, total_, failed, rate, eta)
              << std::flush;
  }
  void clear() {
    if (enabled_) std::cerr << "\r\033[K" << std::flush;
  }
  // An error line above the progress line (redrawn at the next update).
  void error(const std::string& message) {
    clear();
    print_error(message);
    last_ = {};
  }

 private:
  size_t total_;
  bool enabled_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_{};
};

// How many targets may be probed at once: --concurrency, lowered so every
// probe's connections fit the descriptor limit.
int effective_concurrency(const ScanOptions& options, std::string& note) {
  int concurrency = options.concurrency;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    const long usable = static_cast<long>(limit.rlim_cur) - 64;
    const long fits = std::max(1L, usable / (options.max_connections + 2));
    if (fits < concurrency) {
      concurrency = static_cast<int>(fits);
      note = fmt::format("concurrency lowered to {} to fit the descriptor limit ({})", concurrency,
                         static_cast<long>(limit.rlim_cur));
    }
  }
  return concurrency;
}

EndpointRecord record_for(const sources::Target& target, int64_t run_id, const Instant probed_at) {
  EndpointRecord record;
  record.run_id = run_id;
  record.target = target.spec();
  record.label = target.label;
  record.host = target.host;
  record.port = target.port;
  record.sni = target.sni;
  record.probed_at = format_instant(probed_at);
  return record;
}

// What a target was judged with, in its stored facts and its JSON item.
void add_judging(nlohmann::json& object, const TargetJudging& judging) {
  object["profile"] = judging.session.profile.name;
  object["at"] = format_instant(judging.session.at);
}

// " {profile=… at=… trust=…}" after a target's name when its line overrides them.
std::string overrides_text(const sources::Target& target) {
  std::string text;
  if (target.profile) text += " profile=" + *target.profile;
  if (target.at) text += " at=" + format_date(*target.at);
  if (target.trust) text += " trust=" + *target.trust;
  return text.empty() ? text : " {" + text.substr(1) + "}";
}

// --format csv: one row per endpoint (or per target that gave none).
const std::vector<std::string> kCsvColumns = {"target",      "label",  "address",        "port",          "sni",
                                              "profile",     "at",     "client_auth",    "platform_cipher",
                                              "leaf_not_after", "outbound_verdict", "findings", "error"};

int run_scan(const ScanOptions& options) {
  int exit_code = kExitOk;
  auto session = open_session(options.global, exit_code);
  if (!session) return exit_code;
  const bool html = session->options.format == "html";
  // Text and CSV never read the endpoint objects: not building them keeps a
  // large scan's memory to its rows (about 27 KB an endpoint otherwise).
  const bool keep_items = session->options.format != "text" && session->options.format != "csv";
  if (options.client_cert.empty() != options.client_key.empty()) {
    print_error("scan: --client-cert and --client-key go together");
    return kExitUsage;
  }
  std::string error;
  auto text = read_bounded(options.targets_file, error);
  if (!text) {
    print_error(error);
    return kExitInput;
  }
  sources::TargetListLimits limits;
  limits.default_port = session->profile.port;
  sources::TargetList list = sources::parse_target_list(*text, limits);

  ReportDocument document;
  document.command = "scan";
  for (const auto& problem : list.problems) {
    std::string message = options.targets_file + ":" + std::to_string(problem.line) + ": " + problem.message;
    print_error(message);
    document.errors.push_back(message);
  }
  if (list.problems_total > list.problems.size()) {
    std::string message = options.targets_file + ": " + std::to_string(list.problems_total - list.problems.size()) +
                          " more bad lines not listed";
    print_error(message);
    document.errors.push_back(message);
  }
  if (list.targets.empty()) {
    print_error(options.targets_file + ": no target to scan");
    return kExitInput;
  }

  // The store first: an unusable database stops the scan before any probe.
  auto store = ScanStore::open(options.db_path, ScanStore::Mode::read_write, error);
  if (!store) {
    print_error(error);
    return kExitInput;
  }
  RunRecord run_record;
  run_record.started_at = format_instant(session->now);
  run_record.judged_at = format_instant(session->at);
  run_record.profile = session->profile.name;
  run_record.targets_file = options.targets_file;
  run_record.tool_version = TRUNKCHECK_VERSION;
  auto run_id = store->begin_run(run_record, error);
  if (!run_id) {
    print_error(error);
    return kExitInput;
  }

  // Client credentials (the scan's and any target's), loaded once; keys stay in memory.
  Credentials credentials;
  auto load_credential = [&](const std::string& cert, const std::string& key) {
    std::string load_error;
    auto& slot = credentials[credential_key(cert, key)];
    if (slot.first || !slot.second.empty()) return;
    warn_if_key_exposed(key, document);
    slot.first = sources::load_client_credential(cert, key, load_error);
    if (!slot.first) slot.second = load_error.empty() ? cert + ": cannot be loaded" : load_error;
  };
  if (!options.client_cert.empty()) {
    load_credential(options.client_cert, options.client_key);
    if (!credentials.begin()->second.first) {
      print_error(credentials.begin()->second.second);
      return kExitInput;
    }
  }
  for (const auto& target : list.targets) {
    if (target.client_cert) load_credential(*target.client_cert, *target.client_key);
  }
  TrustSetup trust = build_trust(*session, document);
  // Each target's judging (its profile=, at=, trust= or the scan's), built
  // before the workers start so they only read it.
  TargetJudgings judgings(*session, trust.store);
  std::vector<const TargetJudging*> judging_of;
  judging_of.reserve(list.targets.size());
  for (const auto& target : list.targets) judging_of.push_back(&judgings.for_target(target));
  std::string concurrency_note;
  const int concurrency = effective_concurrency(options, concurrency_note);
  if (!concurrency_note.empty()) document.notes.push_back(concurrency_note);

  const size_t total = list.targets.size();
  std::atomic<size_t> next{0};
  std::mutex mutex;
  std::condition_variable ready;
  std::deque<TargetResult> results;
  auto worker = [&] {
    for (size_t index = next++; index < total; index = next++) {
      const sources::Target& target = list.targets[index];
      const TargetJudging& judging = *judging_of[index];
      TargetResult result;
      result.index = index;
      sources::ProbeRequest request;
      request.host = target.host;
      request.port = target.port;
      if (target.sni) {
        request.sni = target.sni;
      } else if (!options.sni.empty()) {
        request.sni = options.sni;
      }
      request.address = target.address;
      const sources::ClientCredential* credential = nullptr;
      std::string cert = target.client_cert.value_or(options.client_cert);
      std::string key = target.client_key.value_or(options.client_key);
      if (!cert.empty()) {
        const auto& slot = credentials.at(credential_key(cert, key));
        if (slot.first) {
          credential = &*slot.first;
        } else {
          result.setup_error = slot.second;
        }
      }
      if (!judging.error.empty()) {
        result.setup_error = options.targets_file + ":" + std::to_string(target.line) + ": " + judging.error;
      }
      if (result.setup_error.empty()) {
        request.user_credential = credential;
        const double seconds = target.timeout_seconds.value_or(options.timeout_seconds);
        request.timeout = std::chrono::milliseconds(static_cast<long>(seconds * 1000));
        request.max_connections = options.max_connections;
        request.profile = &judging.session.profile;
        request.scan_suites = !options.skip_suites;
        request.now = session->now;
        result.run = probe_and_judge(request, *judging.trust, judging.session);
      }
      result.probed_at = wall_clock();
      {
        std::lock_guard lock(mutex);
        results.push_back(std::move(result));
      }
      ready.notify_one();
    }
  };
  std::vector<std::jthread> workers;
  const size_t threads = std::min(total, static_cast<size_t>(std::max(concurrency, 1)));
  for (size_t t = 0; t < threads; ++t) workers.emplace_back(worker);

  Progress progress(total, isatty(STDERR_FILENO) != 0);
  std::vector<nlohmann::json> entries(total);
  std::vector<std::vector<std::string>> lines(total);
  std::vector<std::vector<std::vector<std::string>>> csv_rows(total);
  size_t done = 0, failed = 0, endpoints_stored = 0, reachable = 0;
  bool store_failed = false;
  const auto started = std::chrono::steady_clock::now();
  while (done < total) {
    TargetResult result;
    {
      std::unique_lock lock(mutex);
      ready.wait(lock, [&] { return !results.empty(); });
      result = std::move(results.front());
      results.pop_front();
    }
    ++done;
    const sources::Target& target = list.targets[result.index];
    const TargetJudging& judging = *judging_of[result.index];
    const std::string name =
        (target.label.empty() ? target.spec() : target.label + " (" + target.spec() + ")") + overrides_text(target);
    const std::string judged_at = format_instant(judging.session.at);
    nlohmann::json items = nlohmann::json::array();
    auto store_record = [&](const EndpointRecord& record) {
      if (store_failed) return;
      std::string store_error;
      if (store->add_endpoint(record, store_error)) {
        ++endpoints_stored;
      } else {
        store_failed = true;
        progress.error(store_error + "; the scan goes on without storing (rows stored so far are kept)");
        document.errors.push_back(store_error);
      }
    };
    if (result.run.endpoints.empty()) {
      ++failed;
      std::string why = !result.setup_error.empty() ? result.setup_error : result.run.error;
      std::string message = name + ": " + why;
      progress.error(message);
      document.errors.push_back(message);
      EndpointRecord record = record_for(target, *run_id, result.probed_at);
      record.error = why;
      record.verdict = why;
      record.client_auth = "unknown";
      add_judging(record.facts, judging);
      store_record(record);
      nlohmann::json item = {{"target", target.spec()},
                             {"label", target.label},
                             {"host", target.host},
                             {"address", nullptr},
                             {"port", target.port},
                             {"sni", target.sni ? nlohmann::json(*target.sni) : nlohmann::json(nullptr)},
                             {"outbound_verdict", nullptr},
                             {"run", *run_id},
                             {"findings", nlohmann::json::array()},
                             {"error", why}};
      add_judging(item, judging);
      if (keep_items) items.push_back(std::move(item));
      lines[result.index].push_back(name + "  error: " + why);
      csv_rows[result.index].push_back({target.spec(), target.label, "", std::to_string(target.port),
                                        target.sni.value_or(""), judging.session.profile.name, judged_at, "unknown",
                                        "", "", "", "", why});
    }
    bool any_failed = false;
    for (const JudgedEndpoint& judged : result.run.endpoints) {
      EndpointRecord record = record_for(target, *run_id, result.probed_at);
      record.address = judged.evidence.address;
      record.sni = judged.evidence.sni;
      record.client_auth = std::string(to_string(judged.evidence.client_auth));
      record.facts = stored_facts_json(judged.evidence, judged.judgement,
                                       judged.chain_verdict ? &*judged.chain_verdict : nullptr);
      if (record.facts["leaf"].is_object()) {
        record.leaf_sha256 = record.facts["leaf"].value("sha256", "");
        record.leaf_not_after = record.facts["leaf"].value("not_after", "");
      }
      add_judging(record.facts, judging);
      nlohmann::json ids = nlohmann::json::array();
      if (judged.reachable) {
        ++reachable;
        record.verdict = judged.judgement.outbound_verdict;
        for (const Finding& finding : judged.judgement.findings) {
          record.findings.push_back({finding.id, std::string(to_string(finding.severity)), finding.subject});
          ids.push_back(finding.id);
          document.findings.push_back(finding);
        }
      } else {
        any_failed = true;
        record.error = judged.error;
        record.verdict = judged.error;
        progress.error(name + ": " + judged.error);
        document.errors.push_back(name + ": " + judged.error);
      }
      store_record(record);
      if (keep_items) {
        nlohmann::json item = endpoint_to_json(judged.evidence, judged.judgement);
        // HTML draws the platform handshake and the drill per endpoint (a few
        // connections each, not the suite scan's dozens).
        if (html) item["ladders"] = endpoint_ladder_connections_json(judged.evidence, judged.judgement);
        item["target"] = target.spec();
        item["label"] = target.label;
        item["run"] = *run_id;
        item["findings"] = ids;
        item["error"] = judged.reachable ? nlohmann::json(nullptr) : nlohmann::json(judged.error);
        add_judging(item, judging);
        items.push_back(std::move(item));
      }
      std::string finding_ids;
      for (const auto& id : ids) finding_ids += (finding_ids.empty() ? "" : " ") + id.get<std::string>();
      // The suite the platform's own handshake (step 1) negotiated.
      std::optional<uint16_t> platform_cipher;
      if (judged.evidence.platform_connection < judged.evidence.connections.size()) {
        platform_cipher = judged.evidence.connections[judged.evidence.platform_connection].cipher;
      }
      csv_rows[result.index].push_back(
          {target.spec(), target.label, judged.evidence.address, std::to_string(judged.evidence.port),
           judged.evidence.sni.value_or(""), judging.session.profile.name, judged_at,
           std::string(to_string(judged.evidence.client_auth)),
           platform_cipher ? format_suite_code(*platform_cipher) : "", record.leaf_not_after.value_or(""),
           judged.reachable ? judged.judgement.outbound_verdict : "", finding_ids,
           judged.reachable ? std::string() : judged.error});
      std::string line = name + "  " + judged.evidence.address + "  ";
      if (judged.reachable) {
        line += judged.judgement.outbound_verdict;
        std::string id_text;
        for (const auto& id : ids) id_text += (id_text.empty() ? "" : " ") + id.get<std::string>();
        if (!id_text.empty()) line += "  [" + id_text + "]";
      } else {
        line += "error: " + judged.error;
      }
      lines[result.index].push_back(line);
    }
    if (any_failed) ++failed;
    entries[result.index] = std::move(items);
    progress.update(done, failed, done == total);
  }
  workers.clear();
  progress.clear();
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!store_failed) {
    std::string finish_error;
    if (!store->finish_run(*run_id, format_instant(wall_clock()), finish_error)) {
      store_failed = true;
      print_error(finish_error);
      document.errors.push_back(finish_error);
    }
  }

  nlohmann::json endpoints = nlohmann::json::array();
  TextSection section{"Scan", {}};
  section.lines.push_back(fmt::format("{} targets from {} ({} bad line(s)), {} endpoints, {} unreachable; run {} stored in {}",
                                      total, options.targets_file, list.problems_total, endpoints_stored, failed,
                                      *run_id, options.db_path));
  std::ostringstream csv;
  write_csv_row(csv, kCsvColumns);
  for (size_t i = 0; i < total; ++i) {
    for (auto& item : entries[i]) endpoints.push_back(std::move(item));
    for (auto& line : lines[i]) section.lines.push_back(std::move(line));
    for (const auto& row : csv_rows[i]) write_csv_row(csv, row);
  }
  if (session->options.format == "csv") document.csv = csv.str();
  document.text_sections.push_back(std::move(section));
  document.sections["scan"] = {{"targets_file", options.targets_file},
                               {"db", options.db_path},
                               {"run", *run_id},
                               {"targets", total},
                               {"bad_lines", list.problems_total},
                               {"truncated", list.truncated},
                               {"endpoints_stored", endpoints_stored},
                               {"unreachable", failed},
                               {"concurrency", concurrency},
                               {"elapsed_seconds", elapsed}};
  document.sections["endpoints"] = std::move(endpoints);
  if (session->profile.offer_order_assumed) {
    document.notes.push_back("the platform's offer order is assumed: " + session->profile.offer_order_note);
  }
  int code = emit_report(document, *session);
  if (store_failed || reachable == 0) return kExitInput;
  return code;
}

}  // namespace

void register_scan_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ScanOptions>();
  CLI::App* command = app.add_subcommand("scan", "Probe every endpoint of a targets file and store the results");
  command->add_option("--targets", options->targets_file,
                      "Targets file: host[:port] [label] [key=value …] per line, or CSV")
      ->required();
  command->add_option("--db", options->db_path, "SQLite history database")->default_str("trunkcheck.db");
  command->add_option("--concurrency", options->concurrency, "Targets probed at once")
      ->check(CLI::Range(1, 1024))
      ->default_str("64");
  command->add_option("--sni", options->sni, "Server name to send and check for every target (a target's sni= wins)");
  command->add_option("--client-cert", options->client_cert, "Also present this certificate in the EKU drill");
  command->add_option("--client-key", options->client_key, "Its private key (PEM, unencrypted; never printed or stored)");
  command->add_option("--timeout", options->timeout_seconds, "Seconds per connection attempt (a target's timeout= wins)")
      ->check(CLI::Range(0.1, 120.0))
      ->default_str("5");
  command->add_option("--max-connections", options->max_connections, "Parallel connections within each probe")
      ->check(CLI::Range(1, 64))
      ->default_str("8");
  command->add_flag("--skip-suites", options->skip_suites, "Skip suite and version enumeration");
  std::vector<std::string> formats = kReportFormats;
  formats.push_back("csv");
  add_global_options(*command, options->global, formats);
  command->callback([options, &exit_code] { exit_code = run_scan(*options); });
}

}  // namespace tc::cli
