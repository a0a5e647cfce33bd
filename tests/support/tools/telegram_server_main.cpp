// kz_telegram_server: the test suite's Telegram Bot API (support/notify/telegram_server.hpp) as
// a process, for scripts/demo.sh. Accepts the token in --token-file, writes its port to
// --port-file once ready, appends each accepted message to --log as a JSON line
// {"chat_id":..,"text":..}, and serves until SIGINT/SIGTERM/SIGHUP.

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "support/notify/telegram_server.hpp"

namespace {

constexpr const char* kUsage =
    "usage: kz_telegram_server --token-file F --port-file P --log FILE\n";

std::string read_token(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  std::string token = text.str();
  const auto end = token.find_last_not_of(" \t\r\n");
  token.erase(end == std::string::npos ? 0 : end + 1);
  if (token.empty()) throw std::runtime_error(path + " holds no token");
  return token;
}

// 42 and -100123 as JSON numbers, "@channel" as a string.
nlohmann::json chat_id_json(const std::string& chat_id) {
  auto number = nlohmann::json::parse(chat_id, nullptr, false);
  return number.is_number_integer() ? number : nlohmann::json(chat_id);
}

}  // namespace

int main(int argc, char** argv) {
  std::string token_file, port_file, log_file;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string arg = argv[i];
    if (arg == "--token-file") {
      token_file = argv[i + 1];
    } else if (arg == "--port-file") {
      port_file = argv[i + 1];
    } else if (arg == "--log") {
      log_file = argv[i + 1];
    }
  }
  if (token_file.empty() || port_file.empty() || log_file.empty() || argc != 7) {
    std::cerr << kUsage;
    return 2;
  }
  sigset_t signals;
  sigemptyset(&signals);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&signals, sig);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  try {
    kz::test::TelegramServer server({read_token(token_file)});
    std::mutex log_mutex;
    server.set_on_message([&](const kz::test::TelegramMessage& message) {
      std::lock_guard lock(log_mutex);
      std::ofstream(log_file, std::ios::app)
          << nlohmann::json{{"chat_id", chat_id_json(message.chat_id)}, {"text", message.text}}
                 .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
          << '\n';
    });
    std::ofstream(port_file + ".tmp") << server.port() << '\n';
    std::filesystem::rename(port_file + ".tmp", port_file);
    int received = 0;
    sigwait(&signals, &received);
  } catch (const std::exception& error) {
    std::cerr << "kz_telegram_server: error: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
