#include "common/logging.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "common/error.hpp"

namespace kz {

void init_logging(std::string_view program, std::string_view level, bool quiet) {
  auto parsed = spdlog::level::from_str(std::string(level));
  if (parsed == spdlog::level::off && level != "off") {
    throw Error(ExitCode::usage, "unknown --log-level '" + std::string(level) +
                                     "' (trace, debug, info, warn, error, off)");
  }
  if (quiet && parsed < spdlog::level::warn) parsed = spdlog::level::warn;
  auto logger = std::make_shared<spdlog::logger>(std::string(program),
                                                 std::make_shared<spdlog::sinks::stderr_sink_mt>());
  logger->set_pattern("%n: %l: %v");
  logger->set_level(parsed);
  spdlog::set_default_logger(std::move(logger));
}

std::string redact(std::string text, std::string_view secret) {
  if (secret.empty()) return text;
  for (size_t pos = text.find(secret); pos != std::string::npos;
       pos = text.find(secret, pos + 10)) {
    text.replace(pos, secret.size(), "[REDACTED]");
  }
  return text;
}

}  // namespace kz
