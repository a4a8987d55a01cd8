#pragma once
// The loop every capture reader shares: open the bytes (gzip detected by its
// magic), pick the pcap or pcapng reader, hand each packet to a consumer with
// its 1-based frame number, report progress, collect diagnostics.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "wire/capture.h"
#include "wire/capture_source.h"

namespace tc::wire {

// `bytes` are valid only during the call: a consumer copies what it keeps.
class PacketConsumer {
 public:
  virtual ~PacketConsumer() = default;
  virtual void packet(uint32_t link_type, double timestamp, uint64_t frame, std::span<const uint8_t> bytes) = 0;
};

// Returns false on a fatal input error (a diagnostic says why); the packets
// before it were handed over. The caller ends the consumer's capture.
[[nodiscard]] bool read_packets(std::unique_ptr<ByteSource> source, size_t block_size, const std::string& name,
                                const CaptureOptions& options, PacketConsumer& consumer,
                                std::vector<CaptureDiagnostic>& diagnostics);

// A file ("-" for stdin) as a byte source, or null with a diagnostic.
std::unique_ptr<ByteSource> open_capture_file(const std::string& name, std::vector<CaptureDiagnostic>& diagnostics);

}  // namespace tc::wire
