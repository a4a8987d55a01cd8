#pragma once
// pcapng files: sections in either byte order, any number of interfaces each
// with its own link type and timestamp resolution; EPB, SPB and the obsolete
// Packet Block are read, other blocks skipped.
#include <string>
#include <vector>

#include "wire/byte_cursor.h"
#include "wire/capture_source.h"
#include "wire/captured_packet.h"

namespace tc::wire {

inline constexpr uint32_t kPcapngSectionHeader = 0x0A0D0D0A;
// Block types whose packets are read, and the largest block accepted.
inline constexpr uint32_t kPcapngObsoletePacket = 2;
inline constexpr uint32_t kPcapngSimplePacket = 3;
inline constexpr uint32_t kPcapngEnhancedPacket = 6;
inline constexpr uint32_t kPcapngMaxBlock = kMaxPacketRecord + 4096;

class PcapngReader {
 public:
  PcapngReader(BufferedReader& input, std::string source, std::vector<CaptureDiagnostic>& diagnostics)
      : input_(input), source_(std::move(source)), diagnostics_(diagnostics) {}
  struct Interface {
    uint32_t link_type = 0;
    double seconds_per_unit = 1e-6;
    double offset_seconds = 0;
    bool operator==(const Interface&) const = default;
  };
  // What the blocks read so far declared: all a reader needs to go on from any block.
  struct State {
    bool little_endian = true;
    bool in_section = false;
    std::vector<Interface> interfaces;
    bool operator==(const State&) const = default;
  };

  // The input is at a block boundary after blocks that declared `state`.
  void resume(State state) { state_ = std::move(state); }
  [[nodiscard]] const State& state() const { return state_; }
  ReadResult next(CapturedPacket& packet);

 private:
  uint32_t u32(const uint8_t* p) const { return state_.little_endian ? load_le32(p) : load_be32(p); }
  uint16_t u16(const uint8_t* p) const { return state_.little_endian ? load_le16(p) : load_be16(p); }
  bool read_section_header(const uint8_t* block, uint32_t length);
  void read_interface(const uint8_t* block, uint32_t length);
  bool packet_from(uint32_t type, const uint8_t* block, uint32_t length, CapturedPacket& packet);
  void problem(const std::string& message, bool fatal = false);

  BufferedReader& input_;
  std::string source_;
  std::vector<CaptureDiagnostic>& diagnostics_;
  State state_;
  size_t pending_size_ = 0;
};

}  // namespace tc::wire
