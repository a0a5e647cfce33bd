#pragma once

// Process plumbing for the throwaway PostgreSQL cluster: the unprivileged account the server runs
// as, running initdb to completion, spawning the postmaster as our own child, and a cleanup
// registry that kills the server and removes its directory on SIGINT/SIGTERM/SIGHUP.

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace kz::test {

// The account PostgreSQL runs as. PostgreSQL refuses to run as root.
struct ServerAccount {
  uid_t uid = 0;
  gid_t gid = 0;
  std::string name;
};

// When we are root: the account named by $KZ_PG_USER, else "nobody" (created as the system user
// "kzpg" when neither exists). When we are not root: nullopt, the server runs as ourselves.
std::optional<ServerAccount> server_account();

// Runs argv[0] (an absolute path) as `account` with stdout and stderr appended to `log_path`;
// waits at most `timeout`. Returns the exit status, or throws std::runtime_error when it cannot
// be started, is killed by a signal or times out (then it is killed).
int run_to_completion(const std::vector<std::string>& argv,
                      const std::optional<ServerAccount>& account, const std::string& log_path,
                      std::chrono::seconds timeout);

// Starts argv[0] as `account` in its own session with output appended to `log_path`. The child
// gets SIGQUIT when the thread that spawned it dies, so a killed test leaves no server running.
pid_t spawn_server(const std::vector<std::string>& argv,
                   const std::optional<ServerAccount>& account, const std::string& log_path);

// Sends SIGQUIT (PostgreSQL's immediate shutdown), waits up to `grace`, then SIGKILL. Reaps it.
void stop_server(pid_t pid, std::chrono::milliseconds grace);

// True while `pid` (our child) has not exited; reaps it when it has.
bool child_is_running(pid_t pid);

// Cleanup registry. A registered server is killed and its directory removed when the process gets
// SIGINT, SIGTERM or SIGHUP (handlers are installed on first registration, only where the
// disposition is still the default), after which the signal is re-raised.
int register_for_cleanup(pid_t pid, const std::string& directory);  // returns a slot, or -1
void unregister_cleanup(int slot);

// Removes directories "<base>/<prefix><pid>-*" left behind by processes that no longer exist
// (for example a test killed by a ctest timeout).
void remove_stale_directories(const std::string& base, const std::string& prefix);

}  // namespace kz::test
