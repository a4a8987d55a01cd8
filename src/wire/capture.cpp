#include "wire/capture.h"

#include <algorithm>

#include "wire/byte_cursor.h"
#include "wire/capture_source.h"
#include "wire/flow_table.h"
#include "wire/ip.h"
#include "wire/link.h"
#include "wire/pcap_file.h"
#include "wire/pcapng_file.h"
#include "wire/tcp.h"

namespace tc::wire {

class CaptureDecoder::Impl {
 public:
  Impl(const CaptureOptions& options, ConnectionSink sink, CaptureStats& stats)
      : stats_(stats), table_(options, std::move(sink), stats) {}

  void feed(uint32_t link_type, double timestamp, uint64_t frame, std::span<const uint8_t> bytes) {
    ++stats_.frames;
    stats_.bytes += bytes.size();
    std::span<const uint8_t> network;
    switch (strip_link_layer(link_type, bytes, network)) {
      case LinkResult::ip: break;
      case LinkResult::not_ip: ++stats_.non_ip; return;
      case LinkResult::malformed: ++stats_.malformed; return;
      case LinkResult::unsupported: ++stats_.unsupported_link_type; return;
    }
    switch (decode_ip(network, ip_)) {
      case IpResult::ok: break;
      case IpResult::fragment: ++stats_.ip_fragments_skipped; return;
      case IpResult::not_ip: ++stats_.non_ip; return;
      case IpResult::malformed: ++stats_.malformed; return;
    }
    if (ip_.protocol != 6) {
      ++stats_.non_tcp;
      return;
    }
    if (!decode_tcp(ip_.payload, tcp_)) {
      ++stats_.malformed;
      return;
    }
    table_.on_segment(ip_, tcp_, frame, timestamp);
  }

  void finish() { table_.finish_all(); }

 private:
  CaptureStats& stats_;
  FlowTable table_;
  IpPacket ip_;  // reused: no per-packet allocation
  TcpSegment tcp_;
};

CaptureDecoder::CaptureDecoder(const CaptureOptions& options, ConnectionSink on_connection, CaptureStats& stats)
    : impl_(std::make_unique<Impl>(options, std::move(on_connection), stats)) {}
CaptureDecoder::~CaptureDecoder() = default;

void CaptureDecoder::feed_packet(uint32_t link_type, double timestamp, uint64_t frame,
                                 std::span<const uint8_t> bytes) {
  impl_->feed(link_type, timestamp, frame, bytes);
}

void CaptureDecoder::finish() { impl_->finish(); }

namespace {

template <typename Reader>
void read_packets(Reader& reader, CaptureDecoder& decoder, const BufferedReader& input,
                  const CaptureOptions& options) {
  constexpr uint64_t kProgressEveryFrames = 16384;
  CapturedPacket packet;
  uint64_t frame = 0;
  while (reader.next(packet) == ReadResult::packet) {
    decoder.feed_packet(packet.link_type, packet.timestamp, ++frame, packet.data);
    if (options.progress && frame % kProgressEveryFrames == 0) options.progress(input.offset());
  }
  if (options.progress) options.progress(input.offset());
}

bool read_from(std::unique_ptr<ByteSource> source, size_t block_size, const std::string& name,
               const CaptureOptions& options, const ConnectionSink& on_connection, CaptureStats& stats,
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
  CaptureDecoder decoder(options, on_connection, stats);
  const size_t diagnostics_before = diagnostics.size();
  if (is_pcap_magic(magic)) {
    PcapReader reader(input, name, diagnostics);
    if (!reader.open()) return false;
    read_packets(reader, decoder, input, options);
  } else if (magic == kPcapngSectionHeader) {
    PcapngReader reader(input, name, diagnostics);
    read_packets(reader, decoder, input, options);
  } else {
    add_diagnostic(diagnostics, name, 0, 0, "not a pcap or pcapng file", true);
    return false;
  }
  decoder.finish();
  for (size_t i = diagnostics_before; i < diagnostics.size(); ++i) {
    if (diagnostics[i].fatal) return false;
  }
  return true;
}

}  // namespace

bool read_capture(std::string_view path_or_dash, const CaptureOptions& options, const ConnectionSink& on_connection,
                  CaptureStats& stats, std::vector<CaptureDiagnostic>& diagnostics) {
  const std::string name(path_or_dash);
  std::string error;
  auto source = open_file_source(name, error);
  if (!source) {
    add_diagnostic(diagnostics, name, 0, 0, "cannot open: " + error, true);
    return false;
  }
  return read_from(std::move(source), 1 << 20, name, options, on_connection, stats, diagnostics);
}

bool read_capture_bytes(std::span<const uint8_t> bytes, std::string_view name, const CaptureOptions& options,
                        const ConnectionSink& on_connection, CaptureStats& stats,
                        std::vector<CaptureDiagnostic>& diagnostics) {
  // Small inputs (tests, fuzzing) need no 1 MiB block; the buffer grows on demand anyway.
  const size_t block_size = std::clamp<size_t>(bytes.size(), 4096, 1 << 20);
  return read_from(memory_source(bytes), block_size, std::string(name), options, on_connection, stats, diagnostics);
}

}  // namespace tc::wire
