#pragma once
#include <CLI/CLI.hpp>

namespace tc::cli {

// `trunkcheck scan --targets FILE`: probe many endpoints concurrently and store
// each result in the SQLite history (report/scan_store.h).
void register_scan_command(CLI::App& app, int& exit_code);

}  // namespace tc::cli
