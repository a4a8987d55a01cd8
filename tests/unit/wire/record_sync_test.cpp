// Finding a record boundary in the middle of a capture (record_sync.h): the
// guesses the chunked reader starts its chunks from. A guess may be wrong (it
// is confirmed later), but it must find true boundaries in ordinary files and
// refuse the obviously implausible.
#include "wire/record_sync.h"

#include <gtest/gtest.h>

#include "pcapng_writer.h"
#include "wire_builders.h"

namespace tc::wire {
namespace {

using namespace tc::wire::testing;

// ------------------------------------------------------------ pcap

struct PcapRecords {
  Buffer file;
  std::vector<uint64_t> starts;  // of every record
  PcapReader::Layout layout;
};

// A pcap file of records of these sizes. Their bytes (0xee) read as a record
// header claim 4 GB: no false start inside a packet.
PcapRecords pcap_records(const std::vector<size_t>& sizes, bool little_endian = true, bool nanoseconds = false) {
  PcapRecords r;
  std::vector<Buffer> frames;
  uint64_t at = 24;
  for (size_t size : sizes) {
    frames.emplace_back(size, 0xee);
    r.starts.push_back(at);
    at += 16 + size;
  }
  r.file = pcap_file(frames, 1, little_endian, nanoseconds);
  r.layout.little_endian = little_endian;
  r.layout.fraction_scale = nanoseconds ? 1e-9 : 1e-6;
  r.layout.link_type = 1;
  return r;
}

// A record header, little-endian.
Buffer record_header(uint32_t seconds, uint32_t fraction, uint32_t captured, uint32_t original) {
  Buffer out;
  put_u32_le(out, seconds);
  put_u32_le(out, fraction);
  put_u32_le(out, captured);
  put_u32_le(out, original);
  return out;
}

Buffer record_of(uint32_t seconds, size_t size) {
  return concat({record_header(seconds, 0, static_cast<uint32_t>(size), static_cast<uint32_t>(size)),
                 Buffer(size, 0xee)});
}

const std::vector<size_t> kSizes = {40, 100, 17, 300, 0, 64, 1, 1500, 77, 200};

TEST(RecordSync, PcapFindsTheNextRecordFromAnywhereInAPacket) {
  for (bool little_endian : {true, false}) {
    for (bool nanoseconds : {false, true}) {
      SCOPED_TRACE(std::string(little_endian ? "little" : "big") + "-endian" + (nanoseconds ? ", ns" : ", us"));
      const PcapRecords r = pcap_records(kSizes, little_endian, nanoseconds);
      for (size_t k = 0; k + 1 < r.starts.size(); ++k) {
        // From the packet's first byte to the next record's first: that record.
        for (uint64_t from = r.starts[k] + 16; from <= r.starts[k + 1]; ++from) {
          ASSERT_EQ(find_pcap_record(r.file, from, r.file.size(), r.layout), r.starts[k + 1])
              << "record " << k << ", from " << from;
        }
        EXPECT_EQ(find_pcap_record(r.file, r.starts[k], r.file.size(), r.layout), r.starts[k]);
      }
    }
  }
}

TEST(RecordSync, PcapNothingWhenNoRecordStartsInTheRange) {
  const PcapRecords r = pcap_records(kSizes);
  const uint64_t inside = r.starts[3] + 20;  // in the 300-byte packet
  EXPECT_EQ(find_pcap_record(r.file, inside, r.starts[4], r.layout), std::nullopt);  // `to` is excluded
  EXPECT_EQ(find_pcap_record(r.file, inside, r.starts[4] + 1, r.layout), r.starts[4]);
  // In the last packet: no record follows.
  EXPECT_EQ(find_pcap_record(r.file, r.starts.back() + 16, r.file.size(), r.layout), std::nullopt);
  // Empty or out-of-file ranges.
  EXPECT_EQ(find_pcap_record(r.file, r.starts[2], r.starts[2], r.layout), std::nullopt);
  EXPECT_EQ(find_pcap_record(r.file, r.file.size(), r.file.size() + 100, r.layout), std::nullopt);
  EXPECT_EQ(find_pcap_record({}, 0, 100, r.layout), std::nullopt);
}

TEST(RecordSync, PcapRejectsACandidateWhoseSuccessorIsImplausible) {
  const Buffer lead(8, 0xee);  // the candidate is at 8
  const Buffer candidate = record_of(1000, 8);
  auto found = [&](const Buffer& successor, const PcapReader::Layout& layout = PcapReader::Layout{}) {
    return find_pcap_record(concat({lead, candidate, successor}), 0, 9, layout);
  };
  // Plausible successors, the file ending exactly after them.
  EXPECT_EQ(found(record_of(1001, 20)), 8u);
  EXPECT_EQ(found(record_of(1000 + 3600, 20)), 8u);  // an hour later
  // Implausible ones.
  EXPECT_EQ(found(concat({record_header(1001, 0, 0x7fffffff, 0x7fffffff), Buffer(64, 0xee)})), std::nullopt)
      << "captured length beyond any record";
  EXPECT_EQ(found(concat({record_header(1001, 0, 20, 19), Buffer(20, 0xee)})), std::nullopt)
      << "more captured than the original packet";
  EXPECT_EQ(found(record_of(1000 + 2 * 86400, 20)), std::nullopt) << "two days after the candidate";
  EXPECT_EQ(found(concat({record_header(1001, 1000000, 20, 20), Buffer(20, 0xee)})), std::nullopt)
      << "a microsecond fraction of a whole second";
  PcapReader::Layout nano;
  nano.fraction_scale = 1e-9;  // the same fraction is fine in nanoseconds
  EXPECT_EQ(found(concat({record_header(1001, 1000000, 20, 20), Buffer(20, 0xee)}), nano), 8u);
  // The third record in the run is checked too.
  EXPECT_EQ(found(concat({record_of(1001, 4), record_header(1002, 0, 0x7fffffff, 0x7fffffff), Buffer(16, 0)})),
            std::nullopt);
}

TEST(RecordSync, PcapAcceptsAFileEndingExactlyAfterARecord) {
  const PcapReader::Layout layout;
  const Buffer one = record_of(1000, 8);
  EXPECT_EQ(find_pcap_record(one, 0, 1, layout), 0u);
  // A partial header after it is no record: the candidate has no plausible successor.
  EXPECT_EQ(find_pcap_record(concat({one, Buffer(3, 0)}), 0, 1, layout), std::nullopt);
  // A record cut short by the end of the file, after a whole one: a truncated last record.
  const Buffer cut = concat({one, record_header(1001, 0, 100, 100), Buffer(10, 0xee)});
  EXPECT_EQ(find_pcap_record(cut, 0, 1, layout), 0u);
  // … but not a candidate on its own.
  EXPECT_EQ(find_pcap_record(cut, one.size(), one.size() + 1, layout), std::nullopt);
}

TEST(RecordSync, PcapReadsTheLayoutsByteOrder) {
  const PcapRecords big = pcap_records(kSizes, false);
  PcapReader::Layout wrong = big.layout;
  wrong.little_endian = true;
  const uint64_t inside = big.starts[1] + 20;
  EXPECT_EQ(find_pcap_record(big.file, inside, big.file.size(), big.layout), big.starts[2]);
  EXPECT_NE(find_pcap_record(big.file, inside, big.file.size(), wrong), big.starts[2]);
}

// ------------------------------------------------------------ pcapng

PcapngReader::State state_with(size_t interfaces, bool little_endian = true) {
  PcapngReader::State state;
  state.little_endian = little_endian;
  state.in_section = true;
  state.interfaces.resize(interfaces);
  return state;
}

const Buffer kFrame(60, 0xee);

// Offsets of the blocks a writer adds, in order.
struct Blocks {
  PcapngWriter w;
  std::vector<uint64_t> at;
  template <typename Add>
  void add(Add&& add_block) {
    at.push_back(w.bytes.size());
    add_block(w);
  }
};

TEST(RecordSync, PcapngFindsOnlyFourByteAlignedBlocks) {
  Blocks b;
  b.add([](PcapngWriter& w) { w.section(true); });
  b.add([](PcapngWriter& w) { w.interface(kLinkEthernet); });
  for (int i = 0; i < 5; ++i) b.add([](PcapngWriter& w) { w.enhanced(0, 1700000000 + 0.1, kFrame); });
  const PcapngReader::State state = state_with(1);
  EXPECT_EQ(find_pcapng_packet(b.w.bytes, 0, b.w.bytes.size(), state), b.at[2]);
  // `from` inside a block: the next packet block, searched from the next multiple of four.
  EXPECT_EQ(find_pcapng_packet(b.w.bytes, b.at[2] + 1, b.w.bytes.size(), state), b.at[3]);
  // The same blocks two bytes further on: none at a multiple of four.
  const Buffer shifted = concat({Buffer(2, 0), b.w.bytes});
  EXPECT_EQ(find_pcapng_packet(shifted, 0, shifted.size(), state), std::nullopt);
  const Buffer realigned = concat({Buffer(4, 0), b.w.bytes});
  EXPECT_EQ(find_pcapng_packet(realigned, 0, realigned.size(), state), b.at[2] + 4);
}

TEST(RecordSync, PcapngFindsOnlyPacketsOnADeclaredInterface) {
  Blocks b;
  b.add([](PcapngWriter& w) { w.section(true); });
  b.add([](PcapngWriter& w) { w.interface(kLinkEthernet); });
  b.add([](PcapngWriter& w) { w.interface(kLinkLinuxSll); });
  b.add([](PcapngWriter& w) { w.enhanced(1, 1700000000, kFrame); });   // 3
  b.add([](PcapngWriter& w) { w.obsolete(1, 1700000000, kFrame); });   // 4
  b.add([](PcapngWriter& w) { w.simple(kFrame); });                    // 5: interface 0
  b.add([](PcapngWriter& w) { w.enhanced(0, 1700000000, kFrame); });   // 6
  b.add([](PcapngWriter& w) { w.enhanced(0, 1700000000, kFrame); });
  const Buffer& file = b.w.bytes;
  EXPECT_EQ(find_pcapng_packet(file, 0, file.size(), state_with(2)), b.at[3]);
  EXPECT_EQ(find_pcapng_packet(file, b.at[3] + 4, file.size(), state_with(2)), b.at[4]);  // obsolete block
  EXPECT_EQ(find_pcapng_packet(file, 0, file.size(), state_with(1)), b.at[5]);  // interface 1 unknown
  // No interface at all: not even a simple packet block (which means interface 0).
  EXPECT_EQ(find_pcapng_packet(file, 0, file.size(), state_with(0)), std::nullopt);
  // Outside a section, nothing is a packet.
  PcapngReader::State no_section = state_with(2);
  no_section.in_section = false;
  EXPECT_EQ(find_pcapng_packet(file, 0, file.size(), no_section), std::nullopt);
}

TEST(RecordSync, PcapngChecksTheTrailingLength) {
  Blocks b;
  b.add([](PcapngWriter& w) { w.section(true); });
  b.add([](PcapngWriter& w) { w.interface(kLinkEthernet); });
  for (int i = 0; i < 4; ++i) b.add([](PcapngWriter& w) { w.enhanced(0, 1700000000, kFrame); });
  Buffer file = b.w.bytes;
  const uint64_t trailer = b.at[3] - 4;  // the first packet block's trailing length
  EXPECT_EQ(find_pcapng_packet(file, 0, file.size(), state_with(1)), b.at[2]);
  file[trailer] ^= 4;  // still a multiple of four, no longer the leading length
  EXPECT_EQ(find_pcapng_packet(file, 0, file.size(), state_with(1)), b.at[3]);
}

TEST(RecordSync, PcapngChecksThePacketAndTheBlocksAfterIt) {
  Blocks b;
  b.add([](PcapngWriter& w) { w.section(true); });
  b.add([](PcapngWriter& w) { w.interface(kLinkEthernet); });
  for (int i = 0; i < 5; ++i) b.add([](PcapngWriter& w) { w.enhanced(0, 1700000000, kFrame); });
  const PcapngReader::State state = state_with(1);
  {
    Buffer file = b.w.bytes;
    file[b.at[2] + 20] = 200;  // captured length beyond the block
    EXPECT_EQ(find_pcapng_packet(file, 0, file.size(), state), b.at[3]);
  }
  {
    Buffer file = b.w.bytes;
    file[b.at[4] + 4] = 0xee;  // the third block's length, so the first two lead nowhere plausible
    EXPECT_EQ(find_pcapng_packet(file, 0, b.at[4], state), std::nullopt);
  }
  // The last packet block of a file, ending exactly at its end, is a start.
  EXPECT_EQ(find_pcapng_packet(b.w.bytes, b.at[6], b.w.bytes.size(), state), b.at[6]);
  // A packet block cut short by the end of the file is not.
  const Buffer cut(b.w.bytes.begin(), b.w.bytes.end() - 8);
  EXPECT_EQ(find_pcapng_packet(cut, b.at[6], cut.size(), state), std::nullopt);
}

TEST(RecordSync, PcapngReadsTheStatesByteOrder) {
  Blocks b;
  b.add([](PcapngWriter& w) { w.section(false); });
  b.add([](PcapngWriter& w) { w.interface(kLinkEthernet); });
  for (int i = 0; i < 4; ++i) b.add([](PcapngWriter& w) { w.enhanced(0, 1700000000, kFrame); });
  EXPECT_EQ(find_pcapng_packet(b.w.bytes, 0, b.w.bytes.size(), state_with(1, false)), b.at[2]);
  EXPECT_EQ(find_pcapng_packet(b.w.bytes, 0, b.w.bytes.size(), state_with(1, true)), std::nullopt);
}

}  // namespace
}  // namespace tc::wire
