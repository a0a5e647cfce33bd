#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <optional>

#include "common/error.hpp"
#include "report/chart.hpp"

// gnuplot missing, failing or too slow: kz::Error(report_failed) with a message that says so.
namespace kz {
namespace {

namespace fs = std::filesystem;

// Sets an environment variable for the scope, restoring (or removing) it after.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    value ? ::setenv(name, value, 1) : ::unsetenv(name);
  }
  ~ScopedEnv() { old_ ? ::setenv(name_.c_str(), old_->c_str(), 1) : ::unsetenv(name_.c_str()); }

 private:
  std::string name_;
  std::optional<std::string> old_;
};

class ChartGnuplotErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("kz_chart_errors_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    history_.pool.account = "p";
    request_.history = &history_;
    request_.window = ReportWindow{TimePoint(std::chrono::seconds(1'700'000'000)),
                                   TimePoint(std::chrono::seconds(1'700'086'400))};
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string script(const std::string& name, const std::string& body) {
    const fs::path path = dir_ / name;
    std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
    ::chmod(path.c_str(), 0755);
    return path.string();
  }

  // The error render() throws with `options`, for both formats.
  std::string error_of(GnuplotOptions options) {
    std::string message;
    for (ImageFormat format : {ImageFormat::svg, ImageFormat::png}) {
      try {
        make_gnuplot_renderer(options)->render({request_}, format);
        ADD_FAILURE() << "no error";
      } catch (const Error& error) {
        EXPECT_EQ(error.code(), ExitCode::report_failed) << error.what();
        message = error.what();
      }
    }
    return message;
  }

  fs::path dir_;
  PoolHistory history_;
  ChartRequest request_;
};

TEST_F(ChartGnuplotErrors, NotOnPathGivesTheInstallHint) {
  fs::create_directories(dir_ / "empty");
  ScopedEnv path("PATH", (dir_ / "empty").c_str());
  ScopedEnv gnuplot("KZ_GNUPLOT", nullptr);
  const std::string message = error_of({});
  EXPECT_NE(message.find("gnuplot not found"), std::string::npos) << message;
  EXPECT_NE(message.find((dir_ / "empty").string()), std::string::npos) << message;
  EXPECT_NE(message.find("install it: sudo apt install gnuplot-nox"), std::string::npos) << message;
}

TEST_F(ChartGnuplotErrors, KzGnuplotPointingNowhereGivesTheInstallHint) {
  const std::string nowhere = (dir_ / "no" / "gnuplot").string();
  ScopedEnv gnuplot("KZ_GNUPLOT", nowhere.c_str());
  const std::string message = error_of({});
  EXPECT_NE(message.find("gnuplot not found (looked for " + nowhere + ")"), std::string::npos)
      << message;
  EXPECT_NE(message.find("sudo apt install gnuplot-nox"), std::string::npos) << message;
  // The option wins over the environment.
  EXPECT_NE(error_of({dir_.string() + "/elsewhere", 60}).find(dir_.string() + "/elsewhere"),
            std::string::npos);
}

TEST_F(ChartGnuplotErrors, AFailingGnuplotGivesItsLastErrorLine) {
  ScopedEnv gnuplot("KZ_GNUPLOT", "/bin/false");
  EXPECT_NE(error_of({}).find("exit code 1"), std::string::npos);
  const std::string failing = script(
      "failing",
      "cat >/dev/null; echo 'first' >&2; echo '\"-\", line 7: undefined variable: x' >&2; exit 1");
  const std::string message = error_of({failing, 60});
  EXPECT_NE(message.find("line 7: undefined variable: x"), std::string::npos) << message;
}

TEST_F(ChartGnuplotErrors, AGnuplotThatDrawsNothingFails) {
  const std::string message = error_of({script("silent", "cat >/dev/null; exit 0"), 60});
  EXPECT_NE(message.find("wrote no image for chart 1"), std::string::npos) << message;
}

TEST_F(ChartGnuplotErrors, AGnuplotThatHangsRunsOutOfTime) {
  GnuplotOptions options{script("hanging", "exec sleep 60"), 1};
  try {
    make_gnuplot_renderer(options)->render({request_}, ImageFormat::svg);
    ADD_FAILURE() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ExitCode::report_failed);
    EXPECT_NE(std::string(error.what()).find("ran out of time"), std::string::npos) << error.what();
  }
}

TEST_F(ChartGnuplotErrors, KzGnuplotIsTheOneRun) {
  // A wrapper that leaves a mark, then runs the real gnuplot.
  const std::string mark = (dir_ / "ran").string();
  const std::string wrapper =
      script("wrapper", "touch '" + mark + "'; exec /usr/bin/gnuplot \"$@\"");
  ScopedEnv gnuplot("KZ_GNUPLOT", wrapper.c_str());
  const auto images = make_gnuplot_renderer()->render({request_}, ImageFormat::svg);
  ASSERT_EQ(images.size(), 1u);
  EXPECT_TRUE(fs::exists(mark));
}

}  // namespace
}  // namespace kz
