#include "sources/suite_scanner.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>

#include "policy/cipher_registry.h"
#include "x509/handles.h"

namespace tc::sources {
namespace {

constexpr uint16_t kTls12 = 0x0303;
constexpr uint16_t kTls13 = 0x0304;
// SSL 3.0 too: testssl.sh reports it, and a POODLE-era SBC still answering it
// is worth knowing (SSL 2.0's different hello format is not worth building).
constexpr std::array<uint16_t, 5> kVersions = {0x0300, 0x0301, 0x0302, kTls12, kTls13};
constexpr std::array<uint16_t, 5> kTls13Suites = {0x1301, 0x1302, 0x1303, 0x1304, 0x1305};

using Suites = std::vector<uint16_t>;

bool contains(const Suites& suites, uint16_t code) {
  return std::find(suites.begin(), suites.end(), code) != suites.end();
}

Suites without(Suites suites, uint16_t code) {
  suites.erase(std::remove(suites.begin(), suites.end(), code), suites.end());
  return suites;
}

// task(0 … count-1) on at most `width` threads; returns when all are done.
void run_parallel(size_t count, int width, const std::function<void(size_t)>& task) {
  const size_t threads = std::min(count, static_cast<size_t>(std::max(width, 1)));
  if (threads <= 1) {
    for (size_t i = 0; i < count; ++i) task(i);
    return;
  }
  std::atomic<size_t> next{0};
  std::vector<std::jthread> workers;
  workers.reserve(threads);
  for (size_t t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (size_t i = next++; i < count; i = next++) task(i);
    });
  }
}

std::array<uint8_t, 32> x25519_public_key() {
  std::array<uint8_t, 32> key{};
  x509::EvpPkeyPtr pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519"));
  size_t length = key.size();
  if (!pkey || EVP_PKEY_get_raw_public_key(pkey.get(), key.data(), &length) != 1 || length != key.size()) {
    // Any 32 bytes are an X25519 public value (RFC 7748 §5); random ones are
    // a low-order point with negligible probability.
    (void)RAND_bytes(key.data(), static_cast<int>(key.size()));
  }
  return key;
}

// Runs the attempts, records each, and notices when the endpoint goes silent.
class Scanner {
 public:
  explicit Scanner(const SuiteScanRequest& request) : request_(request), key_share_(x25519_public_key()) {}

  // A ClientHello offering `suites` at `version` (1.3: via supported_versions).
  wire::ClientHelloSpec spec(uint16_t version, const Suites& suites) const {
    wire::ClientHelloSpec spec;
    spec.cipher_suites = suites;
    spec.server_name = request_.sni;
    // Never completed, so a weak random would cost nothing; OpenSSL's is at hand anyway.
    (void)RAND_bytes(spec.random.data(), static_cast<int>(spec.random.size()));
    if (version == kTls13) {
      spec.supported_versions = {kTls13};
      spec.x25519_public = key_share_;
    } else {
      spec.legacy_version = version;
      if (version < 0x0301) spec.record_version = version;  // SSL 3.0 servers may insist
      // RFC 5246 §7.4.1.4.1: only a client offering TLS 1.2 sends signature_algorithms.
      if (version < kTls12) spec.signature_algorithms.clear();
    }
    return spec;
  }

  // One attempt; nullopt once the endpoint has gone silent (nothing is sent).
  std::optional<HelloAttemptResult> attempt(std::string purpose, const wire::ClientHelloSpec& spec) {
    size_t index = 0;
    SteadyClock::time_point start_at;
    {
      std::unique_lock lock(mutex_);
      // Once an attempt went unanswered, new ones wait for those in flight:
      // a dead endpoint then costs one timeout, not one per parallel slot.
      settled_.wait(lock, [&] { return gave_up_ || silent_in_a_row_ == 0 || in_flight_ == 0; });
      if (gave_up_) return std::nullopt;
      index = started_++;
      ++in_flight_;
      start_at = std::max(SteadyClock::now(), next_start_);
      next_start_ = start_at + request_.pace;
    }
    std::this_thread::sleep_until(start_at);
    HelloAttemptOptions options;
    options.timeout = request_.attempt_timeout;
    HelloAttemptResult result = attempt_hello(request_.address, spec, options);

    std::lock_guard lock(mutex_);
    --in_flight_;
    settled_.notify_all();
    silent_in_a_row_ = result.responded() ? 0 : silent_in_a_row_ + 1;
    if (silent_in_a_row_ >= std::max(request_.silent_limit, 1) && !gave_up_) {
      gave_up_ = true;
      note_ = "the endpoint stopped answering: " + std::to_string(silent_in_a_row_) +
              " attempts in a row got no answer (last: " + result.reason + "); the scan stopped after " +
              std::to_string(started_) + " attempts and its results are partial";
    }
    attempts_.emplace_back(index, ScanAttempt{std::move(purpose), result});
    return result;
  }

  bool gave_up() {
    std::lock_guard lock(mutex_);
    return gave_up_;
  }
  std::string gave_up_note() {
    std::lock_guard lock(mutex_);
    return note_;
  }
  std::vector<ScanAttempt> take_attempts() {
    std::lock_guard lock(mutex_);
    std::sort(attempts_.begin(), attempts_.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<ScanAttempt> out;
    out.reserve(attempts_.size());
    for (auto& [index, attempt] : attempts_) out.push_back(std::move(attempt));
    attempts_.clear();
    return out;
  }

 private:
  const SuiteScanRequest& request_;
  const std::array<uint8_t, 32> key_share_;
  std::mutex mutex_;
  std::condition_variable settled_;  // an attempt finished
  std::vector<std::pair<size_t, ScanAttempt>> attempts_;
  size_t started_ = 0;
  size_t in_flight_ = 0;
  SteadyClock::time_point next_start_{};
  int silent_in_a_row_ = 0;
  bool gave_up_ = false;
  std::string note_;
};

VersionSupport judge_version(uint16_t version, const HelloAttemptResult& result) {
  VersionSupport support;
  support.version = version;
  support.tested = true;
  support.outcome = result.outcome;
  support.alert = result.alert;
  if (result.answered()) {
    support.answered_version = result.version;
    support.cipher = result.cipher;
    support.supported = result.version == version;
    if (!support.supported) {
      support.reason = "server answered with " + format_tls_version(result.version.value_or(0));
    }
  } else {
    support.reason = result.reason;
  }
  return support;
}

OfferResult judge_offer(Suites offered, const HelloAttemptResult& result) {
  OfferResult offer;
  offer.tested = true;
  offer.offered = std::move(offered);
  offer.outcome = result.outcome;
  offer.alert = result.alert;
  offer.connected = result.answered();
  if (offer.connected) {
    offer.suite = result.cipher;
    offer.version = result.version;
  } else {
    offer.failure = result.reason;
  }
  return offer;
}

// Phase 1: the five versions and the platform's two offers.
void probe_versions_and_offers(Scanner& scanner, const SuiteScanRequest& request, const Suites& candidates,
                               SuiteScanResult& out) {
  out.versions.resize(kVersions.size());
  for (size_t i = 0; i < kVersions.size(); ++i) out.versions[i].version = kVersions[i];
  out.platform_choice.offered = request.platform_offer;
  Suites trimmed = request.platform_offer;
  std::erase_if(trimmed, [&](uint16_t code) { return contains(request.deprecated, code); });
  out.without_deprecated.offered = trimmed;
  const bool offer_differs = trimmed != request.platform_offer;

  std::vector<std::function<void()>> tasks;
  for (size_t i = 0; i < kVersions.size(); ++i) {
    tasks.emplace_back([&, i] {
      const uint16_t version = kVersions[i];
      const Suites suites = version == kTls13 ? Suites(kTls13Suites.begin(), kTls13Suites.end()) : candidates;
      if (auto result =
              scanner.attempt("version " + format_tls_version(version), scanner.spec(version, suites))) {
        out.versions[i] = judge_version(version, *result);
      }
    });
  }
  if (!request.platform_offer.empty()) {
    tasks.emplace_back([&] {
      if (auto result = scanner.attempt("platform offer", scanner.spec(kTls12, request.platform_offer))) {
        out.platform_choice = judge_offer(request.platform_offer, *result);
      }
    });
  }
  if (!trimmed.empty() && offer_differs) {
    tasks.emplace_back([&] {
      if (auto result =
              scanner.attempt("platform offer without deprecated suites", scanner.spec(kTls12, trimmed))) {
        out.without_deprecated = judge_offer(trimmed, *result);
      }
    });
  }
  run_parallel(tasks.size(), request.max_connections, [&](size_t i) { tasks[i](); });

  if (!request.platform_offer.empty() && !offer_differs) {
    out.without_deprecated = out.platform_choice;  // the same offer: no second connection
    out.notes.push_back(
        "the platform's offer holds no deprecated suite; without_deprecated repeats platform_choice");
  } else if (!request.platform_offer.empty() && trimmed.empty()) {
    out.without_deprecated.tested = true;
    out.without_deprecated.failure = "every suite of the platform's offer is deprecated";
  }
}

// Silence is no answer: a version or offer that timed out is unknown, not refused.
bool answered_somehow(HelloOutcome outcome) {
  return outcome != HelloOutcome::timeout && outcome != HelloOutcome::connect_failed;
}

void note_unanswered(SuiteScanResult& out) {
  for (const VersionSupport& version : out.versions) {
    if (version.tested && !answered_somehow(version.outcome)) {
      out.complete = false;
      out.notes.push_back(format_tls_version(version.version) + " not determined: " + version.reason);
    }
  }
  for (const OfferResult* offer : {&out.platform_choice, &out.without_deprecated}) {
    if (offer->tested && !offer->connected && !offer->offered.empty() && !answered_somehow(offer->outcome)) {
      out.complete = false;
      out.notes.push_back(std::string(offer == &out.platform_choice
                                          ? "platform offer"
                                          : "platform offer without deprecated suites") +
                          " not determined: " + offer->failure);
    }
  }
}

// Phase 2: each group offered again and again minus the chosen suite, until refused.
void enumerate_tls12(Scanner& scanner, const SuiteScanRequest& request, const Suites& candidates,
                     SuiteScanResult& out) {
  const size_t groups =
      std::min(static_cast<size_t>(std::max(request.max_connections, 1)), candidates.size());
  // Round-robin, so related suites (all ECDHE, say) spread over the groups and
  // the longest chain of acceptances stays short.
  std::vector<Suites> offers(groups);
  for (size_t i = 0; i < candidates.size(); ++i) offers[i % groups].push_back(candidates[i]);
  std::vector<Suites> accepted(groups);
  std::vector<std::string> notes(groups);

  run_parallel(groups, request.max_connections, [&](size_t g) {
    Suites remaining = offers[g];
    for (int step = 1; !remaining.empty(); ++step) {
      const std::string purpose = "TLS 1.2 suites, group " + std::to_string(g + 1) + " of " +
                                  std::to_string(groups) + ", offer " + std::to_string(step);
      auto result = scanner.attempt(purpose, scanner.spec(kTls12, remaining));
      if (!result) return;  // the endpoint went silent; noted once by the scanner
      if (!result->answered()) {
        // An alert or a close is the refusal that ends the group; silence or junk leaves it open.
        if (result->outcome != HelloOutcome::alert && result->outcome != HelloOutcome::closed) {
          notes[g] = purpose + ": " + result->reason + "; " + std::to_string(remaining.size()) +
                     " suites of this group untested";
        }
        return;
      }
      const uint16_t chosen = result->cipher.value_or(0);
      if (!contains(remaining, chosen) || result->version != kTls12) {
        notes[g] = purpose + ": the server chose " + describe_suite(chosen) + " at " +
                   format_tls_version(result->version.value_or(0)) +
                   ", which was not offered; group abandoned";
        return;
      }
      accepted[g].push_back(chosen);
      remaining = without(std::move(remaining), chosen);
    }
  });

  for (const Suites& group : accepted) {
    for (uint16_t code : group) out.suites_accepted.push_back(code);
  }
  std::sort(out.suites_accepted.begin(), out.suites_accepted.end(), [&](uint16_t a, uint16_t b) {
    return std::find(candidates.begin(), candidates.end(), a) <
           std::find(candidates.begin(), candidates.end(), b);
  });
  for (std::string& note : notes) {
    if (note.empty()) continue;
    out.complete = false;
    out.notes.push_back(std::move(note));
  }
}

// Phases 3 and 4: who decides, and the server's order when it does.
void probe_preference(Scanner& scanner, const SuiteScanRequest& request, SuiteScanResult& out) {
  const Suites& accepted = out.suites_accepted;
  if (accepted.size() < 2) return;
  const Suites forward = accepted;
  const Suites reversed(accepted.rbegin(), accepted.rend());
  std::array<std::optional<HelloAttemptResult>, 2> answers;
  run_parallel(2, request.max_connections, [&](size_t i) {
    answers[i] = scanner.attempt(
        i == 0 ? "preference, accepted suites forward" : "preference, accepted suites reversed",
        scanner.spec(kTls12, i == 0 ? forward : reversed));
  });
  for (const auto& answer : answers) {
    if (answer && !answer->answered()) {
      out.notes.push_back("preference not determined: " + answer->error);
      out.complete = false;
    }
    if (!answer || !answer->answered()) return;
  }
  const uint16_t forward_choice = answers[0]->cipher.value_or(0);
  const uint16_t reversed_choice = answers[1]->cipher.value_or(0);
  out.preference_tested = true;
  // The client decides only if the server took our first suite both times.
  out.server_preference = !(forward_choice == forward.front() && reversed_choice == reversed.front());
  if (!out.server_preference) return;
  if (forward_choice != reversed_choice) {
    out.notes.push_back("the server's choice depends partly on the client's order (" +
                        describe_suite(forward_choice) + " forward, " + describe_suite(reversed_choice) +
                        " reversed); preference_order is the order it shows for the forward offer");
  }

  Suites order = {forward_choice};
  Suites remaining = without(forward, forward_choice);
  for (int step = 2; remaining.size() > 1; ++step) {
    auto result =
        scanner.attempt("preference order, step " + std::to_string(step), scanner.spec(kTls12, remaining));
    const uint16_t chosen = result && result->answered() ? result->cipher.value_or(0) : 0;
    if (!result || !result->answered() || !contains(remaining, chosen)) {
      out.complete = false;
      out.notes.push_back(
          "preference order incomplete after " + std::to_string(order.size()) + " suites" +
          (result ? ": " + (result->answered() ? "the server chose an unoffered suite" : result->error)
                  : std::string()));
      break;
    }
    order.push_back(chosen);
    remaining = without(std::move(remaining), chosen);
  }
  if (remaining.size() == 1) order.push_back(remaining.front());  // the last one needs no question
  out.preference_order = std::move(order);
}

}  // namespace

std::vector<uint16_t> default_scan_candidates() {
  std::vector<uint16_t> codes;
  for (const CipherSuite& suite : all_cipher_suites()) {
    if (!suite.tls13 && suite.key_exchange != KeyExchange::none && !is_signalling_suite(suite.code)) {
      codes.push_back(suite.code);
    }
  }
  return codes;
}

const VersionSupport* SuiteScanResult::version(uint16_t wanted) const {
  for (const VersionSupport& support : versions) {
    if (support.version == wanted) return &support;
  }
  return nullptr;
}

SuiteScanResult scan_suites(const SuiteScanRequest& request) {
  const auto start = SteadyClock::now();
  SuiteScanResult out;
  Suites candidates = request.candidates.empty() ? default_scan_candidates() : request.candidates;
  // A suite listed twice could land in two groups and be counted twice.
  Suites unique;
  for (uint16_t code : candidates) {
    if (!contains(unique, code)) unique.push_back(code);
  }
  candidates = std::move(unique);

  Scanner scanner(request);
  probe_versions_and_offers(scanner, request, candidates, out);
  note_unanswered(out);
  const VersionSupport* tls12 = out.version(kTls12);
  if (tls12->supported) {
    enumerate_tls12(scanner, request, candidates, out);
    probe_preference(scanner, request, out);
  } else if (tls12->tested && answered_somehow(tls12->outcome)) {
    out.notes.push_back("TLS 1.2 refused (" + tls12->reason + "); no TLS 1.2 suites to enumerate");
  }

  if (scanner.gave_up()) {
    out.complete = false;
    out.notes.insert(out.notes.begin(), scanner.gave_up_note());
  }
  out.attempts = scanner.take_attempts();
  out.wall_time = std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - start);
  return out;
}

}  // namespace tc::sources
