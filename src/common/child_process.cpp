#include "common/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>
#include <thread>
#include <utility>

#include "common/termination.hpp"

namespace kz {
namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

constexpr std::size_t kStderrTailBytes = 8 * 1024;

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

struct Pipe {
  Fd read, write;
};

Pipe make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe");
  return Pipe{Fd(fds[0]), Fd(fds[1])};
}

bool leader_exited(pid_t pid) {
  siginfo_t info{};
  return ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
         info.si_pid == pid;
}

// SIGTERM to the group (when `gently`), up to `grace` for the leader to go, then SIGKILL to
// whatever is left of the group, and reap the leader. The leader is reaped last so that its
// pid, which names the group, cannot be reused before the SIGKILL.
int end_group(pid_t pid, bool gently, milliseconds grace) {
  if (gently) {
    ::kill(-pid, SIGTERM);
    const auto until = SteadyClock::now() + grace;
    while (!leader_exited(pid) && SteadyClock::now() < until) {
      std::this_thread::sleep_for(milliseconds(10));
    }
  }
  ::kill(-pid, SIGKILL);
  set_child_group(0);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

void append_tail(std::string& tail, const char* data, std::size_t size) {
  tail.append(data, size);
  if (tail.size() > kStderrTailBytes) tail.erase(0, tail.size() - kStderrTailBytes);
}

std::string last_line(const std::string& text) {
  const std::size_t end = text.find_last_not_of(" \t\r\n");
  if (end == std::string::npos) return "";
  const std::size_t start = text.rfind('\n', end);
  return text.substr(start == std::string::npos ? 0 : start + 1, end + 1 - (start + 1));
}

// `in`: the read end for the child's stdin, or -1 for /dev/null.
pid_t spawn(const std::vector<std::string>& argv,
            const std::optional<std::vector<std::string>>& environment, int in, Pipe& out,
            Pipe& err) {
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  std::vector<char*> env;
  if (environment) {
    for (const std::string& entry : *environment) env.push_back(const_cast<char*>(entry.c_str()));
    env.push_back(nullptr);
  }
  char** const envp = environment ? env.data() : environ;
  Pipe exec_error = make_pipe();
  Fd devnull(in < 0 ? ::open("/dev/null", O_RDONLY | O_CLOEXEC) : -1);
  const int stdin_fd = in < 0 ? devnull.get() : in;
  const pid_t parent = ::getpid();
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;

  // Blocked until the group is published, so that a signal cannot miss the child.
  sigset_t block, old_mask;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  sigaddset(&block, SIGTERM);
  ::pthread_sigmask(SIG_BLOCK, &block, &old_mask);
  const pid_t pid = ::fork();
  if (pid == 0) {
    // Only async-signal-safe calls until exec.
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // dies with this process, even one SIGKILLed
    if (::getppid() != parent) ::_exit(127);
    ::dup2(stdin_fd, 0);
    ::dup2(out.write.get(), 1);
    ::dup2(err.write.get(), 2);
    for (int signal : {SIGINT, SIGTERM, SIGPIPE}) ::sigaction(signal, &default_action, nullptr);
    ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
    ::execve(args[0], args.data(), envp);
    const int error = errno;
    [[maybe_unused]] ssize_t ignored = ::write(exec_error.write.get(), &error, sizeof error);
    ::_exit(127);
  }
  const int fork_error = errno;
  if (pid > 0) {
    ::setpgid(pid, pid);
    set_child_group(pid);
  }
  ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  if (pid < 0) throw std::system_error(fork_error, std::generic_category(), "fork");

  exec_error.write.reset();
  int error = 0;
  ssize_t n;
  while ((n = ::read(exec_error.read.get(), &error, sizeof error)) < 0 && errno == EINTR) {
  }
  if (n == static_cast<ssize_t>(sizeof error)) {
    end_group(pid, false, milliseconds(0));
    throw std::system_error(error, std::generic_category(), "cannot execute " + argv[0]);
  }
  return pid;
}

// Writes what it can of `input` from `written` on to the non-blocking `fd` without raising
// SIGPIPE in this process. Returns false when the reader is gone (EPIPE) or the write failed.
bool feed(int fd, const std::string& input, std::size_t& written) {
  sigset_t pipe_signal, old_mask, pending;
  sigemptyset(&pipe_signal);
  sigaddset(&pipe_signal, SIGPIPE);
  ::pthread_sigmask(SIG_BLOCK, &pipe_signal, &old_mask);
  sigpending(&pending);
  const bool was_pending = sigismember(&pending, SIGPIPE) == 1;
  ssize_t n;
  while ((n = ::write(fd, input.data() + written, input.size() - written)) < 0 && errno == EINTR) {
  }
  const int error = errno;
  if (n < 0 && error == EPIPE && !was_pending) {
    // Consume the SIGPIPE this write raised while it was blocked, so it never fires.
    const timespec no_wait{0, 0};
    while (::sigtimedwait(&pipe_signal, nullptr, &no_wait) < 0 && errno == EINTR) {
    }
  }
  ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  if (n < 0) return error == EAGAIN || error == EWOULDBLOCK;
  written += static_cast<std::size_t>(n);
  return true;
}

}  // namespace

ChildResult run_child(const std::vector<std::string>& argv, const ChildOptions& options) {
  if (argv.empty()) throw std::system_error(EINVAL, std::generic_category(), "run_child");
  TerminationScope signals;
  if (const int signal = termination_signal(); signal != 0) {
    ChildResult result;
    result.end = ChildResult::End::interrupted;
    result.code = signal;
    return result;
  }
  Pipe in;
  if (options.input) {
    in = make_pipe();
    if (::fcntl(in.write.get(), F_SETFL, O_NONBLOCK) != 0) {
      throw std::system_error(errno, std::generic_category(), "fcntl");
    }
  }
  Pipe out = make_pipe();
  Pipe err = make_pipe();
  const auto start = SteadyClock::now();
  const pid_t pid = spawn(argv, options.environment, options.input ? in.read.get() : -1, out, err);
  // Kills and reaps the child should anything below throw.
  struct Reaper {
    pid_t pid;
    ~Reaper() {
      if (pid > 0) end_group(pid, false, milliseconds(0));
    }
  } reaper{pid};
  in.read.reset();
  out.write.reset();
  err.write.reset();
  std::size_t input_written = 0;
  if (options.input && options.input->empty()) in.write.reset();

  ChildResult result;
  std::string err_tail;
  bool stop = false;  // the child is to be killed: result.end says why
  const auto deadline = start + options.timeout;
  // fds[2] is stdin's write end while there is input left to write.
  pollfd fds[3] = {
      {out.read.get(), POLLIN, 0}, {err.read.get(), POLLIN, 0}, {in.write.get(), POLLOUT, 0}};
  char buffer[65536];
  for (bool leader_gone = false; !stop && (fds[0].fd >= 0 || fds[1].fd >= 0 || fds[2].fd >= 0);) {
    if (termination_signal() != 0) {
      result.end = ChildResult::End::interrupted;
      stop = true;
      break;
    }
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - SteadyClock::now());
    if (left.count() <= 0) {
      result.end = ChildResult::End::timed_out;
      stop = true;
      break;
    }
    // Short waits: a signal handled on another thread does not interrupt this poll. Once the
    // leader is gone, all it wrote is in the pipes: drain them without waiting on descendants
    // that may still hold them open.
    const int wait_ms = leader_gone ? 0 : static_cast<int>(std::min<int64_t>(left.count(), 100));
    const int ready = ::poll(fds, 3, wait_ms);
    if (ready == 0 && leader_gone) break;
    if (ready > 0 && fds[2].fd >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
      if (!feed(fds[2].fd, *options.input, input_written) ||
          input_written == options.input->size()) {
        in.write.reset();
        fds[2].fd = -1;
      }
    }
    for (int i = 0; ready > 0 && i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n <= 0) {
        fds[i].fd = -1;
      } else if (i == 1) {
        append_tail(err_tail, buffer, static_cast<std::size_t>(n));
      } else if (result.out.size() + static_cast<std::size_t>(n) > options.max_stdout_bytes) {
        result.out.append(buffer, options.max_stdout_bytes - result.out.size());
        result.end = ChildResult::End::output_too_large;
        stop = true;
      } else {
        result.out.append(buffer, static_cast<std::size_t>(n));
      }
    }
    if (!leader_gone) leader_gone = leader_exited(pid);
  }
  // Pipes closed but the leader still running: it gets what is left of the time limit.
  while (!stop && !leader_exited(pid)) {
    if (termination_signal() != 0 || SteadyClock::now() >= deadline) {
      result.end =
          termination_signal() != 0 ? ChildResult::End::interrupted : ChildResult::End::timed_out;
      stop = true;
    } else {
      std::this_thread::sleep_for(milliseconds(10));
    }
  }
  reaper.pid = 0;
  const int status = end_group(pid, stop, options.kill_grace);
  // From here on a signal gets the previous handler; one that came before is reported.
  const int signal = signals.end();
  result.elapsed = std::chrono::duration_cast<milliseconds>(SteadyClock::now() - start);
  result.last_stderr_line = last_line(err_tail);
  if (signal != 0) {
    result.end = ChildResult::End::interrupted;
    result.code = signal;
  } else if (!stop && WIFEXITED(status)) {
    result.code = WEXITSTATUS(status);
  } else if (!stop && WIFSIGNALED(status)) {
    result.end = ChildResult::End::signaled;
    result.code = WTERMSIG(status);
  }
  return result;
}

void die_of_signal(int signal) {
  ::signal(signal, SIG_DFL);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, signal);
  ::pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  ::raise(signal);
  ::_exit(128 + signal);
}

}  // namespace kz
