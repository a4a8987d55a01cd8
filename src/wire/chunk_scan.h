#pragma once
// One thread's share of reading a capture held in memory: the records of one
// chunk of the file, decoded down to the TCP segments the capture tracks, and
// those segments dealt to the workers by connection. Their payloads are copied,
// packed per worker, while still in the reading core's cache (a worker reading
// them from the file instead missed the TLB once per segment, and the file's
// pages had to stay until every worker was done); frame numbers count from the
// chunk's start until the chunk's place in the file is known.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "wire/capture.h"
#include "wire/flow_key.h"
#include "wire/ip.h"
#include "wire/pcap_file.h"
#include "wire/pcapng_file.h"
#include "wire/segment_decoder.h"
#include "wire/tcp.h"

namespace tc::wire {

// Where a reader is in a file and what it knows there: reading from equal
// positions reads the same records the same way.
struct ReaderPosition {
  uint64_t offset = 0;
  PcapReader::Layout pcap;       // pcap files
  PcapngReader::State pcapng;    // pcapng files
  bool operator==(const ReaderPosition&) const = default;
};

// A tracked segment, as FlowTable::on_segment reads it: its connection's key
// and hash were worked out to deal it, and are not worked out again.
struct SegmentRef {
  FlowKey key;
  uint64_t hash = 0;
  uint64_t payload_offset = 0;  // in the chunk's payloads for its worker
  double timestamp = 0;
  uint32_t payload_size = 0;
  uint32_t sequence = 0;
  uint32_t frame_in_chunk = 0;  // 1-based
  uint8_t flags = 0;
  uint8_t sender = 0;           // 0: the key's low endpoint sent it
};

struct ChunkScan {
  ReaderPosition start;
  ReaderPosition end;         // the first record at or after the chunk's limit, or where reading stopped
  bool last = false;          // reading stopped in this chunk: the file ends here (or is damaged)
  uint64_t records = 0;       // frames read
  CaptureStats stats;         // what the decoder counted
  std::vector<CaptureDiagnostic> diagnostics;
  std::vector<std::vector<SegmentRef>> segments;  // by worker, in frame order
  std::vector<std::vector<uint8_t>> payloads;     // by worker: the segments' payloads, one after another

  // Ready for another chunk; keeps the vectors' memory.
  void reset(size_t workers);
};

enum class RecordFormat { pcap, pcapng };

// One per thread: its decoder's port table is built once.
class ChunkScanner {
 public:
  ChunkScanner(std::span<const uint8_t> file, RecordFormat format, std::string name, const CaptureOptions& options,
               size_t workers);

  // Reads the records from `start` up to the first that begins at or after
  // `limit` (records may end past it), or to the end of the file.
  void scan(const ReaderPosition& start, uint64_t limit, ChunkScan& out);
  // Where the first record at or after `from` (and before `limit`) probably
  // starts, for a reader that knows what `guess` knew (the file's head, or
  // where the confirmed chunks end); the scan from there is confirmed or
  // redone by the caller.
  [[nodiscard]] std::optional<ReaderPosition> guess_start(uint64_t from, uint64_t limit,
                                                          const ReaderPosition& guess) const;

 private:
  template <typename Reader>
  void read(Reader& reader, BufferedReader& input, uint64_t limit, ChunkScan& out);

  std::span<const uint8_t> file_;
  RecordFormat format_;
  std::string name_;
  size_t workers_;
  CaptureStats counts_;
  SegmentDecoder decoder_;
};

}  // namespace tc::wire
