#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace kz {

struct ChildOptions {
  std::chrono::milliseconds timeout{30'000};
  std::size_t max_stdout_bytes = 32 * 1024 * 1024;
  std::chrono::milliseconds kill_grace{2'000};  // between SIGTERM and SIGKILL
  // The child's whole environment, "NAME=value" each; nullopt: this process's environment.
  std::optional<std::vector<std::string>> environment;
  // Written to the child's stdin through a pipe, which is closed once all of it is written (an
  // empty string: stdin at end of file at once). A child that exits or closes stdin before
  // reading it all is no error. nullopt: stdin is /dev/null.
  std::optional<std::string> input;
};

struct ChildResult {
  enum class End {
    exited,            // code = exit status
    signaled,          // code = the signal that ended it
    timed_out,         // killed after options.timeout
    output_too_large,  // killed once stdout passed options.max_stdout_bytes
    interrupted,       // this process got SIGINT/SIGTERM (child killed or never started);
                       // code = that signal
  };
  End end = End::exited;
  int code = 0;
  std::string out;               // stdout, at most max_stdout_bytes
  std::string last_stderr_line;  // the last non-empty line of stderr
  std::chrono::milliseconds elapsed{0};
};

// Runs argv (argv[0] is a path, PATH is not searched) with options.environment, in its own
// process group with stdin fed from options.input (or on /dev/null), captures stdout and keeps the
// tail of stderr. Whatever happens, the whole group is killed (SIGTERM, then SIGKILL after
// kill_grace) and the child is reaped before this returns, so no descendant that stayed in the
// group outlives the call. SIGINT and SIGTERM to this process (termination.hpp) kill the group and
// end the call with End::interrupted. With the process-wide handlers of
// install_termination_handlers(), calls after such a signal start no child and return
// End::interrupted at once; without them, the call installs the handlers for its duration only (the
// previous ones are restored on return). One call at a time per process. Throws std::system_error
// when the child cannot be started (including a failed exec).
ChildResult run_child(const std::vector<std::string>& argv, const ChildOptions& options);

// Ends this process with `signal` and its default action, as if no handler had caught it.
[[noreturn]] void die_of_signal(int signal);

}  // namespace kz
