// Fuzzes link/IP/TCP decoding, reassembly and the TLS parser driven packet by
// packet (the path live capture takes), without any file framing: the input
// is a sequence of records
//   uint8  link_selector   (index into kLinkTypes, modulo its size)
//   uint16 length          (big-endian)
//   opaque packet[length]  (shorter at the end of the input: taken as is)
// so the fuzzer mutates packet contents and order directly.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "wire/capture.h"

namespace {
// Ethernet, Linux SLL, SLL2, raw IP (101, 228 IPv4, 229 IPv6), BSD loopback (0, 108).
constexpr std::array<uint32_t, 8> kLinkTypes{1, 113, 276, 101, 228, 229, 0, 108};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tc::wire::CaptureOptions options;
  options.detect_any_port = true;
  options.max_connections = 32;  // small caps so eviction and buffer limits run too
  options.max_direction_buffer = 4096;
  tc::wire::CaptureStats stats;
  size_t messages = 0;
  tc::wire::CaptureDecoder decoder(options, [&](tc::Connection&& c) { messages += c.messages.size(); }, stats);
  std::span<const uint8_t> input(data, size);
  uint64_t frame = 0;
  while (input.size() >= 3) {
    const uint32_t link_type = kLinkTypes[input[0] % kLinkTypes.size()];
    const size_t length = std::min<size_t>((size_t{input[1]} << 8) | input[2], input.size() - 3);
    ++frame;
    decoder.feed_packet(link_type, static_cast<double>(frame), frame, input.subspan(3, length));
    input = input.subspan(3 + length);
  }
  decoder.finish();
  return 0;
}
