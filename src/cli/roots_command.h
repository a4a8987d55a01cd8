#pragma once
#include <CLI/CLI.hpp>

namespace tc::cli {

// `trunkcheck roots`: the profile's trusted roots resolved in the system store.
void register_roots_command(CLI::App& app, int& exit_code);

}  // namespace tc::cli
