#include "scrape/observer/page_renderer.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "common/error.hpp"
#include "scrape/observer/observer_parser.hpp"
#include "scrape/scrape_job.hpp"
#include "support/page_server.hpp"
#include "support/test_data.hpp"

namespace kz {
namespace {

// The zone the renderer tests render in (Kazakhstan, the default --page-tz).
constexpr std::chrono::minutes kPageZone{5 * 60};

using namespace std::chrono_literals;
using test::PageServer;
using test::Step;

// The English sample with an empty body that a script fills in 50 ms after DOMContentLoaded.
std::string script_built_page() {
  const std::string page = test::read_test_data("observer_en_60.html");
  const auto open = page.find("<body>");
  const auto close = page.rfind("</body>");
  std::string body = nlohmann::json(page.substr(open + 6, close - open - 6)).dump();
  for (auto at = body.find("</"); at != std::string::npos; at = body.find("</", at + 3)) {
    body.replace(at, 2, "<\\/");
  }
  return page.substr(0, open) +
         "<body><div id=\"__next\">Loading…</div><script>const BODY = " + body +
         ";\ndocument.addEventListener('DOMContentLoaded', () => setTimeout(() => {"
         " document.body.innerHTML = BODY; }, 50));</script></body></html>";
}

// Processes whose command line mentions `text`.
int processes_mentioning(const std::string& text) {
  int found = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    if (!std::isdigit(static_cast<unsigned char>(entry.path().filename().string()[0]))) continue;
    std::ifstream in(entry.path() / "cmdline");
    std::stringstream cmdline;
    cmdline << in.rdbuf();
    if (cmdline.str().find(text) != std::string::npos) ++found;
  }
  return found;
}

class ChromiumRendererTest : public ::testing::Test {
 protected:
  void SetUp() override {
    profiles_ = std::filesystem::temp_directory_path() /
                ("kz_render_" + std::to_string(::getpid()) + "_" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(profiles_);
    options_.profile_parent = profiles_;
  }
  void TearDown() override { std::filesystem::remove_all(profiles_); }
  bool profiles_removed() const { return std::filesystem::is_empty(profiles_); }

  std::filesystem::path profiles_;
  ChromiumOptions options_;
  PageServer server_;
};

TEST_F(ChromiumRendererTest, CommandLineIsolatesAndQuietsChromium) {
  const auto args = ChromiumRenderer(options_).command_line("http://x/o", "/tmp/p");
  ASSERT_GE(args.size(), 3u);
  EXPECT_EQ(args.front(), "/usr/bin/chromium");
  EXPECT_EQ(args.back(), "http://x/o");
  const auto has = [&](const std::string& flag) {
    return std::find(args.begin(), args.end(), flag) != args.end();
  };
  for (const char* flag :
       {"--headless", "--dump-dom", "--user-data-dir=/tmp/p", "--virtual-time-budget=10000",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--disable-gpu", "--disable-quic", "--disable-dev-shm-usage",
        "--lang=en-US"}) {
    EXPECT_TRUE(has(flag)) << flag;
  }
  EXPECT_EQ(has("--no-sandbox"), ::geteuid() == 0);
}

TEST_F(ChromiumRendererTest, AMissingBinaryIsNoDataAndSaysHowToInstallChromium) {
  options_.binary = "/nonexistent/chromium";
  try {
    ChromiumRenderer(options_).render(server_.url("/o"), 5s, kPageZone);
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::no_data);
    EXPECT_NE(std::string(e.what()).find("no Chromium at /nonexistent/chromium"),
              std::string::npos);
    EXPECT_NE(std::string(e.what()).find("Debian package chromium"), std::string::npos);
  }
  EXPECT_EQ(server_.request_count("/o"), 0);
}

TEST_F(ChromiumRendererTest, RendersTheDomScriptsBuiltAndRemovesTheProfile) {
  server_.set("/o", {Step::ok(script_built_page())});
  EXPECT_THROW(parse_observer_page(script_built_page()), Error);
  const auto start = std::chrono::steady_clock::now();
  const std::string dom = ChromiumRenderer(options_).render(server_.url("/o"), 30s, kPageZone);
  const auto took = std::chrono::steady_clock::now() - start;
  RecordProperty("render_ms", static_cast<int>(took / 1ms));
  const ObserverPage page = parse_observer_page(dom);
  EXPECT_EQ(page.workers.size(), 60u);
  EXPECT_EQ(page.online_workers, 55);
  EXPECT_EQ(page.balance_sat, 173296);
  EXPECT_EQ(server_.request_count("/o"), 1);
  EXPECT_TRUE(profiles_removed());
  EXPECT_EQ(processes_mentioning(profiles_.string()), 0);
}

TEST_F(ChromiumRendererTest, AHangingPageTimesOutAndNoChromiumIsLeft) {
  server_.set("/o", {Step::hang(20s)});
  const auto start = std::chrono::steady_clock::now();
  try {
    ChromiumRenderer(options_).render(server_.url("/o"), 2s, kPageZone);
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::fetch_failed);
    EXPECT_NE(std::string(e.what()).find("timed out after 2 s"), std::string::npos) << e.what();
  }
  // The limit plus at most the SIGTERM grace period.
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s + options_.kill_grace + 1s);
  EXPECT_EQ(processes_mentioning(profiles_.string()), 0);
  EXPECT_TRUE(profiles_removed());
}

TEST_F(ChromiumRendererTest, AFailedLoadIsAFetchErrorWithChromiumsReason) {
  // What Chromium 156 does when the connection is refused: no DOM, exit code 0.
  options_.binary = (profiles_ / "fake-chromium").string();
  std::ofstream(options_.binary)
      << "#!/bin/sh\necho '[1:1:1122/040054.332027:ERROR:dbus/bus.cc:405] no bus' >&2\n"
      << "echo '[1:1:1122/040054.332027:ERROR:headless_command_handler.cc:403] Page load failed: "
         "net::ERR_CONNECTION_REFUSED' >&2\n";
  std::filesystem::permissions(options_.binary, std::filesystem::perms::owner_all);
  try {
    ChromiumRenderer(options_).render("http://127.0.0.1:9/o", 10s, kPageZone);
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::fetch_failed);
    EXPECT_EQ(std::string(e.what()),
              "rendering http://127.0.0.1:9/o with Chromium: Chromium printed no page: Page load "
              "failed: net::ERR_CONNECTION_REFUSED");
  }
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(profiles_), {}), 1)
      << "only the fake binary is left";
}

// ScrapeJob's use of a renderer, with a scripted one.
class FakeRenderer : public PageRenderer {
 public:
  std::string render(const std::string& url, std::chrono::milliseconds timeout,
                     std::chrono::minutes utc_offset) override {
    ++calls;
    last_url = url;
    last_timeout = timeout;
    last_utc_offset = utc_offset;
    if (error) throw *error;
    return html;
  }
  std::string html = test::read_test_data("observer_en_60.html");
  std::optional<Error> error;
  int calls = 0;
  std::string last_url;
  std::chrono::milliseconds last_timeout{0};
  std::chrono::minutes last_utc_offset{0};
};

class RenderModeTest : public ::testing::Test {
 protected:
  // A dry run (nothing stored) of `page` served at /o; returns online_workers.
  int run(RenderMode mode, const std::string& page, PageRenderer* renderer) {
    server_.set("/o", {Step::ok(page)});
    ScrapeOptions options = options_;
    options.render = mode;
    CurlTransport transport(options.http);
    ScrapeJob job(
        options, transport, clock_, [](std::chrono::milliseconds) {}, renderer);
    std::ostringstream out;
    job.run(out);
    return nlohmann::json::parse(out.str()).at("online_workers").get<int>();
  }
  static ExitCode code_of(const std::function<void()>& action) {
    try {
      action();
    } catch (const Error& e) {
      return e.code();
    }
    return ExitCode::ok;
  }

  void SetUp() override {
    options_.observer_url = server_.url("/o");
    options_.dry_run = true;
    options_.http.max_retries = 0;
    options_.http.total_timeout = 7s;
    options_.page_utc_offset = std::chrono::minutes(-3 * 60 - 30);
  }

  PageServer server_;
  ScrapeOptions options_;
  FakeRenderer renderer_;
  FixedClock clock_{std::chrono::sys_days{std::chrono::November / 22 / 2026}};
};

TEST_F(RenderModeTest, AutoRendersOnlyWhenTheFetchedPageHasNoData) {
  EXPECT_EQ(run(RenderMode::automatic, test::read_test_data("observer_en_60.html"), &renderer_),
            55);
  EXPECT_EQ(renderer_.calls, 0);
  EXPECT_EQ(run(RenderMode::automatic, test::read_test_data("observer_shell.html"), &renderer_),
            55);
  EXPECT_EQ(renderer_.calls, 1);
  EXPECT_EQ(renderer_.last_url, server_.url("/o"));
  EXPECT_EQ(renderer_.last_timeout, 7s);
  EXPECT_EQ(renderer_.last_utc_offset, std::chrono::minutes(-3 * 60 - 30));  // the page's zone
  EXPECT_EQ(server_.request_count("/o"), 2);
}

TEST_F(RenderModeTest, AutoDoesNotRenderAfterAFetchError) {
  // run() serves the page at /o; an HTTP error status is no reason to render.
  server_.set("/o", {Step::respond(404)});
  options_.render = RenderMode::automatic;
  CurlTransport transport(options_.http);
  ScrapeJob job(
      options_, transport, clock_, [](std::chrono::milliseconds) {}, &renderer_);
  std::ostringstream out;
  EXPECT_EQ(code_of([&] { job.run(out); }), ExitCode::fetch_failed);
  EXPECT_EQ(renderer_.calls, 0);
}

TEST_F(RenderModeTest, AlwaysRendersWithoutFetching) {
  EXPECT_EQ(run(RenderMode::always, test::read_test_data("observer_shell.html"), &renderer_), 55);
  EXPECT_EQ(renderer_.calls, 1);
  EXPECT_EQ(server_.request_count("/o"), 0);
}

TEST_F(RenderModeTest, NeverAndNoRendererKeepTheNoDataError) {
  const std::string shell = test::read_test_data("observer_shell.html");
  EXPECT_EQ(code_of([&] { run(RenderMode::never, shell, &renderer_); }), ExitCode::no_data);
  EXPECT_EQ(code_of([&] { run(RenderMode::always, shell, nullptr); }), ExitCode::no_data);
  EXPECT_EQ(renderer_.calls, 0);
}

TEST_F(RenderModeTest, RendererErrorsAndARenderedShellAreReported) {
  const std::string shell = test::read_test_data("observer_shell.html");
  renderer_.error = Error(ExitCode::fetch_failed, "chromium broke");
  EXPECT_EQ(code_of([&] { run(RenderMode::automatic, shell, &renderer_); }),
            ExitCode::fetch_failed);
  renderer_.error.reset();
  renderer_.html = shell;
  try {
    run(RenderMode::always, shell, &renderer_);
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::no_data);
    EXPECT_NE(std::string(e.what()).find("(rendered by Chromium)"), std::string::npos);
  }
}

}  // namespace
}  // namespace kz
