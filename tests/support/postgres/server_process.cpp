#include "support/postgres/server_process.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace kz::test {
namespace {

struct ChildSetup {
  int log_fd = -1;
  bool new_session = false;
  bool die_with_parent = false;
  pid_t parent = 0;
  const ServerAccount* account = nullptr;
};

// Runs in the forked child: only async-signal-safe calls until execv.
[[noreturn]] void exec_child(char* const argv[], const ChildSetup& setup) {
  if (setup.new_session) setsid();
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);  // the parent may block signals for sigwait
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD}) signal(sig, SIG_DFL);
  int devnull = open("/dev/null", O_RDONLY);
  if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(setup.log_fd, 1) < 0 ||
      dup2(setup.log_fd, 2) < 0) {
    _exit(126);
  }
  close_range(3, ~0U, 0);
  if (setup.account != nullptr) {
    if (setgroups(0, nullptr) != 0 || setgid(setup.account->gid) != 0 ||
        setuid(setup.account->uid) != 0) {
      _exit(126);
    }
  }
  if (setup.die_with_parent) {
    prctl(PR_SET_PDEATHSIG, SIGQUIT);  // set after setuid, which clears it
    if (getppid() != setup.parent) _exit(0);
  }
  execv(argv[0], argv);
  _exit(127);
}

pid_t fork_exec(const std::vector<std::string>& argv, const std::optional<ServerAccount>& account,
                const std::string& log_path, bool as_server) {
  if (argv.empty() || argv[0].empty() || argv[0][0] != '/') {
    throw std::runtime_error("fork_exec needs an absolute program path");
  }
  std::vector<char*> c_argv;
  for (const auto& arg : argv) c_argv.push_back(const_cast<char*>(arg.c_str()));
  c_argv.push_back(nullptr);
  int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) throw std::runtime_error("cannot open " + log_path + ": " + strerror(errno));
  ChildSetup setup{log_fd, as_server, as_server, getpid(), account ? &*account : nullptr};
  pid_t pid = fork();
  if (pid == 0) exec_child(c_argv.data(), setup);
  int fork_errno = errno;
  close(log_fd);
  if (pid < 0) throw std::runtime_error(std::string("fork failed: ") + strerror(fork_errno));
  return pid;
}

std::optional<ServerAccount> lookup_account(const char* name) {
  passwd* entry = getpwnam(name);
  if (entry == nullptr) return std::nullopt;
  return ServerAccount{entry->pw_uid, entry->pw_gid, name};
}

ServerAccount resolve_root_account() {
  const char* wanted = getenv("KZ_PG_USER");
  if (wanted != nullptr && *wanted != '\0') {
    auto account = lookup_account(wanted);
    if (!account || account->uid == 0) {
      throw std::runtime_error(std::string("KZ_PG_USER=") + wanted + " is not a non-root user");
    }
    return *account;
  }
  for (const char* name : {"nobody", "kzpg"}) {
    if (auto account = lookup_account(name)) return *account;
  }
  run_to_completion(
      {"/usr/sbin/useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "kzpg"},
      std::nullopt, "/dev/null", std::chrono::seconds(30));
  if (auto account = lookup_account("kzpg")) return *account;
  throw std::runtime_error("no unprivileged account to run PostgreSQL as (tried nobody, kzpg)");
}

// --- cleanup registry (read from a signal handler, hence fixed-size and lock-free to read) ---

struct CleanupSlot {
  std::atomic<pid_t> pid{0};
  char directory[512] = {};
};
std::array<CleanupSlot, 16> g_cleanup_slots;
std::mutex g_cleanup_mutex;

void remove_tree_from_signal_handler(const char* directory) {
  pid_t pid = fork();
  if (pid == 0) {
    execl("/bin/rm", "rm", "-rf", "--", directory, static_cast<char*>(nullptr));
    _exit(127);
  }
  if (pid > 0) waitpid(pid, nullptr, 0);
}

void on_termination_signal(int sig) {
  for (auto& slot : g_cleanup_slots) {
    pid_t pid = slot.pid.exchange(0);
    if (pid <= 0) continue;
    kill(pid, SIGQUIT);
    waitpid(pid, nullptr, 0);
    remove_tree_from_signal_handler(slot.directory);
  }
  signal(sig, SIG_DFL);
  raise(sig);
}

void install_signal_handlers_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
      struct sigaction current {};
      if (sigaction(sig, nullptr, &current) != 0 || current.sa_handler != SIG_DFL) continue;
      struct sigaction handler {};
      handler.sa_handler = on_termination_signal;
      sigemptyset(&handler.sa_mask);
      sigaction(sig, &handler, nullptr);
    }
  });
}

// Exists and is not a zombie (a killed test stays a zombie until its parent reaps it).
bool process_is_alive(pid_t pid) {
  if (kill(pid, 0) != 0 && errno != EPERM) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return true;
  auto close_paren = line.rfind(')');
  return close_paren == std::string::npos || close_paren + 2 >= line.size() ||
         line[close_paren + 2] != 'Z';
}

}  // namespace

std::optional<ServerAccount> server_account() {
  if (geteuid() != 0) return std::nullopt;
  static const ServerAccount account = resolve_root_account();
  return account;
}

int run_to_completion(const std::vector<std::string>& argv,
                      const std::optional<ServerAccount>& account, const std::string& log_path,
                      std::chrono::seconds timeout) {
  pid_t pid = fork_exec(argv, account, log_path, /*as_server=*/false);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      throw std::runtime_error(argv[0] + " timed out");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (!WIFEXITED(status)) throw std::runtime_error(argv[0] + " was killed by a signal");
  return WEXITSTATUS(status);
}

pid_t spawn_server(const std::vector<std::string>& argv,
                   const std::optional<ServerAccount>& account, const std::string& log_path) {
  return fork_exec(argv, account, log_path, /*as_server=*/true);
}

bool child_is_running(pid_t pid) {
  int status = 0;
  return waitpid(pid, &status, WNOHANG) == 0;
}

void stop_server(pid_t pid, std::chrono::milliseconds grace) {
  if (pid <= 0) return;
  kill(pid, SIGQUIT);
  auto deadline = std::chrono::steady_clock::now() + grace;
  int status = 0;
  while (true) {
    pid_t reaped = waitpid(pid, &status, WNOHANG);
    if (reaped == pid || (reaped < 0 && errno == ECHILD)) return;
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

int register_for_cleanup(pid_t pid, const std::string& directory) {
  std::lock_guard lock(g_cleanup_mutex);
  install_signal_handlers_once();
  for (std::size_t i = 0; i < g_cleanup_slots.size(); ++i) {
    auto& slot = g_cleanup_slots[i];
    if (slot.pid.load() != 0 || directory.size() >= sizeof(slot.directory)) continue;
    std::memcpy(slot.directory, directory.c_str(), directory.size() + 1);
    slot.pid.store(pid);
    return static_cast<int>(i);
  }
  return -1;
}

void unregister_cleanup(int slot) {
  if (slot < 0 || slot >= static_cast<int>(g_cleanup_slots.size())) return;
  std::lock_guard lock(g_cleanup_mutex);
  g_cleanup_slots[static_cast<std::size_t>(slot)].pid.store(0);
}

void remove_stale_directories(const std::string& base, const std::string& prefix) {
  namespace fs = std::filesystem;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(base, error)) {
    std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    pid_t owner = static_cast<pid_t>(std::atol(name.c_str() + prefix.size()));
    if (owner <= 0 || process_is_alive(owner)) continue;
    std::ifstream pid_file(entry.path() / "data" / "postmaster.pid");
    pid_t postmaster = 0;
    if (pid_file >> postmaster && postmaster > 0 && process_is_alive(postmaster)) {
      continue;  // a server still runs there: not ours to touch
    }
    fs::remove_all(entry.path(), error);
  }
}

}  // namespace kz::test
