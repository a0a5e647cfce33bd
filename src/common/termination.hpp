#pragma once

// The process-wide termination state: the first SIGINT or SIGTERM this process got. One handler
// for the whole process; it only records the signal and SIGTERMs the running child's process
// group (see child_process.hpp). Whatever waits (HTTP transfers, retry backoff, a Chromium
// render) checks termination_signal() and stops, so that the run can still be recorded; the
// program then ends itself with die_of_signal(termination_signal()).

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>

namespace kz {

// Installs the SIGINT/SIGTERM handlers for the rest of the process (kzscrape's main, once at
// start). A signal ignored at that moment (nohup, a shell's `trap '' TERM`) stays ignored. After
// the first signal a second one changes nothing: the run's last write is never cut short.
void install_termination_handlers();

// The first SIGINT or SIGTERM caught since the handlers were installed; 0: none.
int termination_signal();

// "terminated by SIGTERM" (or SIGINT, ...): the words every error caused by a signal carries.
std::string terminated_by(int signal);

// Throws kz::Error(ExitCode::fetch_failed, terminated_by(signal)) once a signal came.
void throw_if_terminated();

// A retry-backoff sleeper (the type of kz::Sleeper) that sleeps in short slices and throws as
// throw_if_terminated() does as soon as a signal came, before or during the sleep.
std::function<void(std::chrono::milliseconds)> terminable_sleeper();

// The process group the handler SIGTERMs (0: none). Set while a child runs (run_child).
void set_child_group(pid_t group);

// The handlers for the lifetime of one scope (run_child) when install_termination_handlers() was
// not called: installed on construction, the previous ones restored and the signal forgotten by
// end(). With the process-wide handlers installed it does nothing. Not nested, not concurrent.
class TerminationScope {
 public:
  TerminationScope();
  ~TerminationScope() { end(); }
  // Restores the previous handlers (if this scope installed them) and returns the signal caught
  // up to now (0: none).
  int end();
  TerminationScope(const TerminationScope&) = delete;
  TerminationScope& operator=(const TerminationScope&) = delete;

 private:
  bool installed_ = false;
  bool ended_ = false;
};

}  // namespace kz
