// tc_bench_decode: runs the capture decoder (tc::wire::read_capture) over a
// file and prints what it found and how fast, without the CLI's rules and
// report layers. Used by bench/pcap_bench.sh and for profiling.
//
//   tc_bench_decode FILE [--port N]... [--repeat R]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "wire/capture.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: tc_bench_decode FILE [--port N]... [--repeat R]\n");
    return 2;
  }
  const std::string path = argv[1];
  tc::wire::CaptureOptions options;
  int repeat = 1;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--port") options.ports.insert(static_cast<uint16_t>(std::atoi(argv[i + 1])));
    else if (a == "--repeat") repeat = std::max(1, std::atoi(argv[i + 1]));
  }
  for (int r = 0; r < repeat; ++r) {
    uint64_t connections = 0, client_hellos = 0, server_hellos = 0, alerts = 0, cert_requests = 0,
             client_certs = 0, established = 0, server_certs = 0;
    tc::wire::CaptureStats stats;
    std::vector<tc::wire::CaptureDiagnostic> diagnostics;
    const auto begin = std::chrono::steady_clock::now();
    const bool ok = tc::wire::read_capture(
        path, options,
        [&](tc::Connection&& c) {
          ++connections;
          for (const auto& m : c.messages) {
            if (m.encrypted) continue;
            if (m.type == 1 && m.from == tc::Side::client) ++client_hellos;
            if (m.type == 2 && m.from == tc::Side::server) ++server_hellos;
          }
          alerts += c.alerts.size();
          cert_requests += c.certificate_request;
          client_certs += c.client_certificates.has_value();
          server_certs += c.server_chain_der.size();
          established += c.established;
        },
        stats, diagnostics);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf(
        "seconds=%.3f mb_per_s=%.1f bytes=%llu frames=%llu tls_connections=%llu client_hellos=%llu "
        "server_hellos=%llu certificate_requests=%llu client_certificates=%llu alerts=%llu established=%llu "
        "server_certs=%llu evicted=%llu other=%llu maxrss_mb=%.1f ok=%d\n",
        seconds, static_cast<double>(stats.bytes + stats.frames * 16) / 1e6 / seconds,
        (unsigned long long)stats.bytes, (unsigned long long)stats.frames, (unsigned long long)connections,
        (unsigned long long)client_hellos, (unsigned long long)server_hellos, (unsigned long long)cert_requests,
        (unsigned long long)client_certs, (unsigned long long)alerts, (unsigned long long)established,
        (unsigned long long)server_certs, (unsigned long long)stats.connections_evicted,
        (unsigned long long)stats.connections_other, usage.ru_maxrss / 1024.0, ok ? 1 : 0);
    for (const auto& d : diagnostics) std::fprintf(stderr, "%s\n", d.message.c_str());
  }
  return 0;
}
