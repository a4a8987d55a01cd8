#pragma once
// Classic libpcap files: both byte orders, micro- and nanosecond timestamps.
#include <string>
#include <vector>

#include "wire/byte_cursor.h"
#include "wire/capture_source.h"
#include "wire/captured_packet.h"

namespace tc::wire {

// True when `magic` (the first four bytes, as read big-endian) is a pcap magic.
bool is_pcap_magic(uint32_t magic);

class PcapReader {
 public:
  PcapReader(BufferedReader& input, std::string source, std::vector<CaptureDiagnostic>& diagnostics)
      : input_(input), source_(std::move(source)), diagnostics_(diagnostics) {}
  // What the file header says: all a reader needs to go on from any record.
  struct Layout {
    bool little_endian = true;
    double fraction_scale = 1e-6;
    uint32_t link_type = 0;
    bool operator==(const Layout&) const = default;
  };

  // Reads the file header; false (with a fatal diagnostic) when it is not pcap.
  [[nodiscard]] bool open();
  // Instead of open(): the input is at a record boundary of a file with this header.
  void resume(const Layout& layout) { layout_ = layout; }
  [[nodiscard]] const Layout& layout() const { return layout_; }
  ReadResult next(CapturedPacket& packet);

 private:
  uint32_t u32(const uint8_t* p) const { return layout_.little_endian ? load_le32(p) : load_be32(p); }

  BufferedReader& input_;
  std::string source_;
  std::vector<CaptureDiagnostic>& diagnostics_;
  Layout layout_;
  bool consume_pending_ = false;
  size_t pending_size_ = 0;
};

}  // namespace tc::wire
