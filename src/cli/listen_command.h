#pragma once
// `trunkcheck listen`: plays the platform's side of an inbound call — a TLS
// 1.2 SIP server that judges every client that connects (issue 5).
#include <CLI/CLI.hpp>

namespace tc::cli {

void register_listen_command(CLI::App& app, int& exit_code);

}  // namespace tc::cli
