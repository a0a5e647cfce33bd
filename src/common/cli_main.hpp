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
  } catch (const CLI::ExtrasError&) {
    // Unexpected arguments may hold a key typed in by mistake: name the options only.
    std::string names;
    size_t values = 0;
    for (const std::string& arg : app.remaining()) {
      if (arg.starts_with("-"))
        names += (names.empty() ? "" : ", ") + arg.substr(0, arg.find('='));
      else
        ++values;
    }
    std::cerr << program << ": error: unexpected arguments" << (names.empty() ? "" : ": " + names)
              << (values ? " (" + std::to_string(values) + " more not shown)" : "")
              << " (see --help)\n";
    return to_int(ExitCode::usage);
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
