// The real kzscrape binary stores a saved observer page, the real kzupload binary sends it:
// what lands in PostgreSQL must match the page's truth file.
#include <cmath>
#include <nlohmann/json.hpp>

#include "common/units.hpp"
#include "upload/row_mapping.hpp"
#include "upload/stand_in_fixture.hpp"
#include "upload/supabase_mirror.hpp"

namespace kz::test {
namespace {

class ScrapeThenUpload : public StandInTest, public ::testing::WithParamInterface<const char*> {};

nlohmann::json truth(const std::string& page) {
  std::ifstream in(std::string(KZ_TEST_DATA_DIR) + "/" + page + ".truth.json");
  return nlohmann::json::parse(in);
}

TEST_P(ScrapeThenUpload, RowsMatchThePage) {
  const std::string page = GetParam();
  const nlohmann::json expected = truth(page);
  filler_.reset();  // kzscrape makes the cache
  std::filesystem::remove(db_path_);
  const auto scrape = run_process({KZSCRAPE_PATH, "--url",
                                   "file://" + std::string(KZ_TEST_DATA_DIR) + "/" + page + ".html",
                                   "--db", db_path_, "--account", "KZPool_001", "--quiet"});
  ASSERT_EQ(scrape.exit_code, 0) << scrape.err;
  const auto env = supabase_env(supabase().service_key());
  const auto r = kzupload({"--account", "KZPool_001", "--quiet"}, env);
  ASSERT_EQ(r.exit_code, 0) << r.err;

  EXPECT_EQ(value("SELECT concat_ws(' ', balance, earn_24_hours) FROM accounts"),
            format_btc(expected["balance_sat"]) + " " + format_btc(expected["last_income_sat"]));
  double hour_sum = 0;
  for (const auto& worker : expected["workers"])
    hour_sum += worker["hashrate_1h_ths"].get<double>();
  const auto workers = expected["workers"].size();
  EXPECT_EQ(value("SELECT concat_ws(' ', hashrate_10m, hashrate_1h, hashrate_1d, worker_count,"
                  " active_workers) FROM hashrates"),
            std::to_string(std::llround(expected["current_hashrate_ths"].get<double>())) + " " +
                std::to_string(std::llround(hour_sum)) + " " +
                std::to_string(std::llround(expected["avg_hashrate_24h_ths"].get<double>())) + " " +
                std::to_string(workers) + " " +
                std::to_string(expected["online_workers"].get<int>()));
  EXPECT_EQ(count("devices"), static_cast<long>(workers));
  for (const auto& name : expected["offline_names"]) {
    const std::string id = device_id("KZPool_001", name.get<std::string>());
    EXPECT_EQ(value("SELECT status FROM devices WHERE device_id = '" + id + "'"), "offline") << id;
  }
  EXPECT_EQ(count("SELECT count(*) FROM devices WHERE status = 'offline'"),
            static_cast<long>(expected["offline_names"].size()));
  EXPECT_EQ(count("income_tracking"), static_cast<long>(expected["earnings"].size()));
  for (const auto& day : expected["earnings"]) {
    EXPECT_EQ(value("SELECT btc_amount FROM income_tracking WHERE date = '" +
                    us_date(day["date"].get<std::string>()) + "'"),
              format_btc(day["total_income_sat"]));
  }
  EXPECT_EQ(value("SELECT count(*) FROM alerts WHERE alert_type = 'offline_workers'"),
            expected["offline_workers"].get<int>() > 0 ? "1" : "0");

  supabase().requests().clear();
  EXPECT_EQ(kzupload({"--account", "KZPool_001"}, env).exit_code, 0);
  EXPECT_TRUE(posts().empty());
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
}

INSTANTIATE_TEST_SUITE_P(SavedPages, ScrapeThenUpload,
                         ::testing::Values("observer_en_60", "observer_ru_200"));

}  // namespace
}  // namespace kz::test
