#include "report/csv_export.hpp"

#include <SQLiteCpp/Transaction.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "report/csv_writer.hpp"
#include "report/history_cache_fixture.hpp"
#include "report/report_cache.hpp"
#include "support/report/python_csv.hpp"

namespace kz {
namespace {

using namespace std::chrono;
using Rows = std::vector<std::vector<std::string>>;

class CsvExportTest : public test::HistoryCacheTest {};

const TimePoint kFrom = sys_days{2026y / November / 1};
const TimePoint kTo = sys_days{2026y / December / 1};
const ReportWindow kWindow{kFrom, kTo};

// Texts that CSV has to carry: separators, quotes, line ends, spaces a spreadsheet might trim,
// Cyrillic and emoji.
const std::vector<std::string> kPieces = {
    "rig-1",  ",", "\"",  "\"\"",       "\r", "\n",   "\r\n", "ферма №3",     "\t", " lead",
    "trail ", "",  "a,b", "say \"hi\"", "🔥",  "=1+1", "-5",   "line1\nline2", ";",  "'"};

std::string generated_text(std::mt19937& random) {
  std::string text;
  const int parts = std::uniform_int_distribution<int>(0, 4)(random);
  for (int i = 0; i < parts; ++i) {
    text += kPieces[std::uniform_int_distribution<size_t>(0, kPieces.size() - 1)(random)];
  }
  return text;
}

TEST(CsvWriterTest, PythonsCsvModuleReadsBackEveryGeneratedField) {
  for (unsigned seed = 1; seed <= 20; ++seed) {
    std::mt19937 random(seed);
    CsvWriter writer;
    Rows expected;
    const int lines = std::uniform_int_distribution<int>(1, 12)(random);
    for (int i = 0; i < lines; ++i) {
      std::vector<std::optional<std::string>> fields;
      std::vector<std::string> texts;
      const int count = std::uniform_int_distribution<int>(2, 7)(random);
      for (int f = 0; f < count; ++f) {
        if (std::uniform_int_distribution<int>(0, 6)(random) == 0) {
          fields.push_back(std::nullopt);
          texts.push_back("");
        } else {
          fields.push_back(generated_text(random));
          texts.push_back(*fields.back());
        }
      }
      writer.line(fields);
      expected.push_back(texts);
    }
    EXPECT_TRUE(writer.text().ends_with("\r\n"));
    EXPECT_EQ(test::read_csv_with_python(writer.text()), expected) << "seed " << seed;
  }
}

TEST_F(CsvExportTest, EveryTableOfAnEmptyCacheOrWindowIsItsHeaderAlone) {
  const std::vector<std::pair<CsvTable, std::string>> headers = {
      {CsvTable::income, "account,source,date,income_btc,pps_btc,pplns_btc,fpps_btc,hashrate_ths"},
      {CsvTable::payments, "account,source,paid_at,amount_btc,address,tx,payment_id"},
      {CsvTable::workers,
       "account,source,worker,samples,uptime_percent,avg_hashrate_ths,last_online_at"},
      {CsvTable::alerts,
       "account,source,alert_type,subject,severity,opened_at,last_seen_at,resolved_at,duration_s,"
       "message"}};
  for (const auto& [table, header] : headers) {
    EXPECT_EQ(export_csv(db(), table, kWindow), header + "\r\n");
  }
  // Data outside the window only.
  const int64_t pool = add_pool("p");
  add_income(pool, "2026-10-31", 5);
  add_income(pool, "2026-12-01", 5);
  add_payment(pool, "x", kTo, 5, "a", "t");
  add_payment(pool, "y", kFrom - 1s, 5, "a", "t");
  add_alert(pool, "t", "", "low", "m", kFrom - 2h, kFrom - 1h, kFrom);
  add_alert(pool, "t", "s", "low", "m", kTo, kTo, std::nullopt);
  add_snapshot(pool, TimePointMs{kTo}, 1, {{"w", true, 1}});
  add_snapshot(pool, TimePointMs{kFrom} - 1ms, 1, {{"w", true, 1}});
  for (const auto& [table, header] : headers) {
    EXPECT_EQ(test::read_csv_with_python(export_csv(db(), table, kWindow)).size(), 1u) << header;
    EXPECT_EQ(export_csv(db(), table, {kFrom, kFrom}), header + "\r\n");
  }
}

// kzreport reads through ReportCache (read-only): every table reads the same there.
TEST_F(CsvExportTest, TheReadOnlyCacheGivesTheSameTables) {
  const int64_t pool = add_pool("p, \"1\"");
  add_income(pool, "2026-11-03", 123, 4567.0, 100, 23);
  add_payment(pool, "x", kFrom + 1h, 2'100'000'000'000'000, "addr", "tx");
  add_alert(pool, "scrape_failed", "", "high", "no page", kFrom + 2h, kFrom + 3h, std::nullopt);
  add_snapshot(pool, TimePointMs{kFrom + 1h}, 1, {{"w", true, 1000}, {"v", false, 0}});
  ReportCache read_only(path_);
  for (CsvTable table :
       {CsvTable::income, CsvTable::payments, CsvTable::workers, CsvTable::alerts}) {
    std::string text;
    read_only.read_transaction([&] { text = export_csv(read_only.db(), table, kWindow); });
    EXPECT_EQ(text, export_csv(db(), table, kWindow));
    EXPECT_EQ(test::read_csv_with_python(text).size(), table == CsvTable::workers ? 3u : 2u);
  }
}

TEST(CsvTableTest, NamesAreTheFourTables) {
  EXPECT_EQ(parse_csv_table("income"), CsvTable::income);
  EXPECT_EQ(parse_csv_table("payments"), CsvTable::payments);
  EXPECT_EQ(parse_csv_table("workers"), CsvTable::workers);
  EXPECT_EQ(parse_csv_table("alerts"), CsvTable::alerts);
  for (const char* other : {"", "Income", "payment", "income ", "alerts,", "all"}) {
    EXPECT_EQ(parse_csv_table(other), std::nullopt) << other;
  }
}

}  // namespace
}  // namespace kz
