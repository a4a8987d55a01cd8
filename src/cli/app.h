#pragma once

namespace tc::cli {

// Parses the command line and runs one subcommand; returns the exit code.
int run_app(int argc, char** argv);

}  // namespace tc::cli
