#include "common/termination.hpp"

#include <signal.h>
#include <string.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <mutex>
#include <thread>

#include "common/error.hpp"

namespace kz {
namespace {

using std::chrono::milliseconds;

static_assert(std::atomic<int>::is_always_lock_free && std::atomic<pid_t>::is_always_lock_free,
              "the signal handler needs lock-free atomics");

std::atomic<int> g_signal{0};
std::atomic<pid_t> g_group{0};

constexpr int kSignals[2] = {SIGINT, SIGTERM};

// Who installed the handlers: the whole process, or one TerminationScope (with the handlers
// that were there before it).
std::mutex g_install_mutex;
bool g_process_wide = false;
bool g_scoped = false;
struct sigaction g_previous[2]{};

extern "C" void on_terminate_signal(int signal) {
  const int saved_errno = errno;
  int none = 0;
  g_signal.compare_exchange_strong(none, signal);
  const pid_t group = g_group.load();
  if (group > 0) ::kill(-group, SIGTERM);
  errno = saved_errno;
}

// SA_RESTART: a signal does not fail the system calls of the final cache write with EINTR.
void install(struct sigaction previous[2]) {
  struct sigaction action {};
  action.sa_handler = on_terminate_signal;
  action.sa_flags = SA_RESTART;
  sigemptyset(&action.sa_mask);
  for (int i = 0; i < 2; ++i) {
    ::sigaction(kSignals[i], nullptr, &previous[i]);
    if (previous[i].sa_handler != SIG_IGN) ::sigaction(kSignals[i], &action, nullptr);
  }
}

}  // namespace

void install_termination_handlers() {
  std::lock_guard lock(g_install_mutex);
  if (g_process_wide) return;
  struct sigaction previous[2]{};
  install(g_scoped ? previous : g_previous);
  g_process_wide = true;
}

int termination_signal() {
  return g_signal.load();
}

std::string terminated_by(int signal) {
  const char* name = ::sigabbrev_np(signal);
  return "terminated by " + (name ? "SIG" + std::string(name) : "signal " + std::to_string(signal));
}

void throw_if_terminated() {
  if (const int signal = termination_signal(); signal != 0) {
    throw Error(ExitCode::fetch_failed, terminated_by(signal));
  }
}

std::function<void(milliseconds)> terminable_sleeper() {
  return [](milliseconds duration) {
    const auto until = std::chrono::steady_clock::now() + duration;
    for (;;) {
      throw_if_terminated();
      const auto left = until - std::chrono::steady_clock::now();
      if (left <= milliseconds(0)) return;
      std::this_thread::sleep_for(
          std::min<std::chrono::steady_clock::duration>(left, milliseconds(50)));
    }
  };
}

void set_child_group(pid_t group) {
  g_group.store(group);
}

TerminationScope::TerminationScope() {
  std::lock_guard lock(g_install_mutex);
  if (g_process_wide || g_scoped) return;
  install(g_previous);
  g_scoped = true;
  installed_ = true;
}

int TerminationScope::end() {
  const int signal = termination_signal();
  if (ended_) return signal;
  ended_ = true;
  if (!installed_) return signal;
  std::lock_guard lock(g_install_mutex);
  if (!g_process_wide) {
    for (int i = 0; i < 2; ++i) ::sigaction(kSignals[i], &g_previous[i], nullptr);
    g_signal.store(0);
  }
  g_scoped = false;
  return signal;
}

}  // namespace kz
