#include "support/report/chromium_page.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "support/process.hpp"

namespace kz::test {
namespace {

class TempProfile {
 public:
  TempProfile() {
    std::string pattern = (std::filesystem::temp_directory_path() / "kzreport-chromium-XXXXXX");
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempProfile() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::string last_line(const std::string& text) {
  auto end = text.find_last_not_of("\r\n");
  if (end == std::string::npos) return "";
  const auto start = text.rfind('\n', end);
  return text.substr(start == std::string::npos ? 0 : start + 1,
                     end - (start == std::string::npos ? 0 : start + 1) + 1);
}

ProcessResult run(const ChromiumPage& page, const std::filesystem::path& file,
                  const std::filesystem::path& profile, const std::vector<std::string>& mode) {
  auto result = run_process(page.command_line(file, profile, mode), {{"HOME", profile.string()}},
                            page.timeout);
  if (result.timed_out) throw std::runtime_error("Chromium timed out on " + file.string());
  if (result.exit_code != 0) {
    throw std::runtime_error("Chromium exited with " + std::to_string(result.exit_code) + ": " +
                             last_line(result.err));
  }
  return result;
}

}  // namespace

std::vector<std::string> ChromiumPage::command_line(const std::filesystem::path& file,
                                                    const std::filesystem::path& profile,
                                                    const std::vector<std::string>& mode) const {
  std::vector<std::string> args = {binary, "--headless"};
  if (::geteuid() == 0) args.push_back("--no-sandbox");  // Chromium refuses root otherwise
  for (const char* flag :
       {"--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage", "--hide-scrollbars",
        "--mute-audio", "--disable-extensions", "--disable-features=NetworkTimeServiceQuerying"}) {
    args.emplace_back(flag);
  }
  args.push_back("--user-data-dir=" + profile.string());
  if (proxy_port) {
    // Chromium's own services (component updater, sign-in, network time) call Google whatever
    // the page is, and no flag stops them all: those exact hosts skip the proxy and resolve to
    // nothing, so they never leave the machine and never count as the page's requests. Every
    // other host, loopback and fonts.googleapis.com included, goes to the proxy.
    std::string bypass = "<-loopback>", rules;
    for (const char* host : kChromiumServiceHosts) {
      bypass += std::string(";") + host;
      rules += std::string(rules.empty() ? "" : ", ") + "MAP " + host + " ~NOTFOUND";
    }
    args.push_back("--proxy-server=http://127.0.0.1:" + std::to_string(*proxy_port));
    args.push_back("--proxy-bypass-list=" + bypass);
    args.push_back("--host-resolver-rules=" + rules);
  }
  args.insert(args.end(), mode.begin(), mode.end());
  args.push_back("file://" + std::filesystem::absolute(file).string());
  return args;
}

std::string ChromiumPage::screenshot(const std::filesystem::path& file, int width,
                                     int height) const {
  TempProfile profile;
  const auto png = profile.path() / "shot.png";
  run(*this, file, profile.path(),
      {"--window-size=" + std::to_string(width) + "," + std::to_string(height),
       "--screenshot=" + png.string()});
  std::ifstream in(png, std::ios::binary);
  if (!in) throw std::runtime_error("Chromium wrote no screenshot of " + file.string());
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

std::string ChromiumPage::dump_dom(const std::filesystem::path& file, int width, int height) const {
  TempProfile profile;
  return run(*this, file, profile.path(),
             {"--window-size=" + std::to_string(width) + "," + std::to_string(height),
              "--dump-dom"})
      .out;
}

}  // namespace kz::test
