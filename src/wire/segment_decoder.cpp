#include "wire/segment_decoder.h"

#include "wire/link.h"

namespace tc::wire {

SegmentDecoder::SegmentDecoder(const CaptureOptions& options, CaptureStats& stats)
    : detect_any_port_(options.detect_any_port), stats_(stats) {
  for (uint16_t port : options.ports) ports_.set(port);
}

bool SegmentDecoder::decode(uint32_t link_type, std::span<const uint8_t> bytes) {
  ++stats_.frames;
  stats_.bytes += bytes.size();
  std::span<const uint8_t> network;
  switch (strip_link_layer(link_type, bytes, network)) {
    case LinkResult::ip: break;
    case LinkResult::not_ip: ++stats_.non_ip; return false;
    case LinkResult::malformed: ++stats_.malformed; return false;
    case LinkResult::unsupported: ++stats_.unsupported_link_type; return false;
  }
  switch (decode_ip(network, ip_)) {
    case IpResult::ok: break;
    case IpResult::fragment: ++stats_.ip_fragments_skipped; return false;
    case IpResult::not_ip: ++stats_.non_ip; return false;
    case IpResult::malformed: ++stats_.malformed; return false;
  }
  if (ip_.protocol != 6) {
    ++stats_.non_tcp;
    return false;
  }
  if (!decode_tcp(ip_.payload, tcp_)) {
    ++stats_.malformed;
    return false;
  }
  ++stats_.tcp_segments;
  if (ports_[tcp_.source_port] || ports_[tcp_.destination_port] || detect_any_port_) return true;
  // Counted once per connection attempt, without tracking it.
  if ((tcp_.flags & (tcp_flag::syn | tcp_flag::ack)) == tcp_flag::syn) ++stats_.connections_other;
  return false;
}

}  // namespace tc::wire
