#pragma once
// Reading a capture held in memory (a mapped file, a buffer) with several
// threads that each both read and judge. The file is cut into chunks; any
// thread reads the next chunk (link, IP and TCP, no copy of the bytes) and
// deals its tracked segments by connection; each thread then feeds its own
// flow table its share of every chunk, in file order. So the reading is
// split between the threads as well as the connections.
//
// A chunk after the first starts where a record plausibly starts
// (record_sync.h). Its reading is kept only if the chunk before it, read to
// its end, stopped exactly there and in the same state (pcapng interfaces);
// otherwise it is read again from there. The result is therefore the one
// thread's reading whatever the guess, and frame numbers are counted once
// the chunks before are known.
#include <span>
#include <string>
#include <vector>

#include "wire/capture.h"
#include "wire/capture_source.h"
#include "wire/parallel_capture.h"

namespace tc::wire {

// `file` is the whole of `source` (which hears which ranges are read and
// which are done with). Diagnostics and the return value as for
// read_capture; an exception in a stage or the sink stops every thread and
// is rethrown here.
[[nodiscard]] bool read_chunked(ByteSource& source, std::span<const uint8_t> file, const std::string& name,
                                const CaptureOptions& options, std::span<const WorkerStage> stages,
                                const OutputSink& deliver, CaptureStats& stats,
                                std::vector<CaptureDiagnostic>& diagnostics);

}  // namespace tc::wire
