#pragma once
#include <CLI/CLI.hpp>

namespace tc::cli {

// `trunkcheck cert PATH...`: certificate, chain and inventory audit.
void register_cert_command(CLI::App& app, int& exit_code);

}  // namespace tc::cli
