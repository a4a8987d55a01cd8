#include "sources/hello_attempt.h"

#include <gtest/gtest.h>

#include "tls_test_servers.h"

namespace tc::sources {
namespace {

using namespace std::chrono_literals;
using testing::ChildProcess;
using testing::loopback;

wire::ClientHelloSpec tls12_hello(std::vector<uint16_t> suites) {
  wire::ClientHelloSpec spec;
  spec.cipher_suites = std::move(suites);
  spec.server_name = "sbc.example.com";
  spec.random.fill(0x5a);
  return spec;
}

bool server_sent(const Connection& c, uint16_t type) {
  return std::any_of(c.messages.begin(), c.messages.end(),
                     [&](const MessageRecord& m) { return m.from == Side::server && m.type == type; });
}

class HelloAttemptOpenssl : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::have_program("openssl")) GTEST_SKIP() << "openssl not installed";
    ASSERT_TRUE(testing::write_server_credentials(dir_.path()));
    port_ = testing::start_openssl_server(server_, dir_.path(), {});
    ASSERT_NE(port_, 0) << server_.log();
  }

  testing::TempDir dir_;
  ChildProcess server_;
  uint16_t port_ = 0;
};

TEST_F(HelloAttemptOpenssl, StopsAfterTheServerHelloWithBothSidesInTheEvidence) {
  const auto result = attempt_hello(loopback(port_), tls12_hello({0xc02f, 0xc030, 0x003d}));
  ASSERT_EQ(result.outcome, HelloOutcome::server_hello) << result.error;
  EXPECT_EQ(result.version, 0x0303);
  EXPECT_EQ(result.cipher, 0xc02f);  // s_server follows the client's order by default
  EXPECT_TRUE(result.error.empty());
  EXPECT_LT(result.elapsed, 2000ms);

  const Connection& c = result.connection;
  EXPECT_EQ(c.server, "127.0.0.1:" + std::to_string(port_));
  EXPECT_TRUE(c.client.starts_with("127.0.0.1:")) << c.client;
  EXPECT_EQ(c.client_offer, (std::vector<uint16_t>{0xc02f, 0xc030, 0x003d}));
  EXPECT_EQ(c.sni, "sbc.example.com");
  EXPECT_TRUE(server_sent(c, 2));
  EXPECT_EQ(c.cipher, 0xc02f);
  EXPECT_EQ(c.ja3.size(), 32u);
  EXPECT_EQ(c.ja3s.size(), 32u);
  ASSERT_FALSE(c.messages.empty());
  EXPECT_EQ(c.messages.front().from, Side::client);
  EXPECT_EQ(c.messages.front().frame, 1u);
}

TEST_F(HelloAttemptOpenssl, ReadsTheServerFlightWhenAsked) {
  HelloAttemptOptions options;
  options.read_server_flight = true;
  const auto result = attempt_hello(loopback(port_), tls12_hello({0xc02f}), options);
  ASSERT_EQ(result.outcome, HelloOutcome::server_hello) << result.error;
  EXPECT_TRUE(server_sent(result.connection, 14));  // ServerHelloDone
  EXPECT_EQ(result.connection.server_chain_der.size(), 1u);
}

TEST_F(HelloAttemptOpenssl, ARefusedOfferEndsWithTheAlert) {
  const auto result = attempt_hello(loopback(port_), tls12_hello({0x0004}));  // RC4: not in OpenSSL 3
  ASSERT_EQ(result.outcome, HelloOutcome::alert) << result.error;
  EXPECT_EQ(result.alert, 40);
  EXPECT_EQ(result.reason, "handshake_failure alert (40)");
  EXPECT_EQ(result.error, "127.0.0.1:" + std::to_string(port_) + ": handshake_failure alert (40)");
  EXPECT_FALSE(result.cipher.has_value());
}

TEST_F(HelloAttemptOpenssl, Tls13OfferGetsATls13ServerHello) {
  wire::ClientHelloSpec spec = tls12_hello({0x1302, 0x1301});
  spec.supported_versions = {0x0304};
  // RFC 7748 §6.1: Alice's public key, a valid X25519 point.
  const uint8_t alice[32] = {0x85, 0x20, 0xf0, 0x09, 0x89, 0x30, 0xa7, 0x54, 0x74, 0x8b, 0x7d,
                             0xdc, 0xb4, 0x3e, 0xf7, 0x5a, 0x0d, 0xbf, 0x3a, 0x0d, 0x26, 0x38,
                             0x1a, 0xf4, 0xeb, 0xa4, 0xa9, 0x8e, 0xaa, 0x9b, 0x4e, 0x6a};
  std::copy(std::begin(alice), std::end(alice), spec.x25519_public.begin());
  const auto result = attempt_hello(loopback(port_), spec);
  ASSERT_EQ(result.outcome, HelloOutcome::server_hello) << result.error;
  EXPECT_EQ(result.version, 0x0304);
  EXPECT_EQ(result.cipher, 0x1302);
  EXPECT_FALSE(result.hello_retry_request);
}

TEST(HelloAttempt, ASilentListenerTimesOutWithinTheDeadline) {
  testing::SilentListener listener;
  ASSERT_NE(listener.port(), 0);
  HelloAttemptOptions options;
  options.timeout = 300ms;
  const auto result = attempt_hello(loopback(listener.port()), tls12_hello({0xc02f}), options);
  EXPECT_EQ(result.outcome, HelloOutcome::timeout) << result.error;
  EXPECT_GE(result.elapsed, 290ms);
  EXPECT_LT(result.elapsed, 600ms);
  EXPECT_EQ(result.error, "127.0.0.1:" + std::to_string(listener.port()) + ": no ServerHello within 300 ms");
  EXPECT_EQ(result.connection.client_offer, std::vector<uint16_t>{0xc02f});  // the offer is evidence too
  EXPECT_FALSE(result.responded());
}

TEST(HelloAttempt, GarbageIsNotTls) {
  testing::ReplyServer server("SIP/2.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
  ASSERT_NE(server.port(), 0);
  HelloAttemptOptions options;
  options.timeout = 2000ms;
  const auto result = attempt_hello(loopback(server.port()), tls12_hello({0xc02f}), options);
  EXPECT_EQ(result.outcome, HelloOutcome::not_tls) << result.error;
  EXPECT_NE(result.error.find("SIP/2.0 400 Bad"), std::string::npos) << result.error;
  EXPECT_TRUE(result.responded());
}

TEST(HelloAttempt, AFewBytesThenCloseIsNotTls) {
  testing::ReplyServer server("no");
  const auto result = attempt_hello(loopback(server.port()), tls12_hello({0xc02f}));
  EXPECT_EQ(result.outcome, HelloOutcome::not_tls) << result.error;
}

TEST(HelloAttempt, ACloseWithoutAnswerIsClosed) {
  testing::ReplyServer server("");
  const auto result = attempt_hello(loopback(server.port()), tls12_hello({0xc02f}));
  EXPECT_EQ(result.outcome, HelloOutcome::closed) << result.error;
  EXPECT_TRUE(result.reason.starts_with("closed without a ServerHello")) << result.reason;
}

TEST(HelloAttempt, AFatalAlertRecordIsAnAlert) {
  // struct { AlertLevel level = fatal(2); AlertDescription description = protocol_version(70); } in one
  // record.
  testing::ReplyServer server(std::string("\x15\x03\x03\x00\x02\x02\x46", 7));
  const auto result = attempt_hello(loopback(server.port()), tls12_hello({0xc02f}));
  EXPECT_EQ(result.outcome, HelloOutcome::alert) << result.error;
  EXPECT_EQ(result.alert, 70);
  EXPECT_EQ(result.reason, "protocol_version alert (70)");
}

TEST(HelloAttempt, NoListenerIsConnectFailed) {
  const uint16_t port = testing::free_port();
  const auto result = attempt_hello(loopback(port), tls12_hello({0xc02f}));
  EXPECT_EQ(result.outcome, HelloOutcome::connect_failed);
  EXPECT_NE(result.error.find("127.0.0.1:" + std::to_string(port)), std::string::npos) << result.error;
  EXPECT_EQ(result.connection.server, "127.0.0.1:" + std::to_string(port));
}

}  // namespace
}  // namespace tc::sources
