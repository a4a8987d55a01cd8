// Differential fuzzing of the several-thread capture reader: any input read
// in small chunks by two threads (chunk_capture.cpp: starts guessed, then
// confirmed) must give exactly what one thread reads — the same connections in
// the same order, counts, diagnostics and verdict. A difference aborts.
// The first input byte picks the chunk size (64 to 1,084 bytes), the rest is
// the capture.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "wire/capture.h"
#include "wire/parallel_capture.h"

namespace {

struct Reading {
  bool ok = false;
  std::vector<std::string> connections;
  tc::wire::CaptureStats stats;
  std::vector<std::string> diagnostics;
};

std::string describe(const tc::Connection& c) {
  std::string line = c.client + " " + c.server + " " + std::to_string(c.first_frame) + " " +
                     std::to_string(c.cipher.value_or(0)) + " " + std::to_string(c.incomplete) + " " +
                     std::to_string(c.messages.size()) + " " + std::to_string(c.alerts.size());
  for (const auto& message : c.messages) line += " " + std::to_string(message.frame);
  for (const auto& anomaly : c.anomalies) line += " | " + anomaly;
  return line;
}

struct Described final : tc::wire::WorkerOutput {
  std::string line;
};

void check(bool same) {
  if (!same) std::abort();
}

void check_same_stats(const tc::wire::CaptureStats& a, const tc::wire::CaptureStats& b) {
  check(a.frames == b.frames && a.bytes == b.bytes && a.ip_fragments_skipped == b.ip_fragments_skipped &&
        a.non_ip == b.non_ip && a.non_tcp == b.non_tcp && a.malformed == b.malformed &&
        a.unsupported_link_type == b.unsupported_link_type && a.tcp_segments == b.tcp_segments &&
        a.connections_tls == b.connections_tls && a.connections_other == b.connections_other &&
        a.connections_evicted == b.connections_evicted && a.lost_bytes == b.lost_bytes);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  tc::wire::CaptureOptions options;
  options.detect_any_port = true;
  // Never reached here, so eviction (shared out per thread) cannot differ.
  options.max_connections = 100000;
  options.max_direction_buffer = 4096;
  options.parallel_chunk_bytes = 64 + size_t{data[0]} * 4;
  const std::span<const uint8_t> capture(data + 1, size - 1);

  Reading one;
  std::vector<tc::wire::CaptureDiagnostic> diagnostics;
  one.ok = tc::wire::read_capture_bytes(
      capture, "fuzz", options, [&](tc::Connection&& c) { one.connections.push_back(describe(c)); }, one.stats,
      diagnostics);
  for (const auto& d : diagnostics) one.diagnostics.push_back(d.message + "@" + std::to_string(d.offset));

  Reading two;
  diagnostics.clear();
  std::vector<tc::wire::WorkerStage> stages(2, [](tc::Connection&& c) -> std::unique_ptr<tc::wire::WorkerOutput> {
    auto out = std::make_unique<Described>();
    out->line = describe(c);
    return out;
  });
  two.ok = tc::wire::read_capture_bytes_parallel(
      capture, "fuzz", options, stages,
      [&](tc::wire::WorkerOutput& out) { two.connections.push_back(static_cast<Described&>(out).line); }, two.stats,
      diagnostics);
  for (const auto& d : diagnostics) two.diagnostics.push_back(d.message + "@" + std::to_string(d.offset));

  check(one.ok == two.ok);
  check(one.connections == two.connections);
  check(one.diagnostics == two.diagnostics);
  check_same_stats(one.stats, two.stats);
  return 0;
}
