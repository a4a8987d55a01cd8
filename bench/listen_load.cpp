// Load generator for bench/listen_bench.sh: N TLS 1.2 handshakes, each
// followed by one SIP OPTIONS and its 200 OK, from C client threads (each
// runs its share one connection after another). A C++ client, so the client
// side costs little next to the listener's RSA signature per handshake.
//
//   tc_listen_load PORT N C   → prints "OK FAILED SECONDS"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

struct SslCtxFree {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
struct SslFree {
  void operator()(SSL* ssl) const { SSL_free(ssl); }
};

bool one_call(SSL_CTX* ctx, uint16_t port, int n) {
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
    std::unique_ptr<SSL, SslFree> ssl(SSL_new(ctx));
    SSL_set_fd(ssl.get(), fd);
    SSL_set_tlsext_host_name(ssl.get(), "sip.trunkcheck.invalid");
    if (SSL_connect(ssl.get()) == 1) {
      std::string request = "OPTIONS sip:sip.trunkcheck.invalid:5061;transport=tls SIP/2.0\r\n"
                            "Via: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bK-bench-" + std::to_string(n) + "\r\n"
                            "Max-Forwards: 70\r\nFrom: <sip:bench@sbc.example.com>;tag=b" + std::to_string(n) + "\r\n"
                            "To: <sip:sip.trunkcheck.invalid>\r\nCall-ID: bench-" + std::to_string(n) +
                            "@sbc.example.com\r\nCSeq: 1 OPTIONS\r\n"
                            "Contact: <sip:bench@sbc.example.com;transport=tls>\r\nContent-Length: 0\r\n\r\n";
      std::string answer;
      if (SSL_write(ssl.get(), request.data(), static_cast<int>(request.size())) > 0) {
        char buffer[4096];
        while (answer.find("\r\n\r\n") == std::string::npos) {
          int got = SSL_read(ssl.get(), buffer, sizeof buffer);
          if (got <= 0) break;
          answer.append(buffer, static_cast<size_t>(got));
        }
      }
      ok = answer.rfind("SIP/2.0 200 ", 0) == 0;
      SSL_shutdown(ssl.get());
    }
  }
  close(fd);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: tc_listen_load PORT N C\n");
    return 2;
  }
  auto port = static_cast<uint16_t>(std::atoi(argv[1]));
  int total = std::atoi(argv[2]), threads = std::max(1, std::atoi(argv[3]));
  std::unique_ptr<SSL_CTX, SslCtxFree> ctx(SSL_CTX_new(TLS_client_method()));
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  SSL_CTX_set_max_proto_version(ctx.get(), TLS1_2_VERSION);
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);  // the listener's chain is throwaway
  SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);  // every connection a full handshake
  std::atomic<int> next{0}, ok{0}, failed{0};
  auto started = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (int n = next++; n < total; n = next++) (one_call(ctx.get(), port, n) ? ok : failed)++;
    });
  }
  for (auto& thread : pool) thread.join();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("%d %d %.3f\n", ok.load(), failed.load(), seconds);
  return failed.load() == 0 ? 0 : 1;
}
