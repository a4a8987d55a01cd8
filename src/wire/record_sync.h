#pragma once
// Finding a record boundary in the middle of a capture file, so several
// threads can each start reading at their own offset. Record headers carry no
// sync marker, so this is a guess — a place where several plausible records
// follow one another — that the caller must confirm: a chunk read from a
// guessed start is kept only when the reader of the chunk before it stopped
// exactly there (see chunked_capture.cpp).
#include <cstdint>
#include <optional>
#include <span>

#include "wire/pcap_file.h"
#include "wire/pcapng_file.h"

namespace tc::wire {

// The first offset in [from, to) where a pcap record header (16 bytes, then
// the packet) plausibly starts, followed by plausible records up to the end
// of the file or for several records.
[[nodiscard]] std::optional<uint64_t> find_pcap_record(std::span<const uint8_t> file, uint64_t from, uint64_t to,
                                                       const PcapReader::Layout& layout);

// The same for a pcapng packet block (enhanced, simple or obsolete) that a
// reader in `state` would hand over; blocks start at multiples of four.
[[nodiscard]] std::optional<uint64_t> find_pcapng_packet(std::span<const uint8_t> file, uint64_t from, uint64_t to,
                                                         const PcapngReader::State& state);

}  // namespace tc::wire
