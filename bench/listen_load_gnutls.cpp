// GnuTLS variant of tc_listen_load (bench/listen_load.cpp): same arguments,
// same output, the same full TLS 1.2 handshake (ECDHE, X25519 first as OpenSSL offers it, RSA signature by the
// listener, no resumption, no certificate verification) and SIP OPTIONS.
// Why: the load generator shares the listener's two cores, and an OpenSSL
// 3.0 client spends about 0.8 ms CPU per handshake, half of it decoding the
// public keys of the two certificates it receives (OSSL_DECODER_CTX_new_for_pkey
// per certificate); GnuTLS does the same handshake in about 0.45 ms.
//
//   tc_listen_load_gnutls PORT N C   → prints "OK FAILED SECONDS"
#include <arpa/inet.h>
#include <gnutls/gnutls.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

bool one_call(gnutls_certificate_credentials_t credentials, gnutls_priority_t priority, uint16_t port, int n) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  bool ok = false;
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    gnutls_session_t session = nullptr;
    gnutls_init(&session, GNUTLS_CLIENT | GNUTLS_NO_TICKETS);
    gnutls_priority_set(session, priority);
    gnutls_credentials_set(session, GNUTLS_CRD_CERTIFICATE, credentials);
    gnutls_server_name_set(session, GNUTLS_NAME_DNS, "sip.trunkcheck.invalid", 22);
    gnutls_transport_set_int(session, fd);
    int rc;
    do rc = gnutls_handshake(session);
    while (rc < 0 && gnutls_error_is_fatal(rc) == 0);
    if (rc == 0) {
      std::string request = "OPTIONS sip:sip.trunkcheck.invalid:5061;transport=tls SIP/2.0\r\n"
                            "Via: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bK-bench-" + std::to_string(n) + "\r\n"
                            "Max-Forwards: 70\r\nFrom: <sip:bench@sbc.example.com>;tag=b" + std::to_string(n) + "\r\n"
                            "To: <sip:sip.trunkcheck.invalid>\r\nCall-ID: bench-" + std::to_string(n) +
                            "@sbc.example.com\r\nCSeq: 1 OPTIONS\r\n"
                            "Contact: <sip:bench@sbc.example.com;transport=tls>\r\nContent-Length: 0\r\n\r\n";
      std::string answer;
      if (gnutls_record_send(session, request.data(), request.size()) > 0) {
        char buffer[4096];
        while (answer.find("\r\n\r\n") == std::string::npos) {
          ssize_t got = gnutls_record_recv(session, buffer, sizeof buffer);
          if (got == GNUTLS_E_AGAIN || got == GNUTLS_E_INTERRUPTED) continue;
          if (got <= 0) break;
          answer.append(buffer, static_cast<size_t>(got));
        }
      }
      ok = answer.rfind("SIP/2.0 200 ", 0) == 0;
      gnutls_bye(session, GNUTLS_SHUT_WR);
    }
    gnutls_deinit(session);
  }
  close(fd);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: tc_listen_load_gnutls PORT N C\n");
    return 2;
  }
  auto port = static_cast<uint16_t>(std::atoi(argv[1]));
  int total = std::atoi(argv[2]), threads = std::max(1, std::atoi(argv[3]));
  gnutls_global_init();
  gnutls_certificate_credentials_t credentials = nullptr;
  gnutls_certificate_allocate_credentials(&credentials);  // no trust anchors, no verification
  gnutls_priority_t priority = nullptr;
  gnutls_priority_init(&priority, "NORMAL:-VERS-ALL:+VERS-TLS1.2:-GROUP-ALL:+GROUP-X25519:+GROUP-SECP256R1:+GROUP-SECP384R1", nullptr);
  std::atomic<int> next{0}, ok{0}, failed{0};
  auto started = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (int n = next++; n < total; n = next++) (one_call(credentials, priority, port, n) ? ok : failed)++;
    });
  }
  for (auto& thread : pool) thread.join();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("%d %d %.3f\n", ok.load(), failed.load(), seconds);
  gnutls_priority_deinit(priority);
  gnutls_certificate_free_credentials(credentials);
  gnutls_global_deinit();
  return failed.load() == 0 ? 0 : 1;
}
