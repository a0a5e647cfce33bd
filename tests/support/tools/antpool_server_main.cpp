// kz_antpool_server: the test suite's Antpool API (support/antpool_server.hpp) as a process, for
// scripts/demo.sh. Serves one account with a few workers, writes the account's credentials file
// (mode 0600) and prints URL=<base url> once ready; runs until SIGINT/SIGTERM/SIGHUP.
// `--offline N` starts with N workers offline; SIGUSR1 brings them all back online.

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "support/antpool_server.hpp"

namespace {

constexpr const char* kUsage =
    "usage: kz_antpool_server --credentials FILE [--user-id ID] [--workers N] [--offline N]\n"
    "                         [--env-file PATH]\n"
    "  --credentials FILE  write the account's {\"key\", \"secret\"} there (mode 0600)\n"
    "  --user-id ID        the account name (default demo_antpool)\n"
    "  --workers N         workers of the account (default 8)\n"
    "  --offline N         of which offline at start (default 0); SIGUSR1 brings them back\n"
    "  --env-file PATH     also write URL=... to PATH once ready (removed on exit)\n";

std::vector<kz::test::AntpoolWorker> fleet(const std::string& account, int workers, int offline) {
  std::vector<kz::test::AntpoolWorker> rows;
  for (int i = 1; i <= workers; ++i) {
    const bool online = i > offline;
    auto worker = kz::test::antpool_worker(account + ".s19-" + std::to_string(i),
                                           110e12 + 1.37e12 * i, online);
    if (!online) worker.hashrate_1d_hs = 98.5e12;
    rows.push_back(worker);
  }
  return rows;
}

void write_private(const std::string& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0 || ::fchmod(fd, 0600) != 0 ||
      ::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    throw std::runtime_error("cannot write " + path);
  }
  ::close(fd);
}

}  // namespace

int main(int argc, char** argv) {
  std::string credentials, env_file, user_id = "demo_antpool";
  int workers = 8, offline = 0;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string arg = argv[i];
      auto value = [&]() -> std::string {
        if (i + 1 >= argc) throw std::runtime_error(arg + " needs a value");
        return argv[++i];
      };
      if (arg == "--credentials") {
        credentials = value();
      } else if (arg == "--user-id") {
        user_id = value();
      } else if (arg == "--workers") {
        workers = std::stoi(value());
      } else if (arg == "--offline") {
        offline = std::stoi(value());
      } else if (arg == "--env-file") {
        env_file = value();
      } else {
        std::cerr << kUsage;
        return arg == "-h" || arg == "--help" ? 0 : 2;
      }
    }
    if (credentials.empty()) throw std::runtime_error("--credentials is required");
  } catch (const std::exception& error) {
    std::cerr << "kz_antpool_server: error: " << error.what() << "\n" << kUsage;
    return 2;
  }

  sigset_t signals;
  sigemptyset(&signals);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGUSR1}) sigaddset(&signals, sig);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  try {
    kz::test::AntpoolServer server;
    const std::string key = "demo-key-" + std::to_string(::getpid());
    const std::string secret = "demo-secret-" + std::to_string(::getpid() * 7919L);
    server.add_key({user_id, key, secret, {}});
    server.set_workers(user_id, fleet(user_id, workers, offline));
    server.set_amounts(user_id, "0.00431200", "1.28400000", "0.00518300", "1.27968800");
    server.set_recv(user_id, {{"2026-11-29 00:00:00", 1.02e15, "0", "0", "0.00498100", "0.00020200"},
                              {"2026-11-28 00:00:00", 1.01e15, "0", "0", "0.00491000", "0.00019900"}});
    server.set_payouts(user_id, {{"2026-11-25 00:00:00", "bc1qdemo000000000000000000000000000000000",
                                  "9f2c4e1a7b3d5f60718293a4b5c6d7e8f9012345678901234567890abcdef12",
                                  "0.03500000"}});
    write_private(credentials, "{\"key\": \"" + key + "\", \"secret\": \"" + secret + "\"}\n");
    const std::string settings = "URL=" + server.url() + "\nUSER_ID=" + user_id + "\n";
    std::cout << settings << std::flush;
    if (!env_file.empty()) {
      std::ofstream(env_file + ".tmp") << settings;
      std::filesystem::rename(env_file + ".tmp", env_file);
    }
    for (;;) {
      int received = 0;
      sigwait(&signals, &received);
      if (received != SIGUSR1) break;
      server.set_workers(user_id, fleet(user_id, workers, 0));
      std::cerr << "kz_antpool_server: every worker back online\n";
    }
  } catch (const std::exception& error) {
    std::cerr << "kz_antpool_server: error: " << error.what() << "\n";
    if (!env_file.empty()) std::remove(env_file.c_str());
    return 1;
  }
  if (!env_file.empty()) std::remove(env_file.c_str());
  return 0;
}
