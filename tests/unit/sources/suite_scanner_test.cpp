#include "sources/suite_scanner.h"

#include <gtest/gtest.h>

#include <iostream>

#include "policy/cipher_registry.h"
#include "tls_test_servers.h"

namespace tc::sources {
namespace {

using namespace std::chrono_literals;
using testing::ChildProcess;
using testing::loopback;
using Suites = std::vector<uint16_t>;

// The BYOC profile's (assumed) offer order, deprecated suites last (DOMAIN.md §3).
const Suites kPlatformOffer = {0xc030, 0xc02f, 0x009d, 0x009c, 0xc014, 0x0035, 0xc028, 0x003d};
const Suites kDeprecated = {0x003d, 0xc028};

SuiteScanRequest request_for(uint16_t port) {
  SuiteScanRequest request;
  request.address = loopback(port);
  request.sni = "sbc.example.com";
  request.platform_offer = kPlatformOffer;
  request.deprecated = kDeprecated;
  request.attempt_timeout = 3000ms;
  return request;
}

std::string describe(const SuiteScanResult& result) {
  std::string out = "accepted:";
  for (uint16_t code : result.suites_accepted) out += " " + format_suite_code(code);
  out += "\norder:";
  for (uint16_t code : result.preference_order) out += " " + format_suite_code(code);
  for (const auto& v : result.versions) out += "\n" + format_tls_version(v.version) + ": " + v.reason;
  for (const auto& note : result.notes) out += "\nnote: " + note;
  for (const auto& a : result.attempts) {
    out += "\nattempt " + a.purpose + ": " + std::string(to_string(a.result.outcome)) + " " +
           a.result.reason + (a.result.cipher ? " " + format_suite_code(*a.result.cipher) : std::string());
  }
  return out;
}

bool every_attempt_is_evidence(const SuiteScanResult& result) {
  return std::all_of(result.attempts.begin(), result.attempts.end(), [](const ScanAttempt& a) {
    return !a.purpose.empty() && a.result.connection.server.starts_with("127.0.0.1:") &&
           a.result.connection.client.starts_with("127.0.0.1:") && !a.result.connection.client_offer.empty();
  });
}

class SuiteScannerOpenssl : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::have_program("openssl")) GTEST_SKIP() << "openssl not installed";
    ASSERT_TRUE(testing::write_server_credentials(dir_.path()));
  }
  uint16_t start(const std::vector<std::string>& options) {
    const uint16_t port = testing::start_openssl_server(server_, dir_.path(), options);
    EXPECT_NE(port, 0) << server_.log();
    return port;
  }

  testing::TempDir dir_;
  ChildProcess server_;
};

TEST_F(SuiteScannerOpenssl, OneSuiteServerAcceptsExactlyIt) {
  const uint16_t port = start({"-cipher", "AES256-SHA256"});
  ASSERT_NE(port, 0);
  const SuiteScanResult result = scan_suites(request_for(port));
  EXPECT_TRUE(result.complete) << describe(result);
  EXPECT_EQ(result.suites_accepted, Suites{0x003d}) << describe(result);
  EXPECT_FALSE(result.preference_tested);  // one suite: nothing to compare
  EXPECT_TRUE(result.preference_order.empty());

  ASSERT_EQ(result.versions.size(), 5u);
  EXPECT_FALSE(result.version(0x0300)->supported);  // OpenSSL 3 has no SSL 3.0
  EXPECT_TRUE(result.version(0x0303)->supported);
  EXPECT_EQ(result.version(0x0303)->cipher, 0x003d);
  EXPECT_TRUE(result.version(0x0304)->supported);  // -cipher leaves TLS 1.3's suites alone

  // The platform's offer ends with the deprecated 0x003d: that is what it gets.
  EXPECT_TRUE(result.platform_choice.connected) << result.platform_choice.failure;
  EXPECT_EQ(result.platform_choice.suite, 0x003d);
  EXPECT_EQ(result.platform_choice.offered, kPlatformOffer);
  // Without the deprecated suites nothing is left that this server accepts.
  EXPECT_TRUE(result.without_deprecated.tested);
  EXPECT_FALSE(result.without_deprecated.connected);
  EXPECT_EQ(result.without_deprecated.alert, 40);
  EXPECT_EQ(result.without_deprecated.failure, "handshake_failure alert (40)");
  EXPECT_EQ(result.without_deprecated.offered, (Suites{0xc030, 0xc02f, 0x009d, 0x009c, 0xc014, 0x0035}));

  EXPECT_EQ(result.attempt_count(), result.attempts.size());
  EXPECT_TRUE(every_attempt_is_evidence(result));
}

TEST_F(SuiteScannerOpenssl, ServerPreferenceAndItsOrder) {
  const uint16_t port =
      start({"-serverpref", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:AES128-SHA"});
  ASSERT_NE(port, 0);
  const SuiteScanResult result = scan_suites(request_for(port));
  EXPECT_TRUE(result.complete) << describe(result);
  EXPECT_EQ(result.suites_accepted, (Suites{0x002f, 0xc02f, 0xc030})) << describe(result);
  EXPECT_TRUE(result.preference_tested);
  EXPECT_TRUE(result.server_preference);
  EXPECT_EQ(result.preference_order, (Suites{0xc02f, 0xc030, 0x002f})) << describe(result);
  EXPECT_EQ(result.platform_choice.suite,
            0xc02f);  // the server's first, though the platform offers 0xc030 first
  EXPECT_EQ(result.without_deprecated.suite, 0xc02f);
}

TEST_F(SuiteScannerOpenssl, ClientPreferenceLeavesTheOrderEmpty) {
  const uint16_t port =
      start({"-cipher", "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:AES128-SHA"});
  ASSERT_NE(port, 0);
  const SuiteScanResult result = scan_suites(request_for(port));
  EXPECT_EQ(result.suites_accepted, (Suites{0x002f, 0xc02f, 0xc030})) << describe(result);
  EXPECT_TRUE(result.preference_tested);
  EXPECT_FALSE(result.server_preference);
  EXPECT_TRUE(result.preference_order.empty());
  EXPECT_EQ(result.platform_choice.suite, 0xc030);  // the platform's first
}

TEST_F(SuiteScannerOpenssl, Tls13OnlyServerRefusesTls12) {
  const uint16_t port = start({"-tls1_3"});
  ASSERT_NE(port, 0);
  const SuiteScanResult result = scan_suites(request_for(port));
  const VersionSupport* tls12 = result.version(0x0303);
  const VersionSupport* tls13 = result.version(0x0304);
  ASSERT_TRUE(tls12 && tls13);
  EXPECT_TRUE(tls12->tested);
  EXPECT_FALSE(tls12->supported);
  EXPECT_EQ(tls12->outcome, HelloOutcome::alert);
  EXPECT_EQ(tls12->reason, "protocol_version alert (70)");
  EXPECT_FALSE(result.version(0x0301)->supported);
  EXPECT_FALSE(result.version(0x0302)->supported);
  EXPECT_TRUE(tls13->supported) << tls13->reason;
  EXPECT_EQ(tls13->answered_version, 0x0304);
  ASSERT_TRUE(tls13->cipher.has_value());
  EXPECT_TRUE(find_cipher_suite(*tls13->cipher)->tls13);
  EXPECT_TRUE(result.suites_accepted.empty());
  EXPECT_FALSE(result.platform_choice.connected);  // the platform speaks TLS 1.2 only
  // Versions and the two platform offers only: no enumeration against a refusal.
  EXPECT_EQ(result.attempt_count(), 7u) << describe(result);
}

// The default s_server (every OpenSSL default suite, server preference): the
// full scan the probe runs, timed.
TEST_F(SuiteScannerOpenssl, FullScanOfADefaultServer) {
  const uint16_t port = start({"-serverpref"});
  ASSERT_NE(port, 0);
  const SuiteScanResult result = scan_suites(request_for(port));
  EXPECT_TRUE(result.complete) << describe(result);
  EXPECT_TRUE(result.version(0x0303)->supported);
  EXPECT_TRUE(result.version(0x0304)->supported);
  for (uint16_t wanted : {0xc02f, 0xc030, 0x009c, 0x003d, 0xcca8}) {
    EXPECT_NE(std::find(result.suites_accepted.begin(), result.suites_accepted.end(), wanted),
              result.suites_accepted.end())
        << format_suite_code(wanted) << "\n"
        << describe(result);
  }
  EXPECT_TRUE(result.server_preference);
  EXPECT_EQ(result.preference_order.size(), result.suites_accepted.size());
  Suites sorted_order = result.preference_order;
  std::sort(sorted_order.begin(), sorted_order.end());
  Suites sorted_accepted = result.suites_accepted;
  std::sort(sorted_accepted.begin(), sorted_accepted.end());
  EXPECT_EQ(sorted_order, sorted_accepted);
  EXPECT_EQ(result.platform_choice.suite, result.preference_order.front());
  EXPECT_TRUE(every_attempt_is_evidence(result));
  std::cout << "[ scan     ] " << result.suites_accepted.size() << " suites accepted, "
            << result.attempt_count() << " attempts, " << result.wall_time.count() << " ms\n";
}

TEST(SuiteScanner, ASilentEndpointEndsTheScanEarly) {
  testing::SilentListener listener;
  ASSERT_NE(listener.port(), 0);
  SuiteScanRequest request = request_for(listener.port());
  request.attempt_timeout = 300ms;
  const SuiteScanResult result = scan_suites(request);
  EXPECT_FALSE(result.complete);
  ASSERT_FALSE(result.notes.empty());
  EXPECT_TRUE(result.notes.front().starts_with("the endpoint stopped answering")) << result.notes.front();
  // Phase 1 holds six attempts, four in flight: the first round's silence stops the rest.
  EXPECT_LE(result.attempt_count(), 4u);
  EXPECT_LT(result.wall_time, 900ms);
  for (const auto& attempt : result.attempts) EXPECT_EQ(attempt.result.outcome, HelloOutcome::timeout);
}

TEST(SuiteScanner, ScriptedServerPacedScan) {
  // 0xc0a0 (AES128-CCM8) and 0xc08a (CAMELLIA-GCM) are suites no OpenSSL client offers by default.
  testing::ScriptedTlsServer server({0xc02f, 0x009c, 0x002f, 0xc0a0, 0xc08a}, 1000);
  ASSERT_NE(server.port(), 0);
  SuiteScanRequest request = request_for(server.port());
  request.pace = 10ms;
  const SuiteScanResult result = scan_suites(request);
  EXPECT_TRUE(result.complete) << describe(result);
  EXPECT_EQ(result.suites_accepted, (Suites{0x002f, 0x009c, 0xc02f, 0xc08a, 0xc0a0})) << describe(result);
  EXPECT_TRUE(result.preference_tested);
  EXPECT_FALSE(result.server_preference);  // it takes the client's first acceptable suite
  // It answers every version with a TLS 1.2 ServerHello: that is not TLS 1.0.
  EXPECT_FALSE(result.version(0x0301)->supported);
  EXPECT_EQ(result.version(0x0301)->answered_version, 0x0303);
  EXPECT_EQ(result.version(0x0301)->reason, "server answered with TLS 1.2");
  EXPECT_FALSE(result.version(0x0304)->supported);
  EXPECT_EQ(result.platform_choice.suite, 0xc02f);
  EXPECT_EQ(result.attempt_count(), server.connections());
  EXPECT_GE(result.wall_time, 10ms * static_cast<int>(result.attempt_count() - 1));
}

TEST(SuiteScanner, StopsEarlyWhenTheEndpointGoesSilentMidScan) {
  // It accepts every suite, answers phase 1's seven attempts and eight more, then stays silent.
  testing::ScriptedTlsServer server(default_scan_candidates(), 15);
  ASSERT_NE(server.port(), 0);
  SuiteScanRequest request = request_for(server.port());
  request.attempt_timeout = 300ms;
  const SuiteScanResult result = scan_suites(request);
  EXPECT_FALSE(result.complete);
  ASSERT_FALSE(result.notes.empty());
  EXPECT_TRUE(result.notes.front().starts_with("the endpoint stopped answering")) << describe(result);
  EXPECT_LE(result.attempt_count(), 15u + 4u) << describe(result);  // at most one silent round
  EXPECT_LT(result.wall_time, 1000ms);
  // What was learnt before the silence is kept.
  EXPECT_TRUE(result.version(0x0303)->supported);
  EXPECT_EQ(result.suites_accepted.size(), 8u) << describe(result);
  EXPECT_FALSE(result.preference_tested);
}

TEST(SuiteScanner, AnEndpointThatIsNotTlsSupportsNothing) {
  testing::ReplyServer server("HTTP/1.1 400 Bad Request\r\n\r\n");
  SuiteScanRequest request = request_for(server.port());
  const SuiteScanResult result = scan_suites(request);
  for (const auto& version : result.versions) {
    EXPECT_FALSE(version.supported);
    EXPECT_EQ(version.outcome, HelloOutcome::not_tls);
    EXPECT_TRUE(version.reason.starts_with("not TLS")) << version.reason;
  }
  EXPECT_TRUE(result.suites_accepted.empty());
}

TEST(SuiteScanner, DefaultCandidatesAreEveryTls12SuiteOfTheRegistry) {
  const Suites candidates = default_scan_candidates();
  EXPECT_GE(candidates.size(), 70u);
  for (uint16_t code : candidates) {
    const CipherSuite* suite = find_cipher_suite(code);
    ASSERT_NE(suite, nullptr);
    EXPECT_FALSE(suite->tls13);
    EXPECT_FALSE(is_signalling_suite(code));
  }
  for (uint16_t wanted : {0x003d, 0xc028, 0xc030, 0xcca8, 0xc050, 0xc08a, 0xc0a0, 0x000a}) {
    EXPECT_NE(std::find(candidates.begin(), candidates.end(), wanted), candidates.end())
        << format_suite_code(wanted);
  }
}

// GnuTLS implements suites OpenSSL does not (CAMELLIA-GCM): the raw hellos find them.
TEST(SuiteScannerGnutls, FindsSuitesOpensslCannotOffer) {
  if (!testing::have_program("gnutls-serv")) GTEST_SKIP() << "gnutls-serv not installed";
  testing::TempDir dir;
  ASSERT_TRUE(testing::write_server_credentials(dir.path()));
  ChildProcess server;
  const uint16_t port = testing::start_gnutls_server(
      server, dir.path(),
      {"--priority", "NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+CAMELLIA-128-GCM:+AES-128-GCM"});
  ASSERT_NE(port, 0) << server.log();
  const SuiteScanResult result = scan_suites(request_for(port));
  EXPECT_TRUE(result.complete) << describe(result);
  EXPECT_EQ(result.suites_accepted, (Suites{0x009c, 0x009e, 0xc02f, 0xc07a, 0xc07c, 0xc08a}))
      << describe(result);
  EXPECT_TRUE(result.version(0x0303)->supported);
  EXPECT_FALSE(result.version(0x0304)->supported);
  EXPECT_EQ(result.platform_choice.version, 0x0303);
}

}  // namespace
}  // namespace tc::sources
