#pragma once
#include <CLI/CLI.hpp>

namespace tc::cli {

// `trunkcheck history`: what changed per endpoint between stored scans.
void register_history_command(CLI::App& app, int& exit_code);

}  // namespace tc::cli
