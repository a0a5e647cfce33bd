#include "scrape/antpool/call_budget.hpp"

#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "common/sha256.hpp"

namespace kz {
namespace {

using namespace std::chrono;
namespace fs = std::filesystem;

// A clock the test sets to the millisecond, forwards or backwards.
class ManualClock : public Clock {
 public:
  explicit ManualClock(TimePointMs now) : now_(now) {}
  TimePoint now() const override { return floor<seconds>(now_); }
  TimePointMs now_ms() const override { return now_; }
  void set(TimePointMs now) { now_ = now; }
  void advance(milliseconds by) { now_ += by; }

 private:
  TimePointMs now_;
};

struct Row {
  int64_t id;
  int64_t called_at_ms;
  std::string key_account;
  int64_t nonce;
};

class CallBudgetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (fs::temp_directory_path() /
             ("kz_budget_" + std::to_string(::getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db"))
                .string();
    remove_files();
    cache_ = std::make_unique<Cache>(path_);
  }
  void TearDown() override {
    cache_.reset();
    remove_files();
  }
  void remove_files() {
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path_ + suffix);
  }

  std::vector<Row> rows() {
    std::vector<Row> out;
    SQLite::Statement select(
        cache_->db(), "SELECT id, called_at_ms, account_name, nonce FROM api_call ORDER BY id");
    while (select.executeStep()) {
      out.push_back({select.getColumn(0).getInt64(), select.getColumn(1).getInt64(),
                     select.getColumn(2).getString(), select.getColumn(3).getInt64()});
    }
    return out;
  }

  std::string path_;
  std::unique_ptr<Cache> cache_;
};

CallRequest request_for(const std::string& account, Tier tier = Tier::overview) {
  return {"accountOverview.htm", account, sha256_hex("key of " + account), tier};
}

// The most rows stamped in any half-open window of `window_ms` (every window that holds the
// most starts just after some row's time, so those are the windows to check).
int64_t busiest_window(std::vector<int64_t> times, int64_t window_ms) {
  std::sort(times.begin(), times.end());
  int64_t most = 0;
  for (size_t i = 0; i < times.size(); ++i) {
    const auto end = std::lower_bound(times.begin(), times.end(), times[i] + window_ms);
    most = std::max<int64_t>(most, end - (times.begin() + static_cast<std::ptrdiff_t>(i)));
  }
  return most;
}

// Nonces of every account's key strictly increase in the order the slots were given.
void expect_nonces_increase_per_key(const std::vector<Row>& rows) {
  std::map<std::string, int64_t> last;
  for (const Row& row : rows) {
    const auto it = last.find(row.key_account);
    if (it != last.end()) {
      EXPECT_GT(row.nonce, it->second) << "call " << row.id << " of " << row.key_account;
    }
    last[row.key_account] = row.nonce;
  }
}

TEST_F(CallBudgetTest, GeneratedPatternsNeverExceedTheWindowAndRefuseOnlyWhenFull) {
  std::mt19937 random(12);
  for (int pattern = 0; pattern < 8; ++pattern) {
    cache_->db().exec("DELETE FROM api_call; DELETE FROM api_nonce");
    const int calls = std::uniform_int_distribution<int>(1, 40)(random);
    const seconds window{std::uniform_int_distribution<int>(5, 900)(random)};
    ManualClock clock(sys_days{2026y / November / 30} + hours{pattern});
    CallBudget budget(*cache_, calls, window, clock);
    const int64_t window_ms = duration_cast<milliseconds>(window).count();
    std::vector<int64_t> taken;
    for (int step = 0; step < 150; ++step) {
      // Bursts, pauses shorter and longer than the window, several calls in one millisecond.
      clock.advance(milliseconds{std::uniform_int_distribution<int64_t>(0, window_ms / 3)(random)});
      const int burst = std::uniform_int_distribution<int>(1, 6)(random);
      for (int i = 0; i < burst; ++i) {
        const int64_t now = clock.now_ms().time_since_epoch().count();
        const auto in_window = std::count_if(taken.begin(), taken.end(),
                                             [&](int64_t t) { return t > now - window_ms; });
        ASSERT_EQ(budget.remaining(), std::max<int64_t>(0, calls - in_window));
        const auto slot = budget.reserve(request_for("antpool_00" + std::to_string(i % 3)));
        EXPECT_EQ(slot.has_value(), in_window < calls) << "pattern " << pattern;
        if (slot) taken.push_back(now);
      }
    }
    const std::vector<Row> stored = rows();
    ASSERT_EQ(stored.size(), taken.size());
    std::vector<int64_t> times;
    for (const Row& row : stored) times.push_back(row.called_at_ms);
    EXPECT_LE(busiest_window(times, window_ms), calls) << "pattern " << pattern;
    EXPECT_GT(taken.size(), static_cast<size_t>(calls)) << "the pattern should fill the window";
    expect_nonces_increase_per_key(stored);
  }
}

TEST_F(CallBudgetTest, TheWindowRolls) {
  for (const int calls : {1, 3, 10}) {
    cache_->db().exec("DELETE FROM api_call");
    ManualClock clock(sys_days{2026y / November / 30} + 1000s * calls);
    CallBudget budget(*cache_, calls, 600s, clock);
    for (int i = 0; i < calls; ++i) {
      ASSERT_TRUE(budget.reserve(request_for("a")));
      EXPECT_EQ(budget.remaining(), calls - i - 1);
      clock.advance(1s);
    }
    EXPECT_FALSE(budget.reserve(request_for("a")));
    // The first slot leaves the window exactly `window` after it was taken, not before.
    clock.advance(600s - seconds{calls} - 1ms);
    EXPECT_EQ(budget.remaining(), 0);
    EXPECT_FALSE(budget.reserve(request_for("a")));
    clock.advance(1ms);
    EXPECT_EQ(budget.remaining(), 1);
    EXPECT_TRUE(budget.reserve(request_for("a")));
    EXPECT_EQ(budget.remaining(), 0);
  }
}

TEST_F(CallBudgetTest, NoncesIncreasePerKeyWhenTheClockStallsOrGoesBack) {
  const TimePointMs start = sys_days{2026y / November / 30} + 12h + 123ms;
  ManualClock clock(start);
  CallBudget budget(*cache_, 10000, 600s, clock);
  std::mt19937 random(7);
  std::map<std::string, int64_t> last;
  for (int i = 0; i < 400; ++i) {
    // Mostly the same millisecond, sometimes seconds back (an NTP step), sometimes forward.
    const int move = std::uniform_int_distribution<int>(0, 9)(random);
    if (move == 0)
      clock.advance(-milliseconds{std::uniform_int_distribution<int>(1, 5000)(random)});
    if (move == 1) clock.advance(milliseconds{std::uniform_int_distribution<int>(1, 50)(random)});
    const std::string account = "antpool_" + std::to_string(i % 4);
    const auto slot = budget.reserve(request_for(account));
    ASSERT_TRUE(slot);
    const int64_t now = clock.now_ms().time_since_epoch().count();
    EXPECT_GE(slot->nonce, now);
    if (last.count(account)) {
      EXPECT_GT(slot->nonce, last[account]);
    }
    // A key's first nonce is the time itself, later ones the time unless that is not above.
    const int64_t expected = last.count(account) ? std::max(now, last[account] + 1) : now;
    EXPECT_EQ(slot->nonce, expected);
    last[account] = slot->nonce;
  }
  // The cache keeps each key's last nonce, never the key itself.
  for (const auto& [account, nonce] : last) {
    SQLite::Statement select(cache_->db(), "SELECT last_nonce FROM api_nonce WHERE key_sha256 = ?");
    select.bind(1, sha256_hex("key of " + account));
    ASSERT_TRUE(select.executeStep());
    EXPECT_EQ(select.getColumn(0).getInt64(), nonce);
  }
  // A new CallBudget (the next run) continues above the stored nonces.
  clock.set(start - 1h);
  CallBudget next_run(*cache_, 10000, 600s, clock);
  const auto slot = next_run.reserve(request_for("antpool_0"));
  ASSERT_TRUE(slot);
  EXPECT_EQ(slot->nonce, last["antpool_0"] + 1);
}

TEST_F(CallBudgetTest, RecordFillsTheRowAndTheViewsReadIt) {
  const TimePointMs now = time_point_cast<milliseconds>(system_clock::now());
  ManualClock clock(now - 10s);
  CallBudget budget(*cache_, 7, 600s, clock);
  const auto ok = budget.reserve(request_for("antpool_001", Tier::workers));
  clock.advance(250ms);
  const auto failed = budget.reserve(request_for("antpool_002", Tier::daily));
  clock.advance(1s);
  const auto unanswered = budget.reserve(request_for("antpool_003"));
  ASSERT_TRUE(ok && failed && unanswered);
  budget.record(*ok, {200, 0, 312, ""});
  budget.record(*failed, {200, -7, 95, "code -7: user_id must be the account name"});
  budget.record(*unanswered, {std::nullopt, std::nullopt, 10000, "timeout"});

  SQLite::Statement calls(cache_->db(),
                          "SELECT called_at, endpoint, account_name, tier, http_status, api_code,"
                          " duration_ms, error FROM v_api_calls");
  ASSERT_TRUE(calls.executeStep());  // newest first
  EXPECT_EQ(calls.getColumn(2).getString(), "antpool_003");
  EXPECT_TRUE(calls.getColumn(4).isNull());
  EXPECT_TRUE(calls.getColumn(5).isNull());
  EXPECT_EQ(calls.getColumn(6).getInt64(), 10000);
  EXPECT_EQ(calls.getColumn(7).getString(), "timeout");
  ASSERT_TRUE(calls.executeStep());
  EXPECT_EQ(calls.getColumn(0).getString(), format_utc_ms(now - 10s + 250ms));
  EXPECT_EQ(calls.getColumn(1).getString(), "accountOverview.htm");
  EXPECT_EQ(calls.getColumn(3).getInt(), 4);
  EXPECT_EQ(calls.getColumn(4).getInt(), 200);
  EXPECT_EQ(calls.getColumn(5).getInt(), -7);
  EXPECT_EQ(calls.getColumn(6).getInt64(), 95);
  ASSERT_TRUE(calls.executeStep());
  EXPECT_EQ(calls.getColumn(2).getString(), "antpool_001");
  EXPECT_EQ(calls.getColumn(3).getInt(), 2);
  EXPECT_EQ(calls.getColumn(5).getInt(), 0);
  EXPECT_TRUE(calls.getColumn(7).isNull()) << "a success has no error";
  EXPECT_FALSE(calls.executeStep());

  // v_api_budget counts against the real time: the three calls are seconds old.
  SQLite::Statement view(
      cache_->db(), "SELECT budget_calls, window_s, calls_in_window, remaining FROM v_api_budget");
  ASSERT_TRUE(view.executeStep());
  EXPECT_EQ(view.getColumn(0).getInt(), 7);
  EXPECT_EQ(view.getColumn(1).getInt(), 600);
  EXPECT_EQ(view.getColumn(2).getInt(), 3);
  EXPECT_EQ(view.getColumn(3).getInt(), 4);
  EXPECT_FALSE(view.executeStep());
  // The next run's budget setting replaces the last one.
  CallBudget smaller(*cache_, 2, 60s, clock);
  ASSERT_FALSE(smaller.reserve(request_for("antpool_001")));
  EXPECT_EQ(cache_->db().execAndGet("SELECT remaining FROM v_api_budget").getInt(), 0);
  EXPECT_EQ(cache_->db().execAndGet("SELECT count(*) FROM api_budget_setting").getInt(), 1);
}

TEST_F(CallBudgetTest, BadBudgetIsAUsageError) {
  ManualClock clock(sys_days{2026y / November / 30});
  for (const auto& [calls, window] :
       std::vector<std::pair<int, seconds>>{{0, 600s}, {-1, 600s}, {5, 0s}}) {
    try {
      CallBudget budget(*cache_, calls, window, clock);
      ADD_FAILURE() << calls << " calls in " << window.count() << " s accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::usage);
    }
  }
}

// Two processes reserving as fast as they can from one cache file, with the real clock.
TEST_F(CallBudgetTest, TwoProcessesShareOneBudget) {
  constexpr int kCalls = 40;
  constexpr seconds kWindow{1};
  cache_.reset();  // each child opens its own connection
  std::vector<pid_t> children;
  for (int child = 0; child < 2; ++child) {
    const pid_t pid = ::fork();
    ASSERT_NE(pid, -1);
    if (pid == 0) {
      int status = 0;
      try {
        Cache cache(path_);
        SystemClock clock;
        CallBudget budget(cache, kCalls, kWindow, clock);
        const auto until = steady_clock::now() + 2500ms;
        int taken = 0;
        while (steady_clock::now() < until) {
          // Both children share key "shared"; each has its own key too.
          const std::string account = taken % 2 ? "shared" : "own_" + std::to_string(child);
          if (budget.reserve(request_for(account))) ++taken;
        }
        status = taken > 0 ? 0 : 3;
      } catch (const std::exception& e) {
        std::fprintf(stderr, "child %d: %s\n", child, e.what());
        status = 2;
      }
      ::_exit(status);
    }
    children.push_back(pid);
  }
  for (const pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "a child failed or never got a slot";
  }
  cache_ = std::make_unique<Cache>(path_);
  const std::vector<Row> stored = rows();
  std::vector<int64_t> times;
  for (const Row& row : stored) times.push_back(row.called_at_ms);
  EXPECT_LE(busiest_window(times, duration_cast<milliseconds>(kWindow).count()), kCalls);
  EXPECT_GE(stored.size(), static_cast<size_t>(kCalls)) << "the children should fill the budget";
  expect_nonces_increase_per_key(stored);
  std::map<std::string, std::vector<int64_t>> per_key;
  for (const Row& row : stored) per_key[row.key_account].push_back(row.nonce);
  EXPECT_EQ(per_key.size(), 3u);
  for (auto& [account, nonces] : per_key) {
    std::sort(nonces.begin(), nonces.end());
    EXPECT_EQ(std::adjacent_find(nonces.begin(), nonces.end()), nonces.end()) << account;
  }
  // Slots were stamped in the order they were given: a later slot never carries an earlier time.
  EXPECT_TRUE(std::is_sorted(times.begin(), times.end()));
}

}  // namespace
}  // namespace kz
