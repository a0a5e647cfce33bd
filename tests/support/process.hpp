#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace kz::test {

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal or by the timeout
  bool timed_out = false;
  std::string out;
  std::string err;
  std::chrono::milliseconds elapsed{0};
  long max_rss_kb = 0;  // peak resident memory of the child
};

// Runs `argv` (argv[0] a path) with `extra_env` added to this process's
// environment, stdin closed, and kills it after `timeout`.
ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::vector<std::pair<std::string, std::string>>& extra_env = {},
                          std::chrono::milliseconds timeout = std::chrono::seconds(60));

// Pids of the processes whose command line contains `text` (read from /proc).
std::vector<pid_t> processes_mentioning(const std::string& text);

}  // namespace kz::test
