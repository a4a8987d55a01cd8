#include "wire/capture.h"

#include <algorithm>

#include "wire/capture_file_loop.h"
#include "wire/flow_table.h"
#include "wire/segment_decoder.h"

namespace tc::wire {

class CaptureDecoder::Impl {
 public:
  Impl(const CaptureOptions& options, ConnectionSink sink, CaptureStats& stats)
      : segments_(options, stats),
        table_(options, [sink = std::move(sink)](Connection&& connection, const ReportOrder&) {
          sink(std::move(connection));
        }, stats) {}

  void feed(uint32_t link_type, double timestamp, uint64_t frame, std::span<const uint8_t> bytes) {
    if (segments_.decode(link_type, bytes)) table_.on_segment(segments_.ip(), segments_.tcp(), frame, timestamp);
  }

  void finish() { table_.finish_all(); }

 private:
  SegmentDecoder segments_;
  FlowTable table_;
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

class DecoderConsumer final : public PacketConsumer {
 public:
  explicit DecoderConsumer(CaptureDecoder& decoder) : decoder_(decoder) {}
  void packet(uint32_t link_type, double timestamp, uint64_t frame, std::span<const uint8_t> bytes) override {
    decoder_.feed_packet(link_type, timestamp, frame, bytes);
  }

 private:
  CaptureDecoder& decoder_;
};

bool read_from(std::unique_ptr<ByteSource> source, size_t block_size, const std::string& name,
               const CaptureOptions& options, const ConnectionSink& on_connection, CaptureStats& stats,
               std::vector<CaptureDiagnostic>& diagnostics) {
  CaptureDecoder decoder(options, on_connection, stats);
  DecoderConsumer consumer(decoder);
  const bool ok = read_packets(std::move(source), block_size, name, options, consumer, diagnostics);
  decoder.finish();  // connections read before any damage are reported
  return ok;
}

}  // namespace

bool read_capture(std::string_view path_or_dash, const CaptureOptions& options, const ConnectionSink& on_connection,
                  CaptureStats& stats, std::vector<CaptureDiagnostic>& diagnostics) {
  const std::string name(path_or_dash);
  auto source = open_capture_file(name, diagnostics);
  if (!source) return false;
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
