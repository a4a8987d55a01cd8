#pragma once
// One captured frame down to a TCP segment the capture tracks: link, IP and
// TCP decoding plus the port filter, counting everything it skips. The
// one-thread decoder and the parallel reader share it, so both count alike.
#include <bitset>
#include <cstdint>
#include <span>

#include "wire/capture.h"
#include "wire/ip.h"
#include "wire/tcp.h"

namespace tc::wire {

class SegmentDecoder {
 public:
  SegmentDecoder(const CaptureOptions& options, CaptureStats& stats);

  // True when the frame is a TCP segment on a read port (any port with
  // detection); ip() and tcp() then describe it, as views into `bytes`.
  [[nodiscard]] bool decode(uint32_t link_type, std::span<const uint8_t> bytes);
  [[nodiscard]] const IpPacket& ip() const { return ip_; }
  [[nodiscard]] const TcpSegment& tcp() const { return tcp_; }

 private:
  std::bitset<65536> ports_;
  bool detect_any_port_;
  CaptureStats& stats_;
  IpPacket ip_;  // reused: no per-packet allocation
  TcpSegment tcp_;
};

}  // namespace tc::wire
