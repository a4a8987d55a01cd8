// GnuTLS variant of tc_listen_load (bench/listen_load.cpp): same arguments,
// same output, the same full TLS 1.2 handshake (ECDHE, X25519 first as OpenSSL offers it, RSA signature by the
// listener, no resumption, no certificate verification) and SIP OPTIONS.
// Why: the load generator shares the listener's two cores, and an OpenSSL
// 3.0 client spends about 0.8 ms CPU per handshake, half of it decoding the
// public keys of the two certificates it receives (OSSL_DECODER_CTX_new_for_pkey
// per certificate); GnuTLS does the same handshake in about 0.45 ms.
//
//   tc_listen_load_gnutls PORT N C   → prints "OK FAILED SECONDS"
#include <gnutls/gnutls.h>

#include <string>

#include "listen_load_common.h"

namespace {

bool one_call(gnutls_certificate_credentials_t credentials, gnutls_priority_t priority, uint16_t port, int n) {
  int fd = tc::bench::connect_loopback(port);
  if (fd < 0) return false;
  bool ok = false;
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
    std::string request = tc::bench::options_request(n);
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
    ok = tc::bench::is_200(answer);
    gnutls_bye(session, GNUTLS_SHUT_WR);
  }
  gnutls_deinit(session);
  close(fd);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  auto args = tc::bench::parse_load_args(argc, argv, "tc_listen_load_gnutls");
  if (!args) return 2;
  gnutls_global_init();
  gnutls_certificate_credentials_t credentials = nullptr;
  gnutls_certificate_allocate_credentials(&credentials);  // no trust anchors, no verification
  gnutls_priority_t priority = nullptr;
  gnutls_priority_init(&priority, "NORMAL:-VERS-ALL:+VERS-TLS1.2:-GROUP-ALL:+GROUP-X25519:+GROUP-SECP256R1:+GROUP-SECP384R1", nullptr);
  int status = tc::bench::run_load(*args, [&](int n) { return one_call(credentials, priority, args->port, n); });
  gnutls_priority_deinit(priority);
  gnutls_certificate_free_credentials(credentials);
  gnutls_global_deinit();
  return status;
}
