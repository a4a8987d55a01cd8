// Fuzzes the capture reader end to end: pcap/pcapng/gzip framing, link/IP/TCP
// decoding, reassembly and the TLS parser, from one in-memory file.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "wire/capture.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tc::wire::CaptureOptions options;
  options.detect_any_port = true;
  options.max_connections = 64;  // small caps so eviction paths run too
  options.max_direction_buffer = 4096;
  tc::wire::CaptureStats stats;
  std::vector<tc::wire::CaptureDiagnostic> diagnostics;
  size_t connections = 0;
  (void)tc::wire::read_capture_bytes(std::span<const uint8_t>(data, size), "fuzz", options,
                                     [&](tc::Connection&& c) { connections += c.messages.size(); }, stats,
                                     diagnostics);
  return 0;
}
