#include "wire/capture_file_loop.h"

#include "wire/byte_cursor.h"
#include "wire/captured_packet.h"
#include "wire/pcap_file.h"
#include "wire/pcapng_file.h"

namespace tc::wire {

namespace {

template <typename Reader>
void hand_over(Reader& reader, PacketConsumer& consumer, const BufferedReader& input,
               const CaptureOptions& options) {
  constexpr uint64_t kProgressEveryFrames = 16384;
  CapturedPacket packet;
  uint64_t frame = 0;
  while (reader.next(packet) == ReadResult::packet) {
    consumer.packet(packet.link_type, packet.timestamp, ++frame, packet.data);
    if (options.progress && frame % kProgressEveryFrames == 0) options.progress(input.offset());
  }
  if (options.progress) options.progress(input.offset());
}

}  // namespace

bool read_packets(std::unique_ptr<ByteSource> source, size_t block_size, const std::string& name,
                  const CaptureOptions& options, PacketConsumer& consumer,
                  std::vector<CaptureDiagnostic>& diagnostics) {
  BufferedReader input(std::move(source), block_size);
  input.detect_gzip();
  if (!input.ensure(4)) {
    const std::string why = !input.error().empty() ? input.error()
                            : input.available() == 0 ? "empty file"
                                                     : "not a pcap or pcapng file";
    add_diagnostic(diagnostics, name, 0, 0, why, true);
    return false;
  }
  const uint32_t magic = load_be32(input.data());
  const size_t diagnostics_before = diagnostics.size();
  if (is_pcap_magic(magic)) {
    PcapReader reader(input, name, diagnostics);
    if (!reader.open()) return false;
    hand_over(reader, consumer, input, options);
  } else if (magic == kPcapngSectionHeader) {
    PcapngReader reader(input, name, diagnostics);
    hand_over(reader, consumer, input, options);
  } else {
    add_diagnostic(diagnostics, name, 0, 0, "not a pcap or pcapng file", true);
    return false;
  }
  return !any_fatal(diagnostics, diagnostics_before);
}

std::unique_ptr<ByteSource> open_capture_file(const std::string& name, std::vector<CaptureDiagnostic>& diagnostics) {
  std::string error;
  auto source = open_file_source(name, error);
  if (!source) add_diagnostic(diagnostics, name, 0, 0, "cannot open: " + error, true);
  return source;
}

}  // namespace tc::wire
