#include "wire/chunk_scan.h"

#include "wire/captured_packet.h"
#include "wire/flow_key.h"
#include "wire/record_sync.h"

namespace tc::wire {

void ChunkScan::reset(size_t workers) {
  start = end = {};
  last = false;
  records = 0;
  stats = {};
  diagnostics.clear();
  segments.resize(workers);
  for (auto& list : segments) list.clear();
  payloads.resize(workers);
  for (auto& bytes : payloads) bytes.clear();
}

ChunkScanner::ChunkScanner(std::span<const uint8_t> file, RecordFormat format, std::string name,
                           const CaptureOptions& options, size_t workers)
    : file_(file), format_(format), name_(std::move(name)), workers_(workers), decoder_(options, counts_) {}

std::optional<ReaderPosition> ChunkScanner::guess_start(uint64_t from, uint64_t limit,
                                                        const ReaderPosition& guess) const {
  const std::optional<uint64_t> at = format_ == RecordFormat::pcap
                                         ? find_pcap_record(file_, from, limit, guess.pcap)
                                         : find_pcapng_packet(file_, from, limit, guess.pcapng);
  if (!at) return std::nullopt;
  ReaderPosition position = guess;
  position.offset = *at;
  return position;
}

void ChunkScanner::scan(const ReaderPosition& start, uint64_t limit, ChunkScan& out) {
  out.reset(workers_);
  out.start = start;
  counts_ = {};
  BufferedReader input(memory_source(file_.subspan(start.offset)));
  input.count_from(start.offset);
  if (format_ == RecordFormat::pcap) {
    PcapReader reader(input, name_, out.diagnostics);
    reader.resume(start.pcap);
    read(reader, input, limit, out);
    out.end.pcap = reader.layout();
  } else {
    PcapngReader reader(input, name_, out.diagnostics);
    reader.resume(start.pcapng);
    read(reader, input, limit, out);
    out.end.pcapng = reader.state();
  }
  out.stats = counts_;
}

template <typename Reader>
void ChunkScanner::read(Reader& reader, BufferedReader& input, uint64_t limit, ChunkScan& out) {
  CapturedPacket packet;
  while (reader.next(packet) == ReadResult::packet) {
    if (packet.offset >= limit) {
      out.end.offset = packet.offset;  // the next chunk's first record
      return;
    }
    ++out.records;
    if (!decoder_.decode(packet.link_type, packet.data)) continue;
    const IpPacket& ip = decoder_.ip();
    const TcpSegment& tcp = decoder_.tcp();
    int sender = 0;
    const FlowKey key = flow_key_of(ip, tcp, sender);
    const uint64_t hash = FlowKeyHash{}(key);
    // From the hash's high half (its low bits pick the flow's slot in the
    // table), scaled rather than divided: a division per segment showed.
    const size_t worker = static_cast<size_t>(((hash >> 32) * workers_) >> 32);
    // Copied while in this core's cache and TLB: the worker then reads them
    // packed, not one page of the file per segment.
    std::vector<uint8_t>& payloads = out.payloads[worker];
    const uint64_t payload_offset = payloads.size();
    payloads.insert(payloads.end(), tcp.payload.begin(), tcp.payload.end());
    out.segments[worker].push_back({key, hash, payload_offset, packet.timestamp,
                                    static_cast<uint32_t>(tcp.payload.size()), tcp.sequence,
                                    static_cast<uint32_t>(out.records), tcp.flags, static_cast<uint8_t>(sender)});
  }
  out.last = true;
  out.end.offset = input.offset();
}

}  // namespace tc::wire
