#include "support/notify/smtp_server.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "support/process.hpp"

namespace kz::test {
namespace {

const char* const kPython = "/usr/bin/python3";  // Debian's, which has python3-aiosmtpd

std::string sink_script() {
  return std::string(KZ_TEST_DATA_DIR) + "/../support/notify/smtp_sink.py";
}

std::filesystem::path make_temp_folder(const char* pattern) {
  std::string path = (std::filesystem::temp_directory_path() / pattern).string();
  if (::mkdtemp(path.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return path;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

void stop(pid_t pid) {
  if (pid <= 0) return;
  ::kill(pid, SIGTERM);
  for (int i = 0; i < 100; ++i) {
    if (::waitpid(pid, nullptr, WNOHANG) == pid) return;
    ::usleep(50'000);
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
}

std::string cert_file_of(const std::filesystem::path& folder) {
  return (folder / "cert.pem").string();
}

}  // namespace

SmtpServer::SmtpServer(SmtpServerOptions options) : folder_(make_temp_folder("kzsmtp-XXXXXX")) {
  std::vector<std::string> argv = {kPython, sink_script(), "--dir", folder_.string()};
  if (options.user) {
    write_file(folder_ / "password", options.password);
    argv.insert(argv.end(),
                {"--user", *options.user, "--password-file", (folder_ / "password").string()});
  }
  for (const auto& address : options.reject_550) argv.insert(argv.end(), {"--reject-550", address});
  for (const auto& address : options.reject_451) argv.insert(argv.end(), {"--reject-451", address});
  if (!options.data_reply.empty()) argv.insert(argv.end(), {"--data-reply", options.data_reply});
  if (options.tls != SmtpServerOptions::Tls::none) {
    const ProcessResult made =
        run_process({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                     "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj",
                     "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                     "-keyout", (folder_ / "key.pem").string(), "-out", cert_file_of(folder_)},
                    {}, std::chrono::seconds(60));
    if (made.exit_code != 0) {
      std::filesystem::remove_all(folder_);
      throw std::runtime_error("openssl req failed: " + made.err);
    }
    has_cert_ = true;
    argv.insert(argv.end(),
                {"--tls-cert", cert_file_of(folder_), "--tls-key", (folder_ / "key.pem").string()});
    if (options.tls == SmtpServerOptions::Tls::implicit) {
      implicit_tls_ = true;
      argv.push_back("--implicit-tls");
    }
  }

  std::vector<char*> args;  // built before fork: the child only calls async-signal-safe functions
  for (auto& arg : argv) args.push_back(arg.data());
  args.push_back(nullptr);
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::dup2(out[1], 1);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(out[1]);
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (line.find('\n') == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd fd{out[0], POLLIN, 0};
    if (left.count() <= 0 || ::poll(&fd, 1, static_cast<int>(left.count())) <= 0) break;
    char buffer[256];
    const ssize_t n = ::read(out[0], buffer, sizeof buffer);
    if (n <= 0) break;
    line.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(out[0]);
  if (line.rfind("PORT ", 0) == 0) port_ = std::atoi(line.c_str() + 5);
  if (port_ <= 0) {
    stop(pid_);
    std::filesystem::remove_all(folder_);
    throw std::runtime_error("smtp_sink.py did not start (stdout: \"" + line + "\")");
  }
}

SmtpServer::~SmtpServer() {
  stop(pid_);
  std::error_code ignored;
  std::filesystem::remove_all(folder_, ignored);
}

std::string SmtpServer::url() const {
  return std::string(implicit_tls_ ? "smtps" : "smtp") + "://127.0.0.1:" + std::to_string(port_);
}

std::string SmtpServer::cert_file() const {
  return has_cert_ ? cert_file_of(folder_) : std::string();
}

std::vector<ReceivedMail> SmtpServer::received() const {
  std::vector<std::filesystem::path> records;
  for (const auto& entry : std::filesystem::directory_iterator(folder_)) {
    if (entry.path().extension() == ".json") records.push_back(entry.path());
  }
  std::sort(records.begin(), records.end());
  std::vector<ReceivedMail> mails;
  for (const auto& path : records) {
    const auto record = nlohmann::json::parse(read_file(path));
    ReceivedMail mail;
    mail.mail_from = record.at("mail_from").get<std::string>();
    mail.rcpt_tos = record.at("rcpt_tos").get<std::vector<std::string>>();
    if (!record.at("login").is_null()) mail.login = record.at("login").get<std::string>();
    mail.tls = record.at("tls").get<bool>();
    mail.raw = read_file(std::filesystem::path(path).replace_extension(".eml"));
    mail.message = record.at("message");
    mails.push_back(std::move(mail));
  }
  return mails;
}

nlohmann::json parse_mail(const std::vector<std::string>& messages) {
  const auto folder = make_temp_folder("kzmail-XXXXXX");
  std::vector<std::string> argv = {kPython, sink_script(), "--parse"};
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const auto path = folder / (std::to_string(i) + ".eml");
    write_file(path, messages[i]);
    argv.push_back(path.string());
  }
  const ProcessResult result = run_process(argv, {}, std::chrono::seconds(60));
  std::filesystem::remove_all(folder);
  if (result.exit_code != 0) {
    throw std::runtime_error("smtp_sink.py --parse failed: " + result.err);
  }
  return nlohmann::json::parse(result.out);
}

}  // namespace kz::test
