#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <iostream>
#include <string>

#include "common/error.hpp"
#include "common/logging.hpp"

namespace kz {

// The one place where errors end: parses the command line, runs `body`, and
// turns a kz::Error into one line "<program>: error: ..." (with `secret`
// redacted) and its exit code. --help and --version exit 0, a bad option 2.
inline int run_cli(CLI::App& app, int argc, char** argv, const std::string& program,
                   const std::string& secret, const std::function<int()>& body) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << program << ": error: " << e.what() << " (see --help)\n";
    return to_int(ExitCode::usage);
  }
  try {
    return body();
  } catch (const Error& e) {
    std::cerr << program << ": error: " << redact(e.what(), secret) << '\n';
    return to_int(e.code());
  } catch (const std::exception& e) {
    std::cerr << program << ": error: internal: " << redact(e.what(), secret) << '\n';
    return to_int(ExitCode::internal);
  }
}

}  // namespace kz
