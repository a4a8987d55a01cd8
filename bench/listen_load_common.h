#pragma once
// What both listen load generators share (bench/listen_load.cpp with OpenSSL,
// bench/listen_load_gnutls.cpp with GnuTLS): the arguments, the loopback
// connection, the SIP OPTIONS each connection sends, and the thread pool that
// runs N calls from C threads and prints "OK FAILED SECONDS".
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace tc::bench {

struct LoadArgs {
  uint16_t port = 0;
  int total = 0;
  int threads = 1;
};

// PORT N C, or nullopt after printing the usage of `name`.
inline std::optional<LoadArgs> parse_load_args(int argc, char** argv, const char* name) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s PORT N C\n", name);
    return std::nullopt;
  }
  return LoadArgs{static_cast<uint16_t>(std::atoi(argv[1])), std::atoi(argv[2]), std::max(1, std::atoi(argv[3]))};
}

// A TCP connection to 127.0.0.1:port (Nagle off), or -1.
inline int connect_loopback(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// The OPTIONS request of call `n` (unique branch, tag and Call-ID).
inline std::string options_request(int n) {
  const std::string id = std::to_string(n);
  return "OPTIONS sip:sip.trunkcheck.invalid:5061;transport=tls SIP/2.0\r\n"
         "Via: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bK-bench-" + id + "\r\n"
         "Max-Forwards: 70\r\nFrom: <sip:bench@sbc.example.com>;tag=b" + id + "\r\n"
         "To: <sip:sip.trunkcheck.invalid>\r\nCall-ID: bench-" + id + "@sbc.example.com\r\nCSeq: 1 OPTIONS\r\n"
         "Contact: <sip:bench@sbc.example.com;transport=tls>\r\nContent-Length: 0\r\n\r\n";
}

inline bool is_200(const std::string& answer) { return answer.rfind("SIP/2.0 200 ", 0) == 0; }

// Runs `call(n)` for n in [0, total) from `threads` threads; prints
// "OK FAILED SECONDS" and returns 0 when every call succeeded.
template <typename Call>
int run_load(const LoadArgs& args, Call call) {
  std::atomic<int> next{0}, ok{0}, failed{0};
  auto started = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < args.threads; ++t) {
    pool.emplace_back([&] {
      for (int n = next++; n < args.total; n = next++) (call(n) ? ok : failed)++;
    });
  }
  for (auto& thread : pool) thread.join();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("%d %d %.3f\n", ok.load(), failed.load(), seconds);
  return failed.load() == 0 ? 0 : 1;
}

}  // namespace tc::bench
