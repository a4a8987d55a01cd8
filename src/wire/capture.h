#pragma once
// Public API of the capture reader: pcap / pcapng (optionally gzip-compressed)
// from a file, stdin or memory, or packet by packet from a live source; calls
// back once per TLS connection as it finishes so memory stays bounded.
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/connection.h"

namespace tc::wire {

struct CaptureOptions {
  std::set<uint16_t> ports{5061};     // TCP ports read as TLS
  bool detect_any_port = false;       // also recognise TLS on any port by its first bytes
  size_t max_connections = 100000;    // tracked at once; the oldest idle one is evicted beyond this
  size_t max_direction_buffer = 1 << 20;  // out-of-order bytes buffered per direction
  // With several threads, a capture in memory (a mapped file) is read in
  // chunks of this many bytes, each by one thread (tests make them small).
  size_t parallel_chunk_bytes = 2 << 20;
  // With several threads: the worker stages (parallel_capture.h) run only
  // once this is ready, so what they need can be prepared while the capture
  // is read (pcap's trust store). Until then the threads hold the
  // connections their tables finish, up to max_held_bytes between them
  // (certificates and a fixed cost each), then wait; get() rethrows what the
  // preparation threw. Default (invalid): ready.
  std::shared_future<void> stages_ready;
  size_t max_held_bytes = 16 << 20;
  // Called every few thousand frames with the bytes read so far (of the
  // decompressed stream for gzip input), for a progress display.
  std::function<void(uint64_t bytes_read)> progress;
};

struct CaptureStats {
  uint64_t frames = 0;
  uint64_t bytes = 0;                 // captured packet bytes
  uint64_t ip_fragments_skipped = 0;
  uint64_t non_ip = 0;                // frames that were not IPv4/IPv6 (ARP, LLDP, …)
  uint64_t non_tcp = 0;               // IP packets that were not TCP (RTP/UDP, ICMP, …)
  uint64_t malformed = 0;             // truncated or inconsistent link/IP/TCP headers
  uint64_t unsupported_link_type = 0; // frames of a link type we cannot decode
  uint64_t tcp_segments = 0;
  uint64_t connections_tls = 0;       // reported through the callback
  uint64_t connections_other = 0;     // TCP connections that never carried TLS
  uint64_t connections_evicted = 0;   // dropped at the tracking cap
  uint64_t lost_bytes = 0;            // gaps in TLS streams that never filled
};

struct CaptureDiagnostic {
  std::string source;   // file name, "-" for stdin
  uint64_t frame = 0;   // 0 when not about one frame
  uint64_t offset = 0;  // byte offset in the (decompressed) capture
  std::string message;  // "<source>: truncated packet record at offset N"
  bool fatal = false;   // nothing more could be read
};

using ConnectionSink = std::function<void(Connection&&)>;

// Drives the link/IP/TCP decoders, reassembly and TLS parser with one packet
// at a time; used by the file readers below and by live capture.
class CaptureDecoder {
 public:
  CaptureDecoder(const CaptureOptions& options, ConnectionSink on_connection, CaptureStats& stats);
  ~CaptureDecoder();
  CaptureDecoder(const CaptureDecoder&) = delete;
  CaptureDecoder& operator=(const CaptureDecoder&) = delete;

  // `link_type` is a LINKTYPE_* value; `timestamp` seconds since the epoch;
  // `frame` the 1-based frame number in the capture.
  void feed_packet(uint32_t link_type, double timestamp, uint64_t frame, std::span<const uint8_t> bytes);
  // End of capture: reports every connection still open.
  void finish();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Reads one capture file ("-" for stdin; gzip detected by its magic).
// Returns false on a fatal input error (a diagnostic says why); connections
// read before the damage have been reported already.
[[nodiscard]] bool read_capture(std::string_view path_or_dash, const CaptureOptions& options,
                                const ConnectionSink& on_connection, CaptureStats& stats,
                                std::vector<CaptureDiagnostic>& diagnostics);

// The same for a capture held in memory (tests, fuzzing); `name` labels diagnostics.
[[nodiscard]] bool read_capture_bytes(std::span<const uint8_t> bytes, std::string_view name,
                                      const CaptureOptions& options, const ConnectionSink& on_connection,
                                      CaptureStats& stats, std::vector<CaptureDiagnostic>& diagnostics);

}  // namespace tc::wire
