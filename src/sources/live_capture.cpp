#include "sources/live_capture.h"

#include <pcap/pcap.h>
#include <poll.h>

#include <memory>

namespace tc::sources {

namespace {

struct PcapCloser {
  void operator()(pcap_t* handle) const { pcap_close(handle); }
};
using PcapHandle = std::unique_ptr<pcap_t, PcapCloser>;

struct DispatchState {
  wire::CaptureDecoder* decoder;
  uint32_t link_type;
  uint64_t frame = 0;
};

void on_packet(u_char* user, const pcap_pkthdr* header, const u_char* bytes) {
  auto* state = reinterpret_cast<DispatchState*>(user);
  double timestamp = static_cast<double>(header->ts.tv_sec) + static_cast<double>(header->ts.tv_usec) / 1e6;
  state->decoder->feed_packet(state->link_type, timestamp, ++state->frame, {bytes, header->caplen});
}

}  // namespace

std::string default_bpf_filter(const wire::CaptureOptions& options) {
  if (options.detect_any_port || options.ports.empty()) return "tcp";
  std::string filter = "tcp and (";
  bool first = true;
  for (uint16_t port : options.ports) {
    filter += (first ? "port " : " or port ") + std::to_string(port);
    first = false;
  }
  return filter + ")";
}

bool run_live_capture(const LiveCaptureOptions& live, const wire::CaptureOptions& options,
                      const wire::ConnectionSink& on_connection, wire::CaptureStats& stats,
                      const std::atomic<bool>& stop, std::string& error) {
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  PcapHandle handle(pcap_create(live.interface_name.c_str(), errbuf));
  if (!handle) {
    error = live.interface_name + ": " + errbuf;
    return false;
  }
  pcap_set_snaplen(handle.get(), 65535);
  pcap_set_promisc(handle.get(), 0);
  pcap_set_timeout(handle.get(), 200);  // wake up to check the clock and the stop flag
  pcap_set_immediate_mode(handle.get(), 1);
  if (int status = pcap_activate(handle.get()); status < 0) {
    error = live.interface_name + ": " + pcap_geterr(handle.get());
    return false;
  }
  std::string filter = live.bpf_filter.empty() ? default_bpf_filter(options) : live.bpf_filter;
  bpf_program program{};
  if (pcap_compile(handle.get(), &program, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
    error = live.interface_name + ": filter '" + filter + "': " + pcap_geterr(handle.get());
    return false;
  }
  int set = pcap_setfilter(handle.get(), &program);
  pcap_freecode(&program);
  if (set != 0) {
    error = live.interface_name + ": " + pcap_geterr(handle.get());
    return false;
  }
  // Non-blocking reads behind poll(): pcap_dispatch alone may block past the
  // deadline on an idle interface.
  if (pcap_setnonblock(handle.get(), 1, errbuf) != 0) {
    error = live.interface_name + ": " + errbuf;
    return false;
  }
  int fd = pcap_get_selectable_fd(handle.get());
  wire::CaptureDecoder decoder(options, on_connection, stats);
  DispatchState state{&decoder, static_cast<uint32_t>(pcap_datalink(handle.get()))};
  auto deadline = live.duration ? std::optional(std::chrono::steady_clock::now() + *live.duration) : std::nullopt;
  while (!stop.load()) {
    if (deadline && std::chrono::steady_clock::now() >= *deadline) break;
    if (fd >= 0) {
      pollfd ready{fd, POLLIN, 0};
      if (poll(&ready, 1, 200) == 0) continue;  // idle: check the clock and the stop flag
    }
    int got = pcap_dispatch(handle.get(), 256, on_packet, reinterpret_cast<u_char*>(&state));
    if (got < 0) {
      error = live.interface_name + ": " + pcap_geterr(handle.get());
      decoder.finish();
      return false;
    }
  }
  decoder.finish();
  return true;
}

}  // namespace tc::sources
