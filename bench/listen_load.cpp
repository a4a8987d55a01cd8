// Load generator for bench/listen_bench.sh: N TLS 1.2 handshakes, each
// followed by one SIP OPTIONS and its 200 OK, from C client threads (each
// runs its share one connection after another). A C++ client, so the client
// side costs little next to the listener's RSA signature per handshake.
//
//   tc_listen_load PORT N C   → prints "OK FAILED SECONDS"
#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "listen_load_common.h"

namespace {

struct SslCtxFree {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
struct SslFree {
  void operator()(SSL* ssl) const { SSL_free(ssl); }
};

bool one_call(SSL_CTX* ctx, uint16_t port, int n) {
  int fd = tc::bench::connect_loopback(port);
  if (fd < 0) return false;
  bool ok = false;
  std::unique_ptr<SSL, SslFree> ssl(SSL_new(ctx));
  SSL_set_fd(ssl.get(), fd);
  SSL_set_tlsext_host_name(ssl.get(), "sip.trunkcheck.invalid");
  if (SSL_connect(ssl.get()) == 1) {
    std::string request = tc::bench::options_request(n);
    std::string answer;
    if (SSL_write(ssl.get(), request.data(), static_cast<int>(request.size())) > 0) {
      char buffer[4096];
      while (answer.find("\r\n\r\n") == std::string::npos) {
        int got = SSL_read(ssl.get(), buffer, sizeof buffer);
        if (got <= 0) break;
        answer.append(buffer, static_cast<size_t>(got));
      }
    }
    ok = tc::bench::is_200(answer);
    SSL_shutdown(ssl.get());
  }
  ssl.reset();
  close(fd);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  auto args = tc::bench::parse_load_args(argc, argv, "tc_listen_load");
  if (!args) return 2;
  std::unique_ptr<SSL_CTX, SslCtxFree> ctx(SSL_CTX_new(TLS_client_method()));
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  SSL_CTX_set_max_proto_version(ctx.get(), TLS1_2_VERSION);
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);  // the listener's chain is throwaway
  SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);  // every connection a full handshake
  return tc::bench::run_load(*args, [&](int n) { return one_call(ctx.get(), args->port, n); });
}
