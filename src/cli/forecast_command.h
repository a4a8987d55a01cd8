#pragma once
#include <CLI/CLI.hpp>

namespace tc::cli {

// `trunkcheck forecast --until DATE`: what needs action before DATE, from the
// stored facts and the profile timeline.
void register_forecast_command(CLI::App& app, int& exit_code);

}  // namespace tc::cli
