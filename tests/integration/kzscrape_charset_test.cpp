// Kind 4 of issue 9: a page in another charset is decoded before it is parsed, with the charset
// from the BOM, else the Content-Type header, else a meta tag.

#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "common/charset.hpp"
#include "integration/kzscrape_fixture.hpp"

namespace kz::test {
namespace {

const std::string kCase = "cases/cyrillic_cp1251_meta_charset.html";
const std::string kMeta =
    "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\">";

// The right result, as the case file's first line states it.
struct Expected {
  int64_t workers, online, offline, balance_sat;
  double current_ths;
};

Expected expected_from_first_line(const std::string& page) {
  const std::string first = page.substr(0, page.find('\n'));
  const std::regex pattern(
      R"((\d+) workers, current ([\d.]+) TH/s, online (\d+), offline (\d+), balance (\d+) sat)");
  std::smatch m;
  EXPECT_TRUE(std::regex_search(first, m, pattern)) << first;
  return {std::stoll(m[1]), std::stoll(m[3]), std::stoll(m[4]), std::stoll(m[5]), std::stod(m[2])};
}

std::string replaced(std::string s, const std::string& from, const std::string& to) {
  const auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return s.replace(at, from.size(), to);
}

class KzscrapeCharset : public KzscrapeTest {
 protected:
  void expect_stored(const std::vector<std::string>& names) {
    EXPECT_EQ(count("SELECT count(*) FROM snapshot"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM v_latest_workers"), expected_.workers);
    EXPECT_EQ(count("SELECT online_workers FROM v_latest_summary"), expected_.online);
    EXPECT_EQ(count("SELECT offline_workers FROM v_latest_summary"), expected_.offline);
    EXPECT_EQ(count("SELECT balance_sat FROM snapshot"), expected_.balance_sat);
    SQLite::Database db(db_, SQLite::OPEN_READONLY);
    EXPECT_NEAR(db.execAndGet("SELECT hashrate_current_ths FROM v_latest_summary").getDouble(),
                expected_.current_ths, 1e-9);
    for (const std::string& name : names) {
      EXPECT_EQ(count("SELECT count(*) FROM v_latest_workers WHERE worker_name = '" + name + "'"),
                1)
          << name;
    }
  }

  const std::string raw_ = read_test_data(kCase);  // windows-1251
  const std::string utf8_ = to_utf8(raw_, "WINDOWS-1251").text;
  const Expected expected_ = expected_from_first_line(utf8_);
};

TEST_F(KzscrapeCharset, TheCasePageWithItsCharsetOnlyInAMetaTag) {
  server_.set("/observer", {Step::ok(raw_, "text/html")});
  const auto run = scrape();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  expect_stored({"w1", "w2"});
}

TEST_F(KzscrapeCharset, TheCasePageWithItsCharsetOnlyInTheHeader) {
  const std::string page = from_utf8(replaced(utf8_, kMeta, ""), "WINDOWS-1251");
  server_.set("/observer", {Step::ok(page, "text/html; charset=windows-1251")});
  const auto run = scrape();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  expect_stored({"w1", "w2"});
}

// Cyrillic worker names that differ in one letter stay two workers in every charset, however
// it is declared.
TEST_F(KzscrapeCharset, CyrillicNamesSurviveEachCharsetAndDeclaration) {
  const std::vector<std::string> names = {"Ферма-Ю", "Ферма-Я"};
  std::string page = replaced(utf8_, "<td>w1</td>", "<td>" + names[0] + "</td>");
  page = replaced(page, "<td>w2</td>", "<td>" + names[1] + "</td>");
  struct Served {
    std::string charset, iconv, content_type, meta;
  };
  const std::vector<Served> variants = {
      {"koi8-r meta", "KOI8-R", "text/html", "<meta charset=\"koi8-r\">"},
      {"koi8-u header", "KOI8-U", "text/html; charset=koi8-u", ""},
      {"iso-8859-5 meta", "ISO-8859-5", "text/html",
       "<meta http-equiv=content-type content='text/html;charset=iso-8859-5'>"},
      {"cp1251 header over a wrong meta", "WINDOWS-1251", "text/html; charset=\"cp1251\"",
       "<meta charset=\"koi8-r\">"},
      {"utf-16le BOM", "UTF-16LE", "text/html", ""},
      {"utf-16be BOM over a header", "UTF-16BE", "text/html; charset=windows-1251", ""},
  };
  for (const Served& v : variants) {
    SCOPED_TRACE(v.charset);
    std::string body = from_utf8(replaced(page, kMeta, v.meta), v.iconv);
    if (v.iconv == "UTF-16LE") body = "\xFF\xFE" + body;
    if (v.iconv == "UTF-16BE") body = "\xFE\xFF" + body;
    server_.set("/observer", {Step::ok(body, v.content_type)});
    for (const std::string suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db_ + suffix);
    const auto run = scrape();
    ASSERT_EQ(run.exit_code, 0) << run.err;
    expect_stored(names);
  }
}

TEST_F(KzscrapeCharset, AnUnknownCharsetIsNoDataNamingItAndStoresNothing) {
  server_.set("/observer", {Step::ok(raw_, "text/html; charset=x-klingon-8")});
  const auto run = scrape();
  EXPECT_EQ(run.exit_code, 4) << run.err;
  EXPECT_NE(run.err.find("x-klingon-8"), std::string::npos) << run.err;
  EXPECT_EQ(count("SELECT count(*) FROM snapshot"), 0);
  EXPECT_EQ(text("SELECT outcome || ' ' || exit_code FROM scrape_run"), "failed 4");
}

}  // namespace
}  // namespace kz::test
