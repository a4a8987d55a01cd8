// trunkcheck: the whole program is the tc_cli library; main only hands over.
#include "cli/app.h"

int main(int argc, char** argv) { return tc::cli::run_app(argc, argv); }
