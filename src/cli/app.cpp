#include "cli/app.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/cert_command.h"
#include "cli/common.h"
#include "cli/listen_command.h"
#include "cli/forecast_command.h"
#include "cli/history_command.h"
#include "cli/pcap_command.h"
#include "cli/probe_command.h"
#include "cli/roots_command.h"
#include "cli/scan_command.h"

namespace tc::cli {

int run_app(int argc, char** argv) {
  CLI::App app{"trunkcheck: will your SIP-over-TLS trunk work, and if not, why and what to change"};
  app.set_version_flag("--version", std::string("trunkcheck ") + TRUNKCHECK_VERSION);
  app.require_subcommand(1);
  int exit_code = kExitOk;
  register_cert_command(app, exit_code);
  register_roots_command(app, exit_code);
  register_pcap_command(app, exit_code);
  register_listen_command(app, exit_code);
  register_probe_command(app, exit_code);
  register_scan_command(app, exit_code);
  register_history_command(app, exit_code);
  register_forecast_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForAllHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForVersion& version) {
    return app.exit(version);
  } catch (const CLI::ParseError& error) {
    // Usage errors name the option and the reason; the contract's code is 2.
    app.exit(error, std::cout, std::cerr);
    return kExitUsage;
  }
  return exit_code;
}

}  // namespace tc::cli
