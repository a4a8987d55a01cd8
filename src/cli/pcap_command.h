#pragma once
#include <CLI/CLI.hpp>

namespace tc::cli {

// `trunkcheck pcap FILE...`: the TLS handshakes of SIP trunk captures, judged.
void register_pcap_command(CLI::App& app, int& exit_code);

}  // namespace tc::cli
