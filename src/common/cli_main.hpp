#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "common/build_info.hpp"
#include "common/error.hpp"
#include "common/logging.hpp"

namespace kz {

// The options every binary shares: --log-level, --log-format and -q.
struct LogOptions {
  std::string level = "info";
  std::string format = "plain";
  bool quiet = false;

  LogFormat log_format() const { return parse_log_format(format).value_or(LogFormat::plain); }
};

// Adds --version ("<program> <version> (git <rev>)"), --log-level, --log-format and -q to
// `app`; choices show in --help as {a,b,c} (bash completion reads them there).
inline void add_common_options(CLI::App& app, const std::string& program, LogOptions& log,
                               const std::string& quiet_help = "Only warnings and errors") {
  app.set_version_flag("--version", version_line(program),
                       "Print the version and the git revision it was built from, then exit");
  app.add_option("--log-level", log.level, "Lowest level logged")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
      ->capture_default_str();
  app.add_option("--log-format", log.format,
                 "stderr lines as plain text or one JSON object per line (journald, Loki)")
      ->check(CLI::IsMember({"plain", "json"}))
      ->capture_default_str();
  app.add_flag("-q,--quiet", log.quiet, quiet_help);
}

// Sets up logging from the parsed options (throws Error(usage) for a bad level).
inline void init_logging(const std::string& program, const LogOptions& log) {
  init_logging(program, log.level, log.quiet, log.log_format());
}

// The one place where errors end: parses the command line, runs `body`, and
// turns a kz::Error into one line "<program>: error: ..." (with `secret`
// redacted) and its exit code, in the --log-format of argv (read before parsing, so that
// parse errors use it too). --help and --version exit 0, a bad option 2.
inline int run_cli(CLI::App& app, int argc, char** argv, const std::string& program,
                   const std::string& secret, const std::function<int()>& body) {
  set_log_output(program, log_format_in_args(argc, argv));
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
    write_log_line("error", "unexpected arguments" + (names.empty() ? "" : ": " + names) +
                                (values ? " (" + std::to_string(values) + " more not shown)" : "") +
                                " (see --help)");
    return to_int(ExitCode::usage);
  } catch (const CLI::ParseError& e) {
    write_log_line("error", std::string(e.what()) + " (see --help)");
    return to_int(ExitCode::usage);
  }
  try {
    return body();
  } catch (const Error& e) {
    write_log_line("error", redact(e.what(), secret));
    return to_int(e.code());
  } catch (const std::exception& e) {
    write_log_line("error", "internal: " + redact(e.what(), secret));
    return to_int(ExitCode::internal);
  }
}

}  // namespace kz
