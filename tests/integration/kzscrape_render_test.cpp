#include <gtest/gtest.h>
#include <signal.h>

#include <cctype>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "integration/kzscrape_fixture.hpp"

namespace kz::test {
namespace {

using namespace std::chrono_literals;

// The English sample with an empty body that a script fills in 50 ms after DOMContentLoaded.
std::string script_built_page() {
  const std::string page = read_test_data("observer_en_60.html");
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

// kzscrape's temporary Chromium profiles go to dir_ (TMPDIR), so Chromium processes of a test
// are those whose command line mentions dir_/kzscrape-chromium-, and a profile left behind
// shows up in dir_.
class KzscrapeRender : public KzscrapeTest {
 protected:
  ProcessResult render_run(std::vector<std::string> extra) {
    std::vector<std::string> args = {"--url", server_.url("/observer"), "--db", db_};
    args.insert(args.end(), extra.begin(), extra.end());
    return kzscrape(args, {{"TMPDIR", dir_.string()}});
  }
  int chromium_processes() {
    return static_cast<int>(processes_mentioning((dir_ / "kzscrape-chromium-").string()).size());
  }
  int profiles_left() {
    int left = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
      left += entry.path().filename().string().starts_with("kzscrape-chromium-");
    }
    return left;
  }
  void expect_stored_sample() {
    EXPECT_EQ(count("SELECT count(*) FROM snapshot"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM v_latest_workers"), 60);
    EXPECT_EQ(count("SELECT count(*) FROM v_latest_workers WHERE status = 'offline'"), 5);
    EXPECT_EQ(count("SELECT balance_sat FROM snapshot"), 173296);
    EXPECT_EQ(count("SELECT count(*) FROM v_daily_income"), 7);
    EXPECT_EQ(text("SELECT outcome FROM scrape_run"), "ok");
  }
};

TEST_F(KzscrapeRender, NeverFailsWithNoDataOnAScriptBuiltPage) {
  server_.set("/observer", {Step::ok(script_built_page())});
  const auto run = render_run({"--render", "never"});
  EXPECT_EQ(run.exit_code, 4) << run.err;
  EXPECT_NE(run.err.find("no usable data"), std::string::npos) << run.err;
  EXPECT_EQ(server_.request_count("/observer"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM snapshot"), 0);
}

TEST_F(KzscrapeRender, AutoRendersAScriptBuiltPageAndStoresIt) {
  server_.set("/observer", {Step::ok(script_built_page())});
  const auto run = render_run({"--log-level", "debug"});  // auto is the default
  ASSERT_EQ(run.exit_code, 0) << run.err;
  expect_stored_sample();
  EXPECT_EQ(server_.request_count("/observer"), 2);  // libcurl, then Chromium
  EXPECT_NE(run.err.find("rendering the page with Chromium"), std::string::npos) << run.err;
  EXPECT_EQ(profiles_left(), 0);
  EXPECT_EQ(chromium_processes(), 0);
}

TEST_F(KzscrapeRender, AlwaysRendersWithoutAPlainFetch) {
  server_.set("/observer", {Step::ok(script_built_page())});
  const auto run = render_run({"--render", "always"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  expect_stored_sample();
  EXPECT_EQ(server_.request_count("/observer"), 1);
  const auto agent = server_.last_request("/observer")->header("user-agent").value_or("");
  EXPECT_NE(agent.find("Chrome"), std::string::npos) << agent;
  EXPECT_EQ(agent.find("kzpool"), std::string::npos) << agent;
  EXPECT_EQ(profiles_left(), 0);
}

TEST_F(KzscrapeRender, WithoutChromiumTheErrorSaysHowToInstallIt) {
  server_.set("/observer", {Step::ok(script_built_page())});
  const auto run = render_run({"--chromium", "/nonexistent"});
  EXPECT_EQ(run.exit_code, 4) << run.err;
  EXPECT_EQ(run.err,
            "kzscrape: error: no Chromium at /nonexistent: the page needs JavaScript; install "
            "Chromium (Debian package chromium) or pass --chromium PATH\n");
  EXPECT_EQ(text("SELECT outcome || ' ' || exit_code FROM scrape_run"), "failed 4");
}

TEST_F(KzscrapeRender, AFailingChromiumIsAFetchErrorWithItsLastWords) {
  const auto fake = dir_ / "fake-chromium";
  std::ofstream(fake) << "#!/bin/sh\necho starting >&2\necho 'cannot open display' >&2\nexit 21\n";
  std::filesystem::permissions(fake, std::filesystem::perms::owner_all);
  server_.set("/observer", {Step::ok(script_built_page())});
  const auto run = render_run({"--render", "always", "--chromium", fake.string()});
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_NE(run.err.find("Chromium exited with code 21: cannot open display"), std::string::npos)
      << run.err;
  EXPECT_EQ(run.err.find('\n'), run.err.size() - 1) << "one line: " << run.err;
  EXPECT_EQ(profiles_left(), 0);
}

TEST_F(KzscrapeRender, AHangingPageTimesOutAndLeavesNoChromium) {
  server_.set("/observer", {Step::hang(25s)});
  const auto run = render_run({"--render", "always", "--timeout", "2"});
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_NE(run.err.find("timed out after 2 s"), std::string::npos) << run.err;
  EXPECT_LT(run.elapsed, 6s);  // the limit, at most 2 s of SIGTERM grace, startup
  EXPECT_EQ(chromium_processes(), 0);
  EXPECT_EQ(profiles_left(), 0);
  EXPECT_EQ(text("SELECT outcome || ' ' || exit_code FROM scrape_run"), "failed 3");
}

TEST_F(KzscrapeRender, SigtermWhileRenderingKillsChromiumToo) {
  server_.set("/observer", {Step::hang(25s)});
  bool signalled = false;
  std::thread killer([&] {
    // Once Chromium asked for the page, SIGTERM kzscrape: the one process whose command line
    // names the cache.
    for (int i = 0; i < 1000 && !signalled; ++i) {
      std::this_thread::sleep_for(10ms);
      const auto kzscrape = processes_mentioning(db_);
      if (server_.request_count("/observer") > 0 && kzscrape.size() == 1) {
        signalled = ::kill(kzscrape.front(), SIGTERM) == 0;
      }
    }
  });
  const auto run = render_run({"--render", "always", "--timeout", "30", "--log-level", "debug"});
  killer.join();
  ASSERT_TRUE(signalled) << run.err;
  EXPECT_NE(run.err.find("rendering"), std::string::npos) << "debug log: " << run.err;
  EXPECT_EQ(run.exit_code, -1) << "killed by the signal: " << run.err;
  EXPECT_LT(run.elapsed,
            20s);  // the page hangs 25 s, the timeout is 30 s; Chromium starts slowly under load
  EXPECT_EQ(chromium_processes(), 0);
  EXPECT_EQ(profiles_left(), 0);
}

// Issue 9, kind 6: the English sample whose last-share cells a script writes from epoch
// times in the browser's own zone, as "MM/DD/YYYY, HH:MM:SS"; `epochs` gets the unix seconds,
// one per worker, in page order.
std::string page_with_script_formatted_times(std::vector<int64_t>& epochs) {
  const std::string page = read_test_data("observer_en_60.html");
  static const std::regex cell(R"(<td>\d\d/\d\d/\d{4}, \d\d:\d\d:\d\d</td>)");
  std::string out;
  auto rest = page.cbegin();
  for (std::sregex_iterator it(page.begin(), page.end(), cell), end; it != end; ++it) {
    out.append(rest, page.cbegin() + it->position());
    // Spread over two days from 2026-11-21 22:00 UTC, so the local date differs by zone.
    epochs.push_back(1'795'298'400 + static_cast<int64_t>(epochs.size()) * 3'607);
    out += "<td data-ms=\"" + std::to_string(epochs.back() * 1000) + "\"></td>";
    rest = page.cbegin() + it->position() + it->length();
  }
  out.append(rest, page.cend());
  const std::string script =
      "<script>const two = n => String(n).padStart(2, '0');"
      "for (const td of document.querySelectorAll('td[data-ms]')) {"
      " const d = new Date(Number(td.dataset.ms));"
      " td.textContent = two(d.getMonth() + 1) + '/' + two(d.getDate()) + '/' + d.getFullYear() +"
      " ', ' + two(d.getHours()) + ':' + two(d.getMinutes()) + ':' + two(d.getSeconds()); }"
      "</script>";
  out.insert(out.rfind("</body>"), script);
  return out;
}

TEST_F(KzscrapeRender, ScriptFormattedTimesKeepThePagesZoneOnAUtcHost) {
  std::vector<int64_t> epochs;
  const std::string page = page_with_script_formatted_times(epochs);
  ASSERT_EQ(epochs.size(), 60u);
  server_.set("/observer", {Step::ok(page)});
  std::string expected;
  for (int64_t at : epochs) expected += (expected.empty() ? "" : ",") + std::to_string(at);
  for (const char* zone : {"+05:00", "-03:30"}) {
    std::filesystem::remove(db_);
    const auto run = kzscrape(
        {"--url", server_.url("/observer"), "--db", db_, "--render", "always", "--page-tz", zone},
        {{"TMPDIR", dir_.string()}, {"TZ", "UTC"}});
    if (std::string(zone) == "-03:30") {
      // No zone Chromium takes keeps -03:30 all year: refused, nothing stored.
      EXPECT_EQ(run.exit_code, 2) << run.err;
      EXPECT_NE(run.err.find("UTC-03:30"), std::string::npos) << run.err;
      EXPECT_EQ(count("SELECT count(*) FROM worker_sample"), 0);
      continue;
    }
    ASSERT_EQ(run.exit_code, 0) << zone << ": " << run.err;
    EXPECT_EQ(text("SELECT group_concat(last_share_at, ',') FROM"
                   " (SELECT last_share_at FROM worker_sample ORDER BY last_share_at)"),
              expected)
        << zone;
  }
}

TEST_F(KzscrapeRender, EachConfigPoolRendersInItsOwnZone) {
  std::vector<int64_t> epochs;
  const std::string page = page_with_script_formatted_times(epochs);
  server_.set("/a", {Step::ok(page)});
  server_.set("/b", {Step::ok(page)});
  const auto config = dir_ / "pools.json";
  std::ofstream(config) << nlohmann::json{
      {"pools",
       {{{"account_name", "A"}, {"observer_url", server_.url("/a")}, {"page_tz", "+05:30"}},
        {{"account_name", "B"},
         {"observer_url", server_.url("/b")},
         {"page_tz",
          "-07:00"}}}}}.dump();
  const auto run = kzscrape({"--config", config.string(), "--db", db_, "--render", "always"},
                            {{"TMPDIR", dir_.string()}, {"TZ", "UTC"}});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::string expected;
  for (int64_t at : epochs) expected += (expected.empty() ? "" : ",") + std::to_string(at);
  for (const char* pool : {"/a", "/b"}) {
    EXPECT_EQ(text("SELECT group_concat(last_share_at, ',') FROM (SELECT ws.last_share_at FROM"
                   " worker_sample ws JOIN snapshot s ON ws.sample_key >> 24 = s.id JOIN pool p"
                   " ON p.id = s.pool_id WHERE p.observer_url = '" +
                   server_.url(pool) + "' ORDER BY ws.last_share_at)"),
              expected)
        << pool;
  }
}

}  // namespace
}  // namespace kz::test
