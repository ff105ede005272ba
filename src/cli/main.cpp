// docket's entry point: everything happens in run_cli (src/cli/cli.cpp), the one place that
// turns errors into messages and exit codes.
#include "cli.hpp"

int main(int argc, char** argv) { return docket::cli::run_cli(argc, argv); }
