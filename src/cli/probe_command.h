#pragma once
#include <CLI/CLI.hpp>

namespace tc::cli {

// `trunkcheck probe HOST[:PORT]`: call a live SIP-TLS endpoint the way the
// platform calls it, and judge what it answers.
void register_probe_command(CLI::App& app, int& exit_code);

}  // namespace tc::cli
