// Fuzzes the TLS stream parser with both directions split at points chosen by
// the input: a sequence of [control byte][chunk], where the control byte's
// high bit picks the side (0 client, 1 server) and its low 7 bits the chunk
// length (0 means 128).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

#include "wire/tls_stream.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tc::wire::TlsLimits limits;
  limits.max_handshake_message = 1 << 16;
  tc::wire::TlsStream stream(limits);
  std::span<const uint8_t> input(data, size);
  uint64_t frame = 0;
  while (!input.empty()) {
    const uint8_t control = input[0];
    input = input.subspan(1);
    const size_t wanted = (control & 0x7f) == 0 ? 128 : (control & 0x7f);
    const size_t n = std::min(wanted, input.size());
    const tc::Side side = (control & 0x80) ? tc::Side::server : tc::Side::client;
    stream.feed(side, input.first(n), ++frame);
    input = input.subspan(n);
  }
  stream.finish();
  return 0;
}
