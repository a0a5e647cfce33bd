#include "upload/device_ids.hpp"

#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "scrape/snapshot_store.hpp"
#include "upload/pending_rows.hpp"
#include "upload/row_mapping.hpp"

namespace kz {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono;

// Warning lines written while it lives.
class CapturedLog {
 public:
  CapturedLog() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(text_);
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("captured", sink));
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  std::string text() const { return text_.str(); }

 private:
  std::ostringstream text_;
  std::shared_ptr<spdlog::logger> previous_;
};

class DeviceIdsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (fs::temp_directory_path() /
             ("kz_device_ids_" + std::to_string(::getpid()) + "_" +
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
  void reopen() {
    cache_.reset();
    cache_ = std::make_unique<Cache>(path_);
  }

  // kzscrape's way: the pool labelled `account`, a snapshot listing `workers` in order.
  int64_t scrape(const std::string& account, const std::vector<std::string>& workers) {
    SnapshotStore store(*cache_);
    ObserverPage page;
    for (const std::string& name : workers) {
      page.workers.push_back({name, WorkerStatus::online, 1e12, 1e12, 1e12, std::nullopt});
      ++page.online_workers;
    }
    int64_t pool = 0;
    cache_->write_transaction([&] {
      pool = store.ensure_pool("https://btcpool.kz/observer/" + account, account, at_);
      store.insert_snapshot(pool, page, at_, minutes{300});
    });
    at_ += minutes{10};
    return pool;
  }

  // worker name -> device id, of every worker of the cache's pool labelled `account`.
  std::map<std::string, std::string> ids(const std::string& account) {
    std::map<std::string, std::string> out;
    SQLite::Statement select(cache_->db(),
                             "SELECT w.name, w.device_id FROM worker w JOIN pool p"
                             " ON p.id = w.pool_id WHERE p.account_name = ?");
    select.bind(1, account);
    while (select.executeStep()) {
      out[select.getColumn(0).getString()] =
          select.getColumn(1).isNull() ? "" : select.getColumn(1).getString();
    }
    return out;
  }

  std::set<std::string> all_ids() {
    std::set<std::string> out;
    SQLite::Statement select(cache_->db(), "SELECT device_id FROM worker");
    while (select.executeStep()) out.insert(select.getColumn(0).getString());
    return out;
  }
  int64_t workers() { return cache_->db().execAndGet("SELECT count(*) FROM worker").getInt64(); }

  std::string path_;
  std::unique_ptr<Cache> cache_;
  TimePoint at_ = sys_days{2026y / November / 22} + 10h;
};

bool is_hex(const std::string& text) {
  return !text.empty() && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// Every mix of spaces and underscores between the parts of a few names.
std::vector<std::string> space_mixes(const std::vector<std::string>& parts) {
  std::vector<std::string> names;
  const std::size_t gaps = parts.size() - 1;
  for (unsigned mask = 0; mask < (1U << gaps); ++mask) {
    std::string name = parts[0];
    for (std::size_t i = 0; i < gaps; ++i) name += ((mask >> i) & 1 ? "_" : " ") + parts[i + 1];
    names.push_back(name);
  }
  return names;
}

TEST_F(DeviceIdsTest, UnambiguousWorkersKeepTheOriginalFormat) {
  const int64_t pool = scrape("KZPool_001", {"rig 01", "rig-02", "kz01x001"});
  assign_device_ids(*cache_, pool, "KZPool_001");
  EXPECT_EQ(ids("KZPool_001"),
            (std::map<std::string, std::string>{{"rig 01", "KZ_KZPool_001_rig_01"},
                                                {"rig-02", "KZ_KZPool_001_rig-02"},
                                                {"kz01x001", "KZ_KZPool_001_kz01x001"}}));
}

// The first-seen worker keeps the plain id; each later one gets the plain id with a suffix of
// hex digits, and a warning naming both workers.
TEST_F(DeviceIdsTest, SpaceAndUnderscoreMixesBecomeDistinctDevices) {
  for (const std::vector<std::string>& parts : std::vector<std::vector<std::string>>{
           {"rack", "1"}, {"rack", "1", "a"}, {"r", "2", "b", "c"}}) {
    const std::vector<std::string> names = space_mixes(parts);
    const std::string account = "Acc " + std::to_string(parts.size());
    const int64_t pool = scrape(account, names);
    CapturedLog log;
    assign_device_ids(*cache_, pool, account);
    const auto assigned = ids(account);
    const std::string plain = device_id(account, names[0]);
    EXPECT_EQ(assigned.at(names[0]), plain);
    std::set<std::string> distinct;
    for (const std::string& name : names) {
      const std::string& id = assigned.at(name);
      distinct.insert(id);
      if (name == names[0]) continue;
      ASSERT_TRUE(id.starts_with(plain + "_")) << id;
      EXPECT_TRUE(is_hex(id.substr(plain.size() + 1))) << id;
      EXPECT_NE(log.text().find("'" + name + "'"), std::string::npos) << log.text();
      EXPECT_NE(log.text().find(id), std::string::npos) << log.text();
    }
    EXPECT_EQ(distinct.size(), names.size());
    EXPECT_NE(log.text().find("'" + names[0] + "'"), std::string::npos) << log.text();
  }
  EXPECT_EQ(all_ids().size(), static_cast<std::size_t>(workers()));
}

TEST_F(DeviceIdsTest, AccountAndWorkerSplitDifferentlyAreTwoDevices) {
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"A_B", "C"}, {"A", "B_C"}, {"A B", "C"}, {"A", "B C"}, {"A B_C", "x"}};
  std::vector<int64_t> pools;
  for (const auto& [account, worker] : pairs) pools.push_back(scrape(account, {worker}));
  for (std::size_t i = 0; i < pairs.size(); ++i)
    assign_device_ids(*cache_, pools[i], pairs[i].first);
  EXPECT_EQ(ids("A_B").at("C"), "KZ_A_B_C");
  EXPECT_EQ(ids("A B_C").at("x"), "KZ_A_B_C_x");  // no clash: the plain id
  for (std::size_t i = 1; i + 1 < pairs.size(); ++i) {
    const std::string id = ids(pairs[i].first).at(pairs[i].second);
    EXPECT_TRUE(id.starts_with(device_id(pairs[i].first, pairs[i].second) + "_")) << id;
  }
  EXPECT_EQ(all_ids().size(), pairs.size());
}

TEST_F(DeviceIdsTest, IdsAreStableAcrossCallsReopeningAndLaterClashes) {
  const std::vector<std::string> first_names = {"rack 1", "rack_1", "rack 2"};
  const int64_t pool = scrape("A", first_names);
  assign_device_ids(*cache_, pool, "A");
  const auto before = ids("A");
  assign_device_ids(*cache_, pool, "A");
  EXPECT_EQ(ids("A"), before);
  reopen();
  assign_device_ids(*cache_, pool, "A");
  EXPECT_EQ(ids("A"), before);

  // New workers whose plain ids clash with the assigned ones, including one whose raw name is
  // another's suffixed id: the assigned ids stay, the newcomers get ids of their own.
  const std::string suffixed = before.at("rack_1");
  ASSERT_NE(suffixed, "KZ_A_rack_1");
  const std::string named_like_it = suffixed.substr(std::string("KZ_A_").size());
  scrape("A", {"rack_2", named_like_it, "rack 1 "});
  assign_device_ids(*cache_, pool, "A");
  const auto after = ids("A");
  for (const auto& [name, id] : before) EXPECT_EQ(after.at(name), id) << name;
  EXPECT_NE(after.at(named_like_it), suffixed);
  EXPECT_TRUE(after.at(named_like_it).starts_with(suffixed + "_")) << after.at(named_like_it);
  EXPECT_EQ(all_ids().size(), static_cast<std::size_t>(workers()));

  // The suffix comes from the names, not from the cache: another cache with the same workers
  // gives the same ids.
  const std::string other = path_ + "-other";
  {
    Cache fresh(other);
    SnapshotStore store(fresh);
    ObserverPage page;
    for (const std::string& name : first_names)
      page.workers.push_back({name, WorkerStatus::online, 1e12, 1e12, 1e12, std::nullopt});
    int64_t fresh_pool = 0;
    fresh.write_transaction([&] {
      fresh_pool = store.ensure_pool("https://btcpool.kz/observer/A", "A", at_);
      store.insert_snapshot(fresh_pool, page, at_, minutes{300});
    });
    assign_device_ids(fresh, fresh_pool, "A");
    SQLite::Statement select(fresh.db(), "SELECT name, device_id FROM worker");
    while (select.executeStep())
      EXPECT_EQ(select.getColumn(1).getString(), before.at(select.getColumn(0).getString()));
  }
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(other + suffix);
}

// When the short suffix is taken too, a longer one of the same hash.
TEST_F(DeviceIdsTest, ATakenSuffixGivesALongerOne) {
  int64_t pool = scrape("A", {"w_1", "w 1"});
  assign_device_ids(*cache_, pool, "A");
  const std::string short_id = ids("A").at("w 1");
  ASSERT_EQ(short_id.size(), std::string("KZ_A_w_1_").size() + 6) << short_id;
  cache_->db().exec("DELETE FROM worker_sample");
  cache_->db().exec("DELETE FROM worker");
  const std::string named_like_it = short_id.substr(std::string("KZ_A_").size());
  pool = scrape("A", {"w_1", named_like_it, "w 1"});
  assign_device_ids(*cache_, pool, "A");
  const auto assigned = ids("A");
  EXPECT_EQ(assigned.at(named_like_it), short_id);
  EXPECT_TRUE(assigned.at("w 1").starts_with(short_id)) << assigned.at("w 1");
  EXPECT_EQ(assigned.at("w 1").size(), short_id.size() + 2);
}

TEST_F(DeviceIdsTest, ThreeWayClash) {
  const int64_t a = scrape("X", {"m 1"});
  const int64_t b = scrape("X_m", {"1"});
  const int64_t c = scrape("X", {"m_1"});
  for (int64_t pool : {a, b, c}) {
    SQLite::Statement account(cache_->db(), "SELECT account_name FROM pool WHERE id = ?");
    account.bind(1, pool);
    ASSERT_TRUE(account.executeStep());
    assign_device_ids(*cache_, pool, account.getColumn(0).getString());
  }
  EXPECT_EQ(ids("X").at("m 1"), "KZ_X_m_1");
  EXPECT_NE(ids("X_m").at("1"), ids("X").at("m_1"));
  EXPECT_EQ(all_ids().size(), 3U);
}

// PendingRows gives the stored id, or the plain one before any is stored (a dry run).
TEST_F(DeviceIdsTest, PendingRowsCarryTheDeviceId) {
  const int64_t pool = scrape("A", {"rack 1", "rack_1"});
  {
    PendingRows pending(*cache_, pool);
    for (const DeviceState& device : pending.next_devices(10))
      EXPECT_EQ(device.device_id, "KZ_A_rack_1") << device.name;
  }
  assign_device_ids(*cache_, pool, "A");
  const auto assigned = ids("A");
  PendingRows pending(*cache_, pool);
  const auto devices = pending.next_devices(10);
  ASSERT_EQ(devices.size(), 2U);
  for (const DeviceState& device : devices) EXPECT_EQ(device.device_id, assigned.at(device.name));
  AccountLabels labels{"A", std::nullopt, std::nullopt, std::nullopt, std::nullopt};
  for (const DeviceState& device : devices) {
    EXPECT_EQ(nlohmann::json::parse(device_row(labels, device, false))["device_id"],
              assigned.at(device.name));
  }
}

}  // namespace
}  // namespace kz
