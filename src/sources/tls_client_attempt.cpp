#include "sources/tls_client_attempt.h"

#include <openssl/err.h>
#include <openssl/rand.h>

#include <algorithm>

#include "policy/cipher_registry.h"
#include "sources/tls_transcript.h"
#include "wire/sip_message.h"
#include "x509/handles.h"

namespace tc::sources {

namespace {

int openssl_version(uint16_t version) { return static_cast<int>(version); }

std::string openssl_error_text() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "";
  char buffer[256];
  ERR_error_string_n(code, buffer, sizeof buffer);
  return buffer;
}

// "ECDHE-RSA-AES256-GCM-SHA384:…" in offer order; suites OpenSSL cannot
// offer are skipped (the crafted-hello scanner covers those).
std::string openssl_cipher_list(const std::vector<uint16_t>& offer) {
  std::string list;
  for (uint16_t code : offer) {
    const CipherSuite* suite = find_cipher_suite(code);
    if (suite == nullptr || suite->openssl_name.empty() || suite->tls13) continue;
    if (!list.empty()) list += ':';
    list += suite->openssl_name;
  }
  return list;
}

std::string random_token(size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  RAND_bytes(raw.data(), static_cast<int>(raw.size()));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char byte : raw) {
    out += kHex[byte >> 4];
    out += kHex[byte & 15];
  }
  return out;
}

// Drives one non-blocking SSL call to completion or the deadline.
template <typename Call>
bool drive(SSL* ssl, int fd, Deadline deadline, Call call, std::string& error) {
  while (true) {
    ERR_clear_error();
    int result = call();
    if (result > 0) return true;
    int reason = SSL_get_error(ssl, result);
    if (reason == SSL_ERROR_WANT_READ || reason == SSL_ERROR_WANT_WRITE) {
      IoStatus status = wait_ready(fd, reason == SSL_ERROR_WANT_WRITE, deadline, error);
      if (status != IoStatus::ok) return false;
      continue;
    }
    if (reason == SSL_ERROR_ZERO_RETURN) {
      error = "the peer closed the TLS connection";
    } else if (reason == SSL_ERROR_SYSCALL) {
      error = errno != 0 ? std::string("connection reset or closed by the peer") : "the peer closed the connection";
      ERR_clear_error();
    } else {
      std::string detail = openssl_error_text();
      error = detail.empty() ? "TLS error" : detail;
    }
    return false;
  }
}

void exchange_options(SSL* ssl, int fd, const SocketAddress& local, const SocketAddress& remote,
                      const TlsClientAttempt& attempt, Deadline deadline, SipEvidence& sip) {
  wire::OptionsRequestSpec spec;
  std::string host = attempt.sip_host.empty() ? remote.host_text() : attempt.sip_host;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  spec.request_uri = "sip:" + host + ":" + std::to_string(remote.port()) + ";transport=tls";
  spec.from_uri = "sip:trunkcheck@" + (local.family() == AF_INET6 ? "[" + local.host_text() + "]" : local.host_text());
  spec.from_tag = random_token(6);
  spec.via_host = local.host_text();
  spec.via_port = local.port();
  spec.branch = "z9hG4bK" + random_token(8);
  spec.call_id = random_token(12) + "@trunkcheck";
  spec.contact_uri = spec.from_uri + ":" + std::to_string(local.port()) + ";transport=tls";
  std::string build_error;
  auto request = wire::build_options_request(spec, &build_error);
  if (!request) {
    sip.error = "cannot build OPTIONS: " + build_error;
    return;
  }
  sip.requests.push_back({"OPTIONS", spec.request_uri, "", "", "", 0});
  std::string error;
  size_t written = 0;
  if (!drive(ssl, fd, deadline, [&] { return SSL_write_ex(ssl, request->data(), request->size(), &written); },
             error)) {
    sip.error = "sending OPTIONS: " + error;
    return;
  }
  wire::SipStreamReader reader;
  std::vector<uint8_t> buffer(16 * 1024);
  while (true) {
    size_t got = 0;
    if (!drive(ssl, fd, deadline, [&] { return SSL_read_ex(ssl, buffer.data(), buffer.size(), &got); }, error)) {
      sip.error = error == "timed out" ? "no answer to OPTIONS before the timeout" : "waiting for the OPTIONS answer: " + error;
      return;
    }
    reader.feed(std::span<const uint8_t>(buffer.data(), got));
    while (auto message = reader.next()) {
      // Provisional answers (1xx) are not the final word.
      if (message->is_request || message->status < 200) continue;
      SipResponseSeen response{message->status, message->reason, ""};
      if (auto server = message->header("Server")) {
        response.server = *server;
      } else if (auto agent = message->header("User-Agent")) {
        response.server = *agent;
      }
      sip.response = response;
      return;
    }
    if (reader.failed()) {
      sip.error = "the answer to OPTIONS is not SIP: " + reader.error();
      return;
    }
  }
}

}  // namespace

TlsClientResult run_tls_client(const SocketAddress& address, const TlsClientAttempt& attempt, Deadline deadline) {
  TlsClientResult result;
  const auto started = SteadyClock::now();
  auto finish = [&]() -> TlsClientResult {
    result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - started);
    return std::move(result);
  };
  result.connection.server = address.text();

  std::string error;
  auto socket_fd = connect_tcp(address, deadline, error);
  if (!socket_fd) {
    result.error = error;
    return finish();
  }
  result.connected = true;
  auto local = local_address(socket_fd->get());
  if (local) result.connection.client = local->text();

  x509::SslCtxPtr context(SSL_CTX_new(TLS_client_method()));
  if (!context) {
    result.error = "cannot create a TLS context: " + openssl_error_text();
    return finish();
  }
  auto [lowest, highest] = std::minmax_element(attempt.versions.begin(), attempt.versions.end());
  SSL_CTX_set_min_proto_version(context.get(), openssl_version(*lowest));
  SSL_CTX_set_max_proto_version(context.get(), openssl_version(*highest));
  // The platform's offer includes suites below OpenSSL's default security
  // level; offer exactly what was asked.
  SSL_CTX_set_security_level(context.get(), 0);
  SSL_CTX_set_verify(context.get(), SSL_VERIFY_NONE, nullptr);
  std::string ciphers = openssl_cipher_list(attempt.offer);
  if (ciphers.empty() || SSL_CTX_set_cipher_list(context.get(), ciphers.c_str()) != 1) {
    result.error = "none of the offered suites is available in this OpenSSL";
    return finish();
  }
  if (attempt.credential != nullptr) {
    const ClientCredential& credential = *attempt.credential;
    bool ok = SSL_CTX_use_certificate(context.get(), credential.certificate.get()) == 1 &&
              SSL_CTX_use_PrivateKey(context.get(), credential.key.get()) == 1;
    for (const auto& issuer : credential.chain) ok = ok && SSL_CTX_add1_chain_cert(context.get(), issuer.get()) == 1;
    if (!ok) {
      result.error = "cannot use the client certificate " + credential.label + ": " + openssl_error_text();
      return finish();
    }
  }

  x509::SslPtr ssl(SSL_new(context.get()));
  TlsTranscript transcript(Side::client);
  transcript.attach(ssl.get());
  SSL_set_fd(ssl.get(), socket_fd->get());
  if (attempt.sni) SSL_set_tlsext_host_name(ssl.get(), attempt.sni->c_str());

  bool completed = drive(ssl.get(), socket_fd->get(), deadline, [&] { return SSL_connect(ssl.get()); }, error);
  if (!completed) result.error = "TLS handshake: " + error;
  SipEvidence sip;
  if (completed && attempt.send_options && local) {
    exchange_options(ssl.get(), socket_fd->get(), *local, address, attempt, deadline, sip);
  }
  if (completed) SSL_shutdown(ssl.get());  // one close_notify, not waiting for the peer's
  std::string client = result.connection.client;
  result.completed = completed;
  result.connection = std::move(transcript.finish(completed));
  result.connection.client = client;
  result.connection.server = address.text();
  if (attempt.send_options && completed) result.connection.sip = std::move(sip);
  return finish();
}

}  // namespace tc::sources
