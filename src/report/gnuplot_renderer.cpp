#include <stdlib.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "common/child_process.hpp"
#include "common/error.hpp"
#include "report/chart.hpp"
#include "report/chart_script.hpp"
#include "report/gnuplot_text.hpp"
#include "report/html_text.hpp"

namespace kz {
namespace {

namespace fs = std::filesystem;

constexpr const char* kInstallHint = "install it: sudo apt install gnuplot-nox";

bool executable(const fs::path& path) {
  std::error_code error;
  return fs::is_regular_file(path, error) && ::access(path.c_str(), X_OK) == 0;
}

// The gnuplot to run: options.program, else $KZ_GNUPLOT, else "gnuplot" on $PATH.
std::string find_gnuplot(const std::string& program) {
  std::string wanted = program;
  if (wanted.empty()) {
    if (const char* env = std::getenv("KZ_GNUPLOT"); env != nullptr && *env != '\0') wanted = env;
  }
  if (!wanted.empty()) {
    if (wanted.find('/') != std::string::npos) {
      if (executable(wanted)) return wanted;
      throw Error(ExitCode::report_failed,
                  "gnuplot not found (looked for " + wanted + "): " + kInstallHint);
    }
  } else {
    wanted = "gnuplot";
  }
  const char* path_env = std::getenv("PATH");
  const std::string path = path_env != nullptr ? path_env : "";
  std::istringstream dirs(path);
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const fs::path candidate = fs::path(dir.empty() ? "." : dir) / wanted;
    if (executable(candidate)) return candidate.string();
  }
  throw Error(ExitCode::report_failed, "gnuplot not found (looked for " + wanted +
                                           " in PATH=" + path + "): " + kInstallHint);
}

// A private directory (mode 0700) for one render()'s images, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "kzreport-charts-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw Error(ExitCode::report_failed, "cannot create a temporary directory for charts in " +
                                               fs::temp_directory_path().string() + ": " +
                                               std::generic_category().message(errno));
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return "";
  std::string bytes(static_cast<std::size_t>(in.tellg()), '\0');
  in.seekg(0);
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!in) return "";
  return bytes;
}

void replace_once(std::string& text, const std::string& from, const std::string& to) {
  if (const std::size_t at = text.find(from); at != std::string::npos) {
    text.replace(at, from.size(), to);
  }
}

// gnuplot's SVG made fit to inline in HTML: no <?xml ...?>/DOCTYPE prelude, the chart's title
// as the document's <title> and each plot group's <title> set to its series name. Throws
// report_failed when it holds a script or refers to anything outside itself.
std::string inline_svg(std::string svg, const ChartScript& script, std::size_t number) {
  const std::size_t start = svg.find("<svg");
  if (start == std::string::npos) {
    throw Error(ExitCode::report_failed, "gnuplot wrote no SVG for chart " +
                                             std::to_string(number) + " (" + script.title + ")");
  }
  svg.erase(0, start);
  replace_once(svg, "<title>Gnuplot</title>", "<title>" + html_escaped(script.title) + "</title>");
  for (std::size_t i = 0; i < script.plots.size(); ++i) {
    if (script.plots[i].empty()) continue;
    const std::string id = "gnuplot_plot_" + std::to_string(i + 1);
    replace_once(svg, "<title>" + id + "</title>",
                 "<title>" + html_escaped(script.plots[i]) + "</title>");
  }
  static const std::string allowed[] = {"http://www.w3.org/2000/svg",
                                        "http://www.w3.org/1999/xlink"};
  for (std::size_t at = svg.find("http"); at != std::string::npos; at = svg.find("http", at + 1)) {
    bool ok = false;
    for (const std::string& uri : allowed) ok = ok || svg.compare(at, uri.size(), uri) == 0;
    if (!ok) {
      throw Error(ExitCode::report_failed, "gnuplot's SVG for chart " + std::to_string(number) +
                                               " refers outside itself: " + svg.substr(at, 60));
    }
  }
  if (svg.find("<script") != std::string::npos) {
    throw Error(ExitCode::report_failed,
                "gnuplot's SVG for chart " + std::to_string(number) + " holds a script");
  }
  return svg;
}

class GnuplotRenderer : public ChartRenderer {
 public:
  explicit GnuplotRenderer(GnuplotOptions options) : options_(std::move(options)) {}

  std::vector<std::string> render(const std::vector<ChartRequest>& requests,
                                  ImageFormat format) override {
    if (requests.empty()) return {};
    const std::string program = find_gnuplot(options_.program);
    TempDir dir;
    const char* extension = format == ImageFormat::svg ? ".svg" : ".png";
    std::vector<ChartScript> scripts;
    std::vector<fs::path> files;
    std::string text = "set encoding utf8\n";
    for (std::size_t i = 0; i < requests.size(); ++i) {
      if (requests[i].history == nullptr) {
        throw Error(ExitCode::internal,
                    "chart request " + std::to_string(i + 1) + " has no history");
      }
      files.push_back(dir.path() / ("chart" + std::to_string(i + 1) + extension));
      scripts.push_back(
          chart_script(requests[i], format, files.back().string(), static_cast<int>(i + 1)));
      text += scripts.back().text;
    }
    // gnuplot reads its stdin one byte per read(): a week of 300 charts (~4 MB) took 20 s that
    // way. The script goes to a file in the private directory and stdin only loads it.
    const fs::path script_file = dir.path() / "charts.gp";
    {
      std::ofstream out(script_file, std::ios::binary);
      out << text;
      if (!out.flush()) {
        throw Error(ExitCode::report_failed,
                    "cannot write the chart script " + script_file.string() + " (disk full?)");
      }
    }

    ChildOptions child;
    child.timeout = std::chrono::seconds(options_.timeout_s);
    child.input = "load " + gnuplot::quoted(script_file.string()) + "\nexit\n";
    child.max_stdout_bytes = 1024 * 1024;
    ChildResult result;
    try {
      result = run_child({program}, child);
    } catch (const std::system_error& error) {
      throw Error(ExitCode::report_failed, std::string("gnuplot (") + program +
                                               ") cannot be started: " + error.what() + "; " +
                                               kInstallHint);
    }
    const std::string what = "gnuplot (" + program + ")";
    switch (result.end) {
      case ChildResult::End::exited:
        if (result.code == 0) break;
        throw Error(
            ExitCode::report_failed,
            what + " failed with exit code " + std::to_string(result.code) + ": " +
                (result.last_stderr_line.empty() ? "(no message)" : result.last_stderr_line));
      case ChildResult::End::timed_out:
        throw Error(ExitCode::report_failed,
                    what + " ran out of time (" + std::to_string(options_.timeout_s) +
                        " s) drawing " + std::to_string(requests.size()) + " charts");
      case ChildResult::End::signaled:
        throw Error(ExitCode::report_failed, what + " died of signal " +
                                                 std::to_string(result.code) + ": " +
                                                 result.last_stderr_line);
      case ChildResult::End::output_too_large:
        throw Error(ExitCode::report_failed, what + " wrote more than 1 MiB to stdout");
      case ChildResult::End::interrupted:
        throw Error(ExitCode::report_failed,
                    what + " was interrupted (signal " + std::to_string(result.code) + ")");
    }

    std::vector<std::string> images;
    for (std::size_t i = 0; i < files.size(); ++i) {
      std::string image = read_file(files[i]);
      if (image.empty()) {
        throw Error(ExitCode::report_failed,
                    what + " wrote no image for chart " + std::to_string(i + 1) + " (" +
                        scripts[i].title + ")" +
                        (result.last_stderr_line.empty() ? std::string(": is it gnuplot?")
                                                         : ": " + result.last_stderr_line));
      }
      images.push_back(format == ImageFormat::svg ? inline_svg(std::move(image), scripts[i], i + 1)
                                                  : std::move(image));
    }
    return images;
  }

 private:
  GnuplotOptions options_;
};

}  // namespace

std::unique_ptr<ChartRenderer> make_gnuplot_renderer(GnuplotOptions options) {
  return std::make_unique<GnuplotRenderer>(std::move(options));
}

}  // namespace kz
