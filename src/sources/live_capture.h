#pragma once
// Live capture from an interface with libpcap, feeding the same decoder the
// file reader uses. Runs until `duration` elapses or `stop` becomes true
// (set from a SIGINT handler).
#include <atomic>
#include <chrono>
#include <optional>
#include <string>

#include "wire/capture.h"

namespace tc::sources {

struct LiveCaptureOptions {
  std::string interface_name;
  std::optional<std::chrono::seconds> duration;
  std::string bpf_filter;  // empty: built from the ports (or "tcp" with detection)
};

// Returns false with `error` set when the interface cannot be opened or the
// filter does not compile (the message names the interface and the reason).
bool run_live_capture(const LiveCaptureOptions& live, const wire::CaptureOptions& options,
                      const wire::ConnectionSink& on_connection, wire::CaptureStats& stats,
                      const std::atomic<bool>& stop, std::string& error);

std::string default_bpf_filter(const wire::CaptureOptions& options);

}  // namespace tc::sources
