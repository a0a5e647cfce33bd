// The daily summary's charts (issue 14): which pools get one, and a whole kznotify run against
// the local Telegram Bot API with the real gnuplot: the summary text, then one valid PNG per
// chosen pool; best effort when gnuplot is missing or a photo fails.

#include "notify/summary_charts.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <sstream>

#include "notify/channels/make_channel.hpp"
#include "notify/message_format.hpp"
#include "notify/notify_run.hpp"
#include "recording_channel.hpp"
#include "summary_fixture.hpp"
#include "support/notify/telegram_server.hpp"

namespace kz::test {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

constexpr const char* kToken = "7001234567:AAE-charts_Secret-token-0123456789";
constexpr const char* kChat = "-100555";

// Every log line of its lifetime, at every level.
class CapturedLog {
 public:
  CapturedLog() : previous_(spdlog::default_logger()) {
    auto logger = std::make_shared<spdlog::logger>(
        "captured", std::make_shared<spdlog::sinks::ostream_sink_mt>(text_));
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(logger);
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  std::vector<std::string> lines(const std::string& containing) const {
    std::vector<std::string> found;
    std::istringstream in(text_.str());
    for (std::string line; std::getline(in, line);) {
      if (line.find(containing) != std::string::npos) found.push_back(line);
    }
    return found;
  }

 private:
  std::ostringstream text_;
  std::shared_ptr<spdlog::logger> previous_;
};

// An environment variable set (or unset) for a scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    value ? ::setenv(name, value, 1) : ::unsetenv(name);
  }
  ~ScopedEnv() { old_ ? ::setenv(name_, old_->c_str(), 1) : ::unsetenv(name_); }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

struct GeneratedPool {
  std::string account;
  int64_t id = 0;
  bool in_window = true;  // has snapshots in the last 24 h
  seconds alert_time{0};  // expected, computed here from the generated periods
};

class SummaryChartsTest : public SummaryCacheTest {
 protected:
  void SetUp() override {
    SummaryCacheTest::SetUp();
    use_zone("UTC");
    settings_.daily_summary_at = LocalTime{6 * 60};
    settings_.min_duration = {};
    Destination telegram;
    telegram.name = "ops";
    telegram.type = "telegram";
    telegram.chat_id = kChat;
    telegram.api_url = server_.api_url();
    telegram.secrets.token = kToken;
    settings_.destinations = {telegram};
  }

  // Pools with 10-minute snapshots from the start of the summary's day (2026-11-30) to now
  // (2026-12-01 07:00), one with snapshots only before the charts' window, and random alert
  // periods: before the window, across its start, inside, still open.
  void generate(unsigned seed, int pools) {
    std::mt19937 random(seed);
    const sys_seconds day_start = sys_days{November / 30 / 2026};
    for (int p = 0; p < pools; ++p) {
      GeneratedPool pool;
      pool.account = "KZPool_" +
                     std::to_string(100 + std::uniform_int_distribution<int>(0, 899)(random)) +
                     "_" + std::to_string(p);
      pool.id = add_pool(pool.account, p % 2 ? "antpool" : "btcpool");
      pool.in_window = p != 0;
      const sys_seconds last = pool.in_window ? now_ - 10min : window_from() - 1h;
      for (sys_seconds t = day_start; t <= last; t += 10min) {
        snapshot(pool.id, t, std::uniform_real_distribution<double>(5e4, 2e5)(random));
      }
      const int alerts = std::uniform_int_distribution<int>(0, 4)(random);
      for (int a = 0; a < alerts; ++a) {
        const sys_seconds opened =
            day_start + seconds{std::uniform_int_distribution<int64_t>(0, 31 * 3600 - 60)(random)};
        std::optional<sys_seconds> resolved;
        if (std::bernoulli_distribution(0.7)(random)) {
          resolved = opened + seconds{std::uniform_int_distribution<int64_t>(60, 9 * 3600)(random)};
          if (*resolved >= now_) resolved.reset();
        }
        alert(pool.id, "worker_offline", "rig-" + std::to_string(a), opened, resolved);
        const sys_seconds from = std::max(opened, window_from());
        const sys_seconds to = std::min(resolved.value_or(now_), now_);
        if (pool.in_window && to > from) pool.alert_time += to - from;
      }
      pools_.push_back(pool);
    }
  }

  // The pools expected to get a chart, in order, at most `limit`.
  std::vector<GeneratedPool> expected(int limit) const {
    std::vector<GeneratedPool> out;
    for (const GeneratedPool& pool : pools_) {
      if (pool.in_window) out.push_back(pool);
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
      return a.alert_time != b.alert_time ? a.alert_time > b.alert_time : a.account < b.account;
    });
    if (out.size() > static_cast<size_t>(limit)) out.resize(static_cast<size_t>(limit));
    return out;
  }

  sys_seconds window_from() const { return now_ - 24h; }

  void snapshot(int64_t pool, sys_seconds at, double ghs) {
    SQLite::Statement insert(cache_->db(),
                             "INSERT INTO snapshot(pool_id, scraped_at, hashrate_current_ghs,"
                             " online_workers, offline_workers, listed_workers, workers_complete)"
                             " VALUES(?, ?, ?, 3, 1, 0, 0)");
    insert.bind(1, pool);
    insert.bind(2, format_utc_ms(at));
    insert.bind(3, ghs);
    insert.exec();
  }

  void alert(int64_t pool, const std::string& type, const std::string& subject, sys_seconds opened,
             std::optional<sys_seconds> resolved) {
    SQLite::Statement insert(cache_->db(),
                             "INSERT INTO alert(pool_id, alert_type, subject, severity, message,"
                             " opened_at, last_seen_at, resolved_at) VALUES(?, ?, ?, 'medium',"
                             " 'm', ?, ?, ?)");
    insert.bind(1, pool);
    insert.bind(2, type);
    insert.bind(3, subject);
    insert.bind(4, format_utc(opened));
    insert.bind(5, format_utc(resolved.value_or(now_)));
    if (resolved) {
      insert.bind(6, format_utc(*resolved));
    } else {
      insert.bind(6);
    }
    insert.exec();
  }

  std::vector<DestinationOutcome> run(bool dry_run = false) {
    ChannelSet channels(settings_);
    NotifyRunOptions options;
    options.dry_run = dry_run;
    std::ostringstream out;
    auto outcomes = run_notify(*cache_, settings_, channels.factory(), clock_, sleeper_.sleeper(),
                               options, out);
    printed_ = out.str();
    return outcomes;
  }

  int64_t summaries_sent() {
    SQLite::Statement select(cache_->db(), "SELECT count(*) FROM notify_summary");
    select.executeStep();
    return select.getColumn(0).getInt64();
  }

  sys_seconds now_ = sys_days{December / 1 / 2026} + 7h;
  FixedClock clock_{now_};
  AdvancingSleeper sleeper_{clock_, {}};
  TelegramServer server_{{kToken}};
  NotifySettings settings_;
  std::vector<GeneratedPool> pools_;
  std::string printed_;
};

TEST_F(SummaryChartsTest, PoolsWithTheMostAlertTimeComeFirstThenByAccount) {
  for (unsigned seed = 1; seed <= 8; ++seed) {
    pools_.clear();
    cache_->db().exec("DELETE FROM alert; DELETE FROM snapshot; DELETE FROM pool");
    generate(seed, 2 + static_cast<int>(seed % 5));
    Digest digest;
    for (const GeneratedPool& pool : pools_) {
      PoolSummary summary;
      summary.account_name = pool.account;
      digest.pools.push_back(summary);
    }
    for (int limit : {0, 1, 3, 10}) {
      const auto picked =
          pick_summary_chart_pools(cache_->db(), digest, summary_chart_window(now_), limit);
      const auto want = expected(limit);
      ASSERT_EQ(picked.size(), want.size()) << "seed " << seed << " limit " << limit;
      for (size_t i = 0; i < want.size(); ++i) {
        EXPECT_EQ(picked[i].pool.account, want[i].account) << "seed " << seed;
        EXPECT_EQ(picked[i].alert_time, want[i].alert_time) << want[i].account;
      }
    }
    // Only the summary's pools (the destination's routing).
    digest.pools.erase(digest.pools.begin() + 1);
    for (const auto& picked :
         pick_summary_chart_pools(cache_->db(), digest, summary_chart_window(now_), 10)) {
      EXPECT_NE(picked.pool.account, pools_[1].account);
    }
  }
}

TEST_F(SummaryChartsTest, TheSummaryTextThenOnePngPerChosenPool) {
  generate(42, 5);
  for (int limit : {3, 0, 1, 10}) {
    settings_.summary_charts = limit;
    cache_->db().exec("DELETE FROM notify_summary");
    const size_t before = server_.requests().size();
    const auto outcomes = run();
    ASSERT_EQ(outcomes.size(), 1u);
    EXPECT_EQ(outcomes[0].code, ExitCode::ok) << outcomes[0].error;
    EXPECT_EQ(summaries_sent(), 1);
    const auto requests = server_.requests();
    std::vector<TelegramRequest> photos;
    for (size_t i = before; i < requests.size(); ++i) {
      EXPECT_EQ(requests[i].http_status, 200) << requests[i].description;
      if (requests[i].method == "sendPhoto") photos.push_back(requests[i]);
    }
    const auto want = expected(limit);
    ASSERT_EQ(photos.size(), want.size()) << "summary_charts " << limit;
    ASSERT_GE(requests.size(), before + 1 + want.size());
    const TelegramRequest& text = requests[requests.size() - want.size() - 1];
    EXPECT_EQ(text.method, "sendMessage");
    EXPECT_NE(text.text.find("2026-11-30"), std::string::npos) << text.text;
    const auto received = server_.photos();
    ASSERT_GE(received.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      const TelegramPhoto& photo = received[received.size() - want.size() + i];
      EXPECT_EQ(photo.chat_id, kChat);
      const auto size = png_dimensions(photo.photo);
      ASSERT_TRUE(size) << "not a PNG: " << photo.photo.substr(0, 16);
      EXPECT_EQ(size->first, 800u);
      EXPECT_EQ(size->second, 300u);
      EXPECT_EQ(photo.plain_caption.rfind(
                    want[i].account + ": hashrate, 24 h to 2026-12-01 07:00 UTC: average ", 0),
                0u)
          << photo.plain_caption;
      const std::string alerts = want[i].alert_time.count() > 0
                                     ? "; alerts open " + format_duration(want[i].alert_time)
                                     : "; no alerts";
      EXPECT_NE(photo.plain_caption.find(alerts), std::string::npos) << photo.plain_caption;
    }
  }
  // Sent once: the next run sends neither the summary nor its charts again.
  const size_t before = server_.requests().size();
  EXPECT_EQ(run()[0].code, ExitCode::ok);
  EXPECT_EQ(server_.requests().size(), before);
}

TEST_F(SummaryChartsTest, WithoutGnuplotTheTextGoesWithOneWarning) {
  generate(7, 4);
  const std::filesystem::path empty =
      std::filesystem::temp_directory_path() / ("kz-no-gnuplot-" + std::to_string(::getpid()));
  std::filesystem::create_directories(empty);
  std::vector<DestinationOutcome> outcomes;
  CapturedLog log;
  {
    ScopedEnv path("PATH", empty.c_str());
    ScopedEnv gnuplot("KZ_GNUPLOT", nullptr);
    outcomes = run();
  }
  std::filesystem::remove_all(empty);
  EXPECT_EQ(notify_exit_code(outcomes), ExitCode::ok) << outcomes[0].error;
  ASSERT_FALSE(server_.messages().empty());
  EXPECT_NE(server_.messages().back().text.find("2026-11-30"), std::string::npos);
  EXPECT_TRUE(server_.photos().empty());
  EXPECT_EQ(summaries_sent(), 1);
  const auto warnings = log.lines("[warning]");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("gnuplot"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("apt install gnuplot-nox"), std::string::npos) << warnings[0];
  EXPECT_TRUE(log.lines("[error]").empty());
}

TEST_F(SummaryChartsTest, AFailingPhotoWarnsOnceAndNothingIsResent) {
  generate(9, 4);
  int photo_attempts = 0;
  server_.set_override([&](const TelegramRequest& request) -> std::optional<TelegramReply> {
    if (request.method != "sendPhoto") return std::nullopt;
    ++photo_attempts;
    return telegram_error(400, "Bad Request: IMAGE_PROCESS_FAILED");
  });
  CapturedLog log;
  const auto outcomes = run();
  EXPECT_EQ(notify_exit_code(outcomes), ExitCode::ok) << outcomes[0].error;
  EXPECT_EQ(photo_attempts, 1);  // a refusal ends the charts
  const auto warnings = log.lines("[warning]");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("0 of 3 chart(s)"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("IMAGE_PROCESS_FAILED"), std::string::npos) << warnings[0];
  EXPECT_EQ(warnings[0].find(kToken), std::string::npos);
  EXPECT_EQ(summaries_sent(), 1);
  server_.set_override({});
  const size_t before = server_.requests().size();
  run();
  EXPECT_EQ(server_.requests().size(), before);
}

TEST_F(SummaryChartsTest, ARateLimitedPhotoIsWaitedOut) {
  generate(11, 3);
  int limited = 0;
  server_.set_override([&](const TelegramRequest& request) -> std::optional<TelegramReply> {
    if (request.method != "sendPhoto" || limited++ > 0) return std::nullopt;
    TelegramReply reply =
        telegram_error(429, "Too Many Requests: retry after 4", R"({"retry_after":4})");
    return reply;
  });
  const auto outcomes = run();
  EXPECT_EQ(notify_exit_code(outcomes), ExitCode::ok) << outcomes[0].error;
  EXPECT_EQ(server_.photos().size(), expected(3).size());
  ASSERT_FALSE(sleeper_.waits.empty());
  EXPECT_EQ(sleeper_.waits.back(), 4s);
}

TEST_F(SummaryChartsTest, ADryRunNamesTheChartsAndSendsNothing) {
  generate(5, 4);
  run(/*dry_run=*/true);
  EXPECT_TRUE(server_.requests().empty());
  EXPECT_EQ(summaries_sent(), 0);
  const auto want = expected(3);
  std::string names;
  for (const GeneratedPool& pool : want) {
    names += " " + pool.account + " (alerts open " + format_duration(pool.alert_time) + ")";
  }
  EXPECT_NE(printed_.find("then " + std::to_string(want.size()) +
                          " chart(s), hashrate over the last 24 h:" + names + "\n"),
            std::string::npos)
      << printed_;
}

}  // namespace
}  // namespace kz::test
