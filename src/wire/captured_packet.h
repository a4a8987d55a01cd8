#pragma once
// One packet as a capture file reader hands it over: a view into the
// reader's buffer, valid until the next call.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "wire/capture.h"

namespace tc::wire {

struct CapturedPacket {
  uint32_t link_type = 0;
  double timestamp = 0;                 // seconds since the epoch
  std::span<const uint8_t> data;
  uint64_t offset = 0;                  // offset of the packet's record in the capture
};

enum class ReadResult { packet, end, error };

// A capture with millions of bad records must not grow a diagnostics list without bound.
inline constexpr size_t kMaxDiagnostics = 1000;

// Adds "<source>: <message>" to the diagnostics list.
inline void add_diagnostic(std::vector<CaptureDiagnostic>& diagnostics, const std::string& source,
                           uint64_t frame, uint64_t offset, const std::string& message, bool fatal) {
  if (diagnostics.size() >= kMaxDiagnostics) return;
  diagnostics.push_back({source, frame, offset, source + ": " + message, fatal});
}

// Moves `more` (a thread's or a chunk's list) to the end of `diagnostics`, within the cap.
inline void append_diagnostics(std::vector<CaptureDiagnostic>& diagnostics, std::vector<CaptureDiagnostic>& more) {
  for (CaptureDiagnostic& diagnostic : more) {
    if (diagnostics.size() >= kMaxDiagnostics) break;
    diagnostics.push_back(std::move(diagnostic));
  }
  more.clear();
}

// Whether any diagnostic from index `from` on says nothing more could be read.
inline bool any_fatal(const std::vector<CaptureDiagnostic>& diagnostics, size_t from = 0) {
  for (size_t i = from; i < diagnostics.size(); ++i) {
    if (diagnostics[i].fatal) return true;
  }
  return false;
}

// Largest packet record accepted (pcap snaplen is at most 256 KiB in practice).
inline constexpr uint32_t kMaxPacketRecord = 16u << 20;

}  // namespace tc::wire
