#pragma once

// kzscrape started in the background, for tests that signal it while it runs.

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace kz::test {

// `args` run by `program` (default: kzscrape) in the background, stdout to /dev/null and stderr
// to `err_file`, `env` added to this environment. Killed (SIGKILL) on destruction if still running.
class Running {
 public:
  Running(std::vector<std::string> args, const std::filesystem::path& err_file,
          const std::vector<std::pair<std::string, std::string>>& env = {},
          const std::string& program = KZSCRAPE_PATH)
      : err_file_(err_file) {
    args.insert(args.begin(), program);
    pid_ = ::fork();
    if (pid_ == 0) {
      const int devnull = ::open("/dev/null", O_RDWR);
      const int err = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(devnull, 0);
      ::dup2(devnull, 1);
      ::dup2(err, 2);
      for (const auto& [name, value] : env) ::setenv(name.c_str(), value.c_str(), 1);
      std::vector<char*> argv;
      for (auto& arg : args) argv.push_back(arg.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
  }
  ~Running() {
    if (!ended_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  Running(const Running&) = delete;
  Running& operator=(const Running&) = delete;

  pid_t pid() const { return pid_; }
  void signal(int signal) {
    ::kill(pid_, signal);
    signalled_at_ = std::chrono::steady_clock::now();
  }
  // Waits up to `limit` for the end (SIGKILL after it): the wait status, 0 when killed here.
  int wait(std::chrono::milliseconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > until) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        ended_ = true;
        return 0;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ended_ = true;
    after_signal_ = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - signalled_at_);
    return status;
  }
  std::chrono::milliseconds after_signal() const { return after_signal_; }
  std::string err() const {
    std::ifstream in(err_file_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  std::filesystem::path err_file_;
  pid_t pid_ = -1;
  bool ended_ = false;
  std::chrono::steady_clock::time_point signalled_at_{};
  std::chrono::milliseconds after_signal_{0};
};

// Polls `ready` every 10 ms for up to 20 s.
inline bool eventually(const std::function<bool()>& ready) {
  for (int i = 0; i < 2000; ++i) {
    if (ready()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// "killed by signal 15", "exit 3": a wait status for failure messages.
inline std::string describe(int status) {
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
  return "status " + std::to_string(status);
}

}  // namespace kz::test
