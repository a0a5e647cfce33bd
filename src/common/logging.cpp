#include "common/logging.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <nlohmann/json.hpp>

#include "common/clock.hpp"
#include "common/error.hpp"

namespace kz {
namespace {

thread_local std::optional<std::string> current_pool;

struct Output {
  std::mutex lock;
  std::string program = "kzpool";
  LogFormat format = LogFormat::plain;
  bool colour = false;
};

Output& output() {
  static Output instance;
  return instance;
}

// Both the spdlog sink and write_log_line end here, so lines never interleave.
void emit(std::string_view json_level, std::string_view plain_level, std::string_view message,
          std::chrono::system_clock::time_point time) {
  Output& out = output();
  std::lock_guard guard(out.lock);
  LogLine line{time, json_level, out.program, current_log_pool(), message};
  std::string text;
  if (out.format == LogFormat::json) {
    text = format_json_log_line(line);
  } else {
    line.level = plain_level;
    text = format_plain_log_line(line, out.colour);
  }
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

std::string_view json_level_name(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
      return "trace";
    case spdlog::level::debug:
      return "debug";
    case spdlog::level::info:
      return "info";
    case spdlog::level::warn:
      return "warn";
    default:
      return "error";
  }
}

class StderrSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    const auto plain = spdlog::level::to_string_view(msg.level);
    emit(json_level_name(msg.level), std::string_view(plain.data(), plain.size()),
         std::string_view(msg.payload.data(), msg.payload.size()), msg.time);
  }
  void flush_() override { std::fflush(stderr); }
};

class OstreamPlainSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit OstreamPlainSink(std::ostream& out) : out_(out) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    const auto level = spdlog::level::to_string_view(msg.level);
    const LogLine line{msg.time, std::string_view(level.data(), level.size()),
                       std::string_view(msg.logger_name.data(), msg.logger_name.size()),
                       current_log_pool(),
                       std::string_view(msg.payload.data(), msg.payload.size())};
    out_ << format_plain_log_line(line, false);
  }
  void flush_() override { out_.flush(); }

 private:
  std::ostream& out_;
};

}  // namespace

std::optional<LogFormat> parse_log_format(std::string_view text) {
  if (text == "plain") return LogFormat::plain;
  if (text == "json") return LogFormat::json;
  return std::nullopt;
}

LogFormat log_format_in_args(int argc, const char* const* argv) {
  LogFormat format = LogFormat::plain;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    std::optional<std::string_view> value;
    if (arg == "--log-format" && i + 1 < argc) {
      value = argv[i + 1];
    } else if (arg.starts_with("--log-format=")) {
      value = arg.substr(13);
    }
    if (value) format = parse_log_format(*value).value_or(format);
  }
  return format;
}

bool use_colour(bool stderr_is_tty, const char* no_color) {
  return stderr_is_tty && (no_color == nullptr || *no_color == '\0');
}

std::string format_json_log_line(const LogLine& line) {
  nlohmann::ordered_json object;
  object["time"] = format_utc_ms(std::chrono::floor<std::chrono::milliseconds>(line.time));
  object["level"] = std::string(line.level);
  object["program"] = std::string(line.program);
  object["pool"] = line.pool ? nlohmann::ordered_json(*line.pool) : nlohmann::ordered_json();
  object["message"] = std::string(line.message);
  return object.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + '\n';
}

std::string format_plain_log_line(const LogLine& line, bool colour) {
  std::string text(line.program);
  text += ": ";
  const char* start = nullptr;
  if (colour && (line.level == "error" || line.level == "critical")) start = "\033[31m";
  if (colour && (line.level == "warning" || line.level == "warn")) start = "\033[33m";
  if (start) text += start;
  text += line.level;
  if (start) text += "\033[0m";
  text += ": ";
  if (line.pool) text += *line.pool + ": ";
  text += line.message;
  text += '\n';
  return text;
}

void set_log_output(std::string_view program, LogFormat format) {
  Output& out = output();
  std::lock_guard guard(out.lock);
  out.program = program;
  out.format = format;
  out.colour = use_colour(isatty(STDERR_FILENO) == 1, std::getenv("NO_COLOR"));
}

void init_logging(std::string_view program, std::string_view level, bool quiet, LogFormat format) {
  auto parsed = spdlog::level::from_str(std::string(level));
  if (parsed == spdlog::level::off && level != "off") {
    throw Error(ExitCode::usage, "unknown --log-level '" + std::string(level) +
                                     "' (trace, debug, info, warn, error, off)");
  }
  if (quiet && parsed < spdlog::level::warn) parsed = spdlog::level::warn;
  set_log_output(program, format);
  auto logger =
      std::make_shared<spdlog::logger>(std::string(program), std::make_shared<StderrSink>());
  logger->set_level(parsed);
  spdlog::set_default_logger(std::move(logger));
}

void write_log_line(std::string_view level, std::string_view message) {
  emit(level == "warn" ? "warn" : "error", level == "warn" ? "warning" : "error", message,
       std::chrono::system_clock::now());
}

LogPoolScope::LogPoolScope(std::string pool) : previous_(std::move(current_pool)) {
  current_pool = std::move(pool);
}

LogPoolScope::~LogPoolScope() {
  current_pool = std::move(previous_);
}

const std::string* current_log_pool() {
  return current_pool ? &*current_pool : nullptr;
}

std::shared_ptr<spdlog::sinks::sink> plain_log_sink(std::ostream& out) {
  return std::make_shared<OstreamPlainSink>(out);
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
