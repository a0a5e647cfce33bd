// Issue 15: --version with the git revision read at build time (cmake/BuildInfo.cmake), and the
// colour of plain lines on a terminal (util-linux `script` gives the binary a pty).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "support/process.hpp"

namespace kz::test {
namespace {

const std::filesystem::path kSourceDir = std::filesystem::path(KZ_SCRIPTS_DIR).parent_path();

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

std::string git(const std::filesystem::path& dir, std::vector<std::string> args) {
  args.insert(args.begin(), {"/usr/bin/git", "-C", dir.string(), "-c", "user.name=kz", "-c",
                             "user.email=kz@localhost"});
  const auto run = run_process(args);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  return trimmed(run.out);
}

// The revision text the source tree gives now, as BuildInfo.cmake computes it.
std::string expected_revision(const std::filesystem::path& dir) {
  const std::string head = git(dir, {"rev-parse", "--short", "HEAD"});
  const bool modified = !git(dir, {"status", "--porcelain", "--untracked-files=no"}).empty();
  return head + (modified ? ", modified" : "");
}

std::string project_version() {
  std::ifstream in(kSourceDir / "CMakeLists.txt");
  std::stringstream text;
  text << in.rdbuf();
  std::smatch m;
  const std::string s = text.str();
  EXPECT_TRUE(std::regex_search(s, m, std::regex(R"(project\(kzpool VERSION ([0-9.]+))")));
  return m[1];
}

TEST(Version, EveryBinaryPrintsOneLineWithTheSourceTreesRevision) {
  const std::regex shape(R"(^kz[a-z]+ \d+\.\d+\.\d+ \(git ([0-9a-f]{7,}(, modified)?|unknown)\)$)");
  const bool in_git = std::filesystem::exists(kSourceDir / ".git");
  for (const std::string binary : {KZSCRAPE_PATH, KZUPLOAD_PATH, KZNOTIFY_PATH, KZREPORT_PATH}) {
    const auto run = run_process({binary, "--version"});
    EXPECT_EQ(run.exit_code, 0);
    const std::string line = trimmed(run.out);
    EXPECT_EQ(line.find('\n'), std::string::npos) << run.out;
    EXPECT_TRUE(std::regex_match(line, shape)) << line;
    const std::string program = std::filesystem::path(binary).filename().string();
    const std::string revision = in_git ? expected_revision(kSourceDir) : "unknown";
    EXPECT_EQ(line, program + " " + project_version() + " (git " + revision + ")");
  }
}

// Runs BuildInfo.cmake on `source` and returns the revision it wrote.
std::string build_info_revision(const std::filesystem::path& source,
                                const std::filesystem::path& output,
                                std::vector<std::string> extra = {},
                                std::vector<std::pair<std::string, std::string>> env = {}) {
  std::vector<std::string> args = {"/usr/bin/cmake", "-DSOURCE_DIR=" + source.string(),
                                   "-DOUTPUT=" + output.string(), "-DVERSION=9.8.7"};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back("-P");
  args.push_back((kSourceDir / "cmake" / "BuildInfo.cmake").string());
  if (env.empty()) env.emplace_back("KZ_GIT_REVISION", "");  // not the caller's own
  const auto run = run_process(args, env);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  std::ifstream in(output);
  std::stringstream text;
  text << in.rdbuf();
  const std::string s = text.str();
  std::smatch m;
  EXPECT_NE(s.find("return \"9.8.7\";"), std::string::npos) << s;
  const std::regex written(R"re(build_git_revision\(\) \{ return "([^"]*)"; \})re");
  if (!std::regex_search(s, m, written)) return "(none)";
  return m[1];
}

TEST(BuildInfo, ReadsTheRevisionAtEachRunAndRewritesOnlyOnChange) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("kz_build_info_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const auto source = dir / "src";
  const auto output = dir / "build_info.cpp";
  std::filesystem::create_directories(source);
  std::ofstream(source / "a.txt") << "one\n";
  EXPECT_EQ(build_info_revision(source, output), "unknown") << "a tarball: no .git";

  git(source, {"init", "-q"});
  git(source, {"add", "a.txt"});
  git(source, {"commit", "-qm", "one"});
  const std::string first = git(source, {"rev-parse", "--short", "HEAD"});
  EXPECT_EQ(build_info_revision(source, output), first);

  // Unchanged text: the file keeps its time, so nothing recompiles.
  const auto old_time = std::filesystem::file_time_type::clock::now() - std::chrono::hours(100);
  std::filesystem::last_write_time(output, old_time);
  std::ofstream(source / "untracked.txt") << "not part of the source\n";
  EXPECT_EQ(build_info_revision(source, output), first);
  EXPECT_EQ(std::filesystem::last_write_time(output), old_time);

  std::ofstream(source / "a.txt") << "two\n";
  EXPECT_EQ(build_info_revision(source, output), first + ", modified");
  EXPECT_NE(std::filesystem::last_write_time(output), old_time);

  git(source, {"commit", "-qam", "two"});
  const std::string second = git(source, {"rev-parse", "--short", "HEAD"});
  EXPECT_NE(second, first);
  EXPECT_EQ(build_info_revision(source, output), second) << "a new commit, no reconfigure";

  EXPECT_EQ(build_info_revision(source, output, {"-DOVERRIDE=1a2b3c4"}), "1a2b3c4");
  EXPECT_EQ(build_info_revision(source, output, {}, {{"KZ_GIT_REVISION", "debian-5"}}), "debian-5");
  std::filesystem::remove_all(dir);
}

// The binary under a pseudo-terminal; stdout and stderr both come back in `out`.
ProcessResult on_a_terminal(const std::string& command, const std::string& no_color) {
  return run_process({"/usr/bin/script", "-qec", command, "/dev/null"}, {{"NO_COLOR", no_color}},
                     std::chrono::seconds(30));
}

TEST(Colour, LevelWordsAreColouredOnATerminalUnlessNoColor) {
  const std::string failing =
      std::string(KZSCRAPE_PATH) +
      " --url http://127.0.0.1:1/observer --retries 0 --db /nonexistent/x.db";
  const auto coloured = on_a_terminal(failing, "");
  EXPECT_NE(coloured.out.find("kzscrape: \033[31merror\033[0m: "), std::string::npos)
      << coloured.out;
  for (const char* no_color : {"1", "true"}) {
    const auto plain = on_a_terminal(failing, no_color);
    EXPECT_NE(plain.out.find("kzscrape: error: "), std::string::npos) << plain.out;
    EXPECT_EQ(plain.out.find('\033'), std::string::npos) << plain.out;
  }
  const auto json = on_a_terminal(failing + " --log-format json", "");
  EXPECT_NE(json.out.find("\"level\":\"error\""), std::string::npos) << json.out;
  EXPECT_EQ(json.out.find('\033'), std::string::npos) << json.out;
  // Not a terminal: no colour whatever NO_COLOR says.
  const auto piped = run_process({KZSCRAPE_PATH, "--url", "http://127.0.0.1:1/observer",
                                  "--retries", "0", "--db", "/nonexistent/x.db"},
                                 {{"NO_COLOR", ""}});
  EXPECT_NE(piped.err.find("kzscrape: error: "), std::string::npos) << piped.err;
}

}  // namespace
}  // namespace kz::test
