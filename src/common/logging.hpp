#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace spdlog::sinks {
class sink;
}

namespace kz {

// How stderr lines look. plain: "<program>: <level>: [<pool>: ]<message>", the level word
// coloured on a terminal; json: one object per line (see format_json_log_line).
enum class LogFormat { plain, json };

// "plain" or "json"; nullopt for anything else.
std::optional<LogFormat> parse_log_format(std::string_view text);

// The last --log-format value in argv ("--log-format json" or "--log-format=json"), so that
// errors found while parsing the command line already use it; plain when absent or unknown.
LogFormat log_format_in_args(int argc, const char* const* argv);

// Whether plain lines colour their level word: only on a terminal, and never when NO_COLOR is
// set to a non-empty value (https://no-color.org). `no_color` is getenv("NO_COLOR").
bool use_colour(bool stderr_is_tty, const char* no_color);

// One log line's fields. `level` is the JSON name: trace, debug, info, warn or error.
struct LogLine {
  std::chrono::system_clock::time_point time;
  std::string_view level;
  std::string_view program;
  const std::string* pool = nullptr;  // null when the line is about no single pool
  std::string_view message;
};

// {"time":"2026-12-01T07:00:58.123Z","level":"warn","program":"kzscrape","pool":"KZPool_001"
// or null,"message":"..."} with a trailing newline. Time in UTC with milliseconds; control
// characters are escaped and invalid UTF-8 becomes U+FFFD, so the line is always valid JSON.
std::string format_json_log_line(const LogLine& line);

// "<program>: <level>: [<pool>: ]<message>\n"; `level` is the plain word ("warning" for warn,
// as spdlog names it). With `colour`, the level word is red (error) or yellow (warning).
std::string format_plain_log_line(const LogLine& line, bool colour);

// Sets where and how every line goes: the program name and format, and the colour decision
// from isatty(2) and $NO_COLOR. run_cli calls it before parsing the command line.
void set_log_output(std::string_view program, LogFormat format);

// Logs go to stderr in the format set by set_log_output (plain unless told), so that cron
// mails them. `level` is trace, debug, info, warn, error or off; --quiet keeps warnings and
// errors only. Throws Error(usage) for an unknown level.
void init_logging(std::string_view program, std::string_view level, bool quiet,
                  LogFormat format = LogFormat::plain);

// Writes one line at `level` (warn or error) whatever the log level: the final "error: ..."
// line and other lines a binary prints outside spdlog. Carries the current thread's pool.
void write_log_line(std::string_view level, std::string_view message);

// While alive, log lines of this thread carry `pool` (an account name such as KZPool_001): in
// json as the "pool" field, in plain as a "KZPool_001: " prefix of the message. Scopes nest;
// each thread has its own (fleet runs pools on threads).
class LogPoolScope {
 public:
  explicit LogPoolScope(std::string pool);
  ~LogPoolScope();
  LogPoolScope(const LogPoolScope&) = delete;
  LogPoolScope& operator=(const LogPoolScope&) = delete;

 private:
  std::optional<std::string> previous_;
};

// The current thread's pool, or null outside any LogPoolScope.
const std::string* current_log_pool();

// A sink writing the plain lines of a logger named `program` to `out`, pool included, for tests
// that capture what a component logs.
std::shared_ptr<spdlog::sinks::sink> plain_log_sink(std::ostream& out);

// Replaces every occurrence of `secret` in `text` with "[REDACTED]".
std::string redact(std::string text, std::string_view secret);

}  // namespace kz
