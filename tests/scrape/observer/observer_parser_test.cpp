#include "scrape/observer/observer_parser.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>

#include "common/error.hpp"
#include "scrape/observer/page_dates.hpp"
#include "scrape/observer/page_text.hpp"
#include "support/page_generator.hpp"
#include "support/test_data.hpp"

namespace kz {
namespace {

// Truth files give TH/s as shown on the page; compare at that precision.
void expect_ths(double hs, const nlohmann::json& truth_ths, const std::string& what) {
  const double want = truth_ths.get<double>();
  EXPECT_NEAR(hs / 1e12, want, std::abs(want) * 1e-9 + 1e-12) << what;
}

void expect_matches_truth(const ObserverPage& page, const nlohmann::json& truth) {
  EXPECT_EQ(page.locale, truth["locale"]);
  expect_ths(page.current_hashrate_hs, truth["current_hashrate_ths"], "current");
  ASSERT_TRUE(page.avg_hashrate_24h_hs);
  expect_ths(*page.avg_hashrate_24h_hs, truth["avg_hashrate_24h_ths"], "avg");
  EXPECT_EQ(page.online_workers, truth["online_workers"]);
  EXPECT_EQ(page.offline_workers, truth["offline_workers"]);
  EXPECT_EQ(page.balance_sat, truth["balance_sat"].get<int64_t>());
  EXPECT_EQ(page.last_income_sat, truth["last_income_sat"].get<int64_t>());
  EXPECT_EQ(page.skipped_rows, 0);
  ASSERT_EQ(page.workers.size(), truth["workers"].size());
  for (size_t i = 0; i < page.workers.size(); ++i) {
    const WorkerRow& w = page.workers[i];
    const nlohmann::json& t = truth["workers"][i];
    EXPECT_EQ(w.name, t["name"]);
    EXPECT_EQ(w.status == WorkerStatus::online ? "online" : "offline", t["status"]) << w.name;
    expect_ths(w.hashrate_10m_hs, t["hashrate_10m_ths"], w.name);
    expect_ths(w.hashrate_1h_hs, t["hashrate_1h_ths"], w.name);
    expect_ths(w.hashrate_24h_hs, t["hashrate_24h_ths"], w.name);
    EXPECT_EQ(w.last_share_local, t["last_share"].get<std::string>()) << w.name;
  }
  ASSERT_EQ(page.income.size(), truth["earnings"].size());
  for (size_t i = 0; i < page.income.size(); ++i) {
    const nlohmann::json& t = truth["earnings"][i];
    EXPECT_EQ(page.income[i].date, t["date"]);
    EXPECT_EQ(page.income[i].total_income_sat, t["total_income_sat"].get<int64_t>());
    ASSERT_TRUE(page.income[i].hashrate_hs);
    expect_ths(*page.income[i].hashrate_hs, t["hashrate_ths"], page.income[i].date);
  }
  std::vector<std::string> offline;
  for (const WorkerRow& w : page.workers) {
    if (w.status == WorkerStatus::offline) offline.push_back(w.name);
  }
  std::sort(offline.begin(), offline.end());
  EXPECT_EQ(offline, truth["offline_names"].get<std::vector<std::string>>());
}

TEST(ObserverSamples, Russian200MatchesTruth) {
  const ObserverPage page = parse_observer_page(test::read_test_data("observer_ru_200.html"));
  expect_matches_truth(page,
                       nlohmann::json::parse(test::read_test_data("observer_ru_200.truth.json")));
  EXPECT_TRUE(page.workers_complete());
}

TEST(ObserverSamples, English60MatchesTruth) {
  const ObserverPage page = parse_observer_page(test::read_test_data("observer_en_60.html"));
  expect_matches_truth(page,
                       nlohmann::json::parse(test::read_test_data("observer_en_60.truth.json")));
  EXPECT_TRUE(page.workers_complete());
}

TEST(ObserverSamples, ShellIsNoData) {
  ASSERT_TRUE(nlohmann::json::parse(test::read_test_data("observer_shell.truth.json"))["shell"]
                  .get<bool>());
  try {
    parse_observer_page(test::read_test_data("observer_shell.html"));
    FAIL() << "a shell page parsed";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::no_data);
    EXPECT_NE(std::string(e.what()).find("no summary cards and no workers table"),
              std::string::npos)
        << e.what();
  }
}

// --- helpers for generated pages ---

using test::DateStyle;
using test::HashUnit;
using test::ShareStyle;
using test::StatusStyle;
using test::Thousands;
using test::Variant;

// Generated values are exact in every unit, so the parse must equal the model.
void expect_same_page(const ObserverPage& got, const ObserverPage& want) {
  EXPECT_EQ(got.locale, want.locale);
  EXPECT_EQ(got.current_hashrate_hs, want.current_hashrate_hs);
  EXPECT_EQ(got.avg_hashrate_24h_hs, want.avg_hashrate_24h_hs);
  EXPECT_EQ(got.online_workers, want.online_workers);
  EXPECT_EQ(got.offline_workers, want.offline_workers);
  EXPECT_EQ(got.balance_sat, want.balance_sat);
  EXPECT_EQ(got.last_income_sat, want.last_income_sat);
  EXPECT_EQ(got.skipped_rows, 0);
  ASSERT_EQ(got.workers.size(), want.workers.size());
  for (size_t i = 0; i < got.workers.size(); ++i) {
    const WorkerRow& g = got.workers[i];
    const WorkerRow& w = want.workers[i];
    EXPECT_EQ(g.name, w.name);
    EXPECT_EQ(g.status, w.status) << w.name;
    EXPECT_EQ(g.hashrate_10m_hs, w.hashrate_10m_hs) << w.name;
    EXPECT_EQ(g.hashrate_1h_hs, w.hashrate_1h_hs) << w.name;
    EXPECT_EQ(g.hashrate_24h_hs, w.hashrate_24h_hs) << w.name;
    EXPECT_EQ(g.last_share_local, w.last_share_local) << w.name;
  }
  ASSERT_EQ(got.income.size(), want.income.size());
  for (size_t i = 0; i < got.income.size(); ++i) {
    EXPECT_EQ(got.income[i].date, want.income[i].date);
    EXPECT_EQ(got.income[i].total_income_sat, want.income[i].total_income_sat);
    EXPECT_EQ(got.income[i].hashrate_hs, want.income[i].hashrate_hs);
  }
}

void expect_round_trip(ObserverPage model, const Variant& v) {
  model.locale = v.locale;
  const std::string html = test::render_page(model, v);
  try {
    expect_same_page(parse_observer_page(html), model);
  } catch (const Error& e) {
    ADD_FAILURE() << e.what() << "\n" << html.substr(0, 3000);
  }
}

std::string no_data_message(const std::string& html) {
  try {
    parse_observer_page(html);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::no_data) << e.what();
    const std::string message = e.what();
    EXPECT_EQ(message.rfind("page has no usable data: ", 0), 0u) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    return message;
  }
  ADD_FAILURE() << "parsed without error: " << html.substr(0, 200);
  return {};
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// --- page_text ---

TEST(PageText, IncomeDatesTakeFieldOrderFromTheSeparator) {
  EXPECT_EQ(parse_income_date("11/21/2026"), "2026-11-21");
  EXPECT_EQ(parse_income_date("1/5/2026 12:00:00 AM"), "2026-01-05");
  EXPECT_EQ(parse_income_date("05/03/2026"), "2026-05-03");
  EXPECT_EQ(parse_income_date("05.03.2026"), "2026-03-05");
  EXPECT_EQ(parse_income_date("21.11.2026"), "2026-11-21");
  EXPECT_EQ(parse_income_date("2026-11-21"), "2026-11-21");
  EXPECT_EQ(parse_income_date("2028-02-29"), "2028-02-29");
  for (const char* bad :
       {"", "21/11/2026", "02/30/2026", "31.04.2026", "2026-02-29", "11/21/26", "2026/11/21",
        "11/21/2026 junk", "11/21/2026 25:00:00", "0/10/2026", "11-21-2026"}) {
    EXPECT_FALSE(parse_income_date(bad).has_value()) << bad;
  }
}

TEST(PageText, ShareTimesKeepLocalTimeAndReadAmPm) {
  EXPECT_EQ(parse_share_time("11/22/2026, 10:33:25"), "2026-11-22T10:33:25");
  EXPECT_EQ(parse_share_time("2026-11-22 10:39:03"), "2026-11-22T10:39:03");
  EXPECT_EQ(parse_share_time("2026-11-22T10:39:03"), "2026-11-22T10:39:03");
  EXPECT_EQ(parse_share_time("22.11.2026 10:39:03"), "2026-11-22T10:39:03");
  EXPECT_EQ(parse_share_time("11/22/2026, 12:05:09 AM"), "2026-11-22T00:05:09");
  EXPECT_EQ(parse_share_time("11/22/2026, 12:05:09 PM"), "2026-11-22T12:05:09");
  EXPECT_EQ(parse_share_time("11/22/2026, 1:05:09 pm"), "2026-11-22T13:05:09");
  EXPECT_EQ(parse_share_time("11/22/2026\u00A010:05"), "2026-11-22T10:05:00");
  for (const char* bad : {"", "-", "2026-11-22", "11/22/2026, 13:05:09 PM", "2026-11-22 24:00:00",
                          "2026-11-22 10:60:00", "2026-11-22 10:5", "11/22/2026, 0:05:09 AM"}) {
    EXPECT_FALSE(parse_share_time(bad).has_value()) << bad;
  }
}

TEST(PageText, StatusWordsNegativeFirst) {
  EXPECT_EQ(parse_status("ONLINE"), WorkerStatus::online);
  EXPECT_EQ(parse_status("Online"), WorkerStatus::online);
  EXPECT_EQ(parse_status("В сети"), WorkerStatus::online);
  EXPECT_EQ(parse_status("в\u00A0сети"), WorkerStatus::online);
  EXPECT_EQ(parse_status("OFFLINE"), WorkerStatus::offline);
  EXPECT_EQ(parse_status("Не в сети"), WorkerStatus::offline);
  EXPECT_EQ(parse_status("НЕ В СЕТИ"), WorkerStatus::offline);
  EXPECT_FALSE(parse_status("").has_value());
  EXPECT_FALSE(parse_status("12 TH/s").has_value());
}

TEST(PageText, HeadersAndLabels) {
  EXPECT_EQ(classify_header(normalize_label("Хешрейт 10 мин")), Column::hashrate_10m);
  EXPECT_EQ(classify_header(normalize_label("Hashrate (1 h)")), Column::hashrate_1h);
  EXPECT_EQ(classify_header(normalize_label("24ч")), Column::hashrate_24h);
  EXPECT_EQ(classify_header(normalize_label("10m")), Column::hashrate_10m);
  EXPECT_EQ(classify_header(normalize_label("Хешрейт")), Column::hashrate);
  EXPECT_EQ(classify_header(normalize_label("Последний обмен")), Column::last_share);
  EXPECT_EQ(classify_header(normalize_label("Воркер")), Column::name);
  EXPECT_EQ(classify_header(normalize_label("STATUS")), Column::status);
  EXPECT_EQ(classify_header(normalize_label("Дата")), Column::date);
  EXPECT_EQ(classify_header(normalize_label("Общий доход")), Column::income);
  EXPECT_EQ(classify_header(normalize_label("Hashrate 3 h")), Column::unknown);
  EXPECT_EQ(normalize_label("  Средний\u00A0ХЕШРЕЙТ за 24 ч: "), "средний хешрейт за 24ч");
  ASSERT_TRUE(match_card_label(normalize_label("Average hashrate (24h)")));
  EXPECT_EQ(match_card_label(normalize_label("Average hashrate (24h)"))->card,
            Card::avg_hashrate_24h);
  EXPECT_FALSE(match_card_label(normalize_label("Воркеры")).has_value());
}

// --- generated pages: every variant reads back to the model ---

TEST(GeneratedPages, DefaultVariantRoundTrips) {
  expect_round_trip(test::make_model(25, 1), Variant{});
}

TEST(GeneratedPages, NamedVariantsRoundTrip) {
  std::vector<Variant> variants(8);
  variants[1] = {.locale = "ru",
                 .decimal_comma = true,
                 .thousands = Thousands::space,
                 .unit = HashUnit::gh,
                 .btc_unit = false,
                 .date_style = DateStyle::dotted,
                 .share_style = ShareStyle::dotted,
                 .status_style = StatusStyle::russian};
  variants[2] = {.thousands = Thousands::punctuation,
                 .unit = HashUnit::mh,
                 .space_before_unit = false,
                 .btc_space = false,
                 .date_style = DateStyle::us_time,
                 .share_style = ShareStyle::us_ampm,
                 .status_style = StatusStyle::title,
                 .decorate = true};
  variants[3] = {.locale = "ru",
                 .alt_headers = true,
                 .decimal_comma = true,
                 .thousands = Thousands::punctuation,
                 .unit = HashUnit::kh,
                 .lower_k = false,
                 .date_style = DateStyle::iso,
                 .share_style = ShareStyle::iso,
                 .decorate = true,
                 .shuffle_columns = true,
                 .shuffle_cards = true,
                 .seed = 3};
  variants[4] = {.set_lang = false, .thousands = Thousands::nbsp, .unit = HashUnit::h};
  variants[5] = {.locale = "ru",
                 .set_lang = false,
                 .alt_headers = true,
                 .thousands = Thousands::narrow_nbsp,
                 .unit = HashUnit::eh,
                 .status_style = StatusStyle::russian,
                 .decorate = true};
  variants[6] = {.alt_headers = true,
                 .unit = HashUnit::ph,
                 .space_before_unit = false,
                 .shuffle_columns = true,
                 .seed = 6};
  variants[7] = {.locale = "ru",
                 .decimal_comma = true,
                 .thousands = Thousands::nbsp,
                 .unit = HashUnit::th,
                 .btc_space = false,
                 .date_style = DateStyle::us_time,
                 .decorate = true,
                 .shuffle_cards = true,
                 .seed = 7};
  for (size_t i = 0; i < variants.size(); ++i) {
    SCOPED_TRACE("variant " + std::to_string(i));
    expect_round_trip(test::make_model(30, static_cast<uint32_t>(i + 10)), variants[i]);
  }
}

TEST(GeneratedPages, RandomVariantsRoundTrip) {
  for (uint32_t seed = 1; seed <= 60; ++seed) {
    std::mt19937 rng(seed);
    const auto pick = [&](uint32_t n) { return static_cast<uint32_t>(rng() % n); };
    Variant v;
    v.seed = seed;
    v.locale = pick(2) ? "ru" : "en";
    v.set_lang = pick(3) != 0;
    v.alt_headers = pick(2);
    v.decimal_comma = pick(2);
    v.thousands = static_cast<Thousands>(pick(5));
    v.unit = static_cast<HashUnit>(pick(8));
    v.lower_k = pick(2);
    v.space_before_unit = pick(2);
    v.btc_unit = pick(2);
    v.btc_space = pick(2);
    v.date_style = static_cast<DateStyle>(pick(4));
    v.share_style = static_cast<ShareStyle>(pick(4));
    v.status_style = static_cast<StatusStyle>(pick(3));
    v.decorate = pick(2);
    v.shuffle_columns = pick(2);
    v.shuffle_cards = pick(2);
    SCOPED_TRACE("seed " + std::to_string(seed));
    expect_round_trip(test::make_model(12 + seed % 7, seed), v);
  }
}

TEST(GeneratedPages, ThousandsOfWorkersWithGroupedCounts) {
  const Variant v{
      .locale = "ru", .decimal_comma = true, .thousands = Thousands::nbsp, .unit = HashUnit::gh};
  ObserverPage model = test::make_model(3000, 42);
  model.locale = "ru";
  const std::string html = test::render_page(model, v);
  ASSERT_GE(model.online_workers, 1000);
  EXPECT_TRUE(contains(html, std::to_string(model.online_workers / 1000) + "\u00A0"));
  expect_round_trip(model, v);
}

TEST(GeneratedPages, LargeBalanceUsesThousandsSeparators) {
  ObserverPage model = test::make_model(3, 5);
  model.balance_sat = 123'456'789'012'345;  // 1 234 567.89012345 BTC
  const Variant v{.thousands = Thousands::space, .btc_unit = true};
  EXPECT_TRUE(contains(test::render_page(model, v), "1 234 567.89012345 BTC"));
  expect_round_trip(model, v);
}

TEST(GeneratedPages, OptionalCardsMayBeAbsent) {
  ObserverPage model = test::make_model(4, 8);
  model.avg_hashrate_24h_hs.reset();
  model.balance_sat.reset();
  model.last_income_sat.reset();
  model.income.clear();
  expect_round_trip(model, Variant{.locale = "ru"});
}

TEST(GeneratedPages, FewerRowsThanCardsIsIncompleteNotOffline) {
  ObserverPage model = test::make_model(10, 9);
  model.offline_workers += 2;  // two workers the table does not list
  const ObserverPage page = parse_observer_page(test::render_page(model, Variant{}));
  EXPECT_EQ(page.workers.size(), 10u);
  EXPECT_EQ(page.offline_workers, model.offline_workers);
  EXPECT_FALSE(page.workers_complete());
}

TEST(GeneratedPages, MoreRowsThanCardsIsIncompleteToo) {
  for (const int fewer : {1, 2, 5}) {
    ObserverPage model = test::make_model(10, 9);
    model.online_workers -= fewer;  // the cards count fewer workers than the table lists
    const ObserverPage page = parse_observer_page(test::render_page(model, Variant{}));
    EXPECT_EQ(page.workers.size(), 10u);
    EXPECT_FALSE(page.workers_complete()) << fewer;
  }
}

TEST(GeneratedPages, SpecialWorkerNamesAreEscapedAndReadBack) {
  ObserverPage model = test::make_model(5, 11);
  model.workers[0].name = "a<b & \"c\" 'd'";
  model.workers[1].name = "имя воркера №2";
  model.workers[2].name = "x&amp;y</td></tr>";
  model.workers[3].name = "<script>alert(1)</script>";
  model.workers[4].name = "Balance";  // reads like a card label, inside the table
  for (const bool decorate : {false, true}) {
    const Variant v{.decorate = decorate};
    const std::string html = test::render_page(model, v);
    EXPECT_FALSE(contains(html, "<script>alert"));
    EXPECT_TRUE(contains(html, "x&amp;amp;y&lt;/td&gt;&lt;/tr&gt;"));
    expect_round_trip(model, v);
  }
}

TEST(GeneratedPages, RepeatedWorkerNameKeepsTheFirstAndCountsTheRest) {
  ObserverPage model = test::make_model(6, 12);
  model.workers[4].name = model.workers[1].name;
  const ObserverPage page = parse_observer_page(test::render_page(model, Variant{}));
  ASSERT_EQ(page.workers.size(), 5u);
  EXPECT_EQ(page.skipped_rows, 1);
  EXPECT_EQ(page.workers[1].hashrate_24h_hs, model.workers[1].hashrate_24h_hs);
  EXPECT_EQ(page.workers[4].name, model.workers[5].name);
}

TEST(GeneratedPages, UnreadableRowIsSkippedAndCounted) {
  ObserverPage model = test::make_model(6, 13);
  std::string html = test::render_page(model, Variant{.unit = HashUnit::th});
  const std::string cell =
      test::format_hashrate(model.workers[2].hashrate_1h_hs, {.unit = HashUnit::th});
  const size_t at = html.find(cell, html.find(model.workers[2].name));
  ASSERT_NE(at, std::string::npos);
  html.replace(at, cell.size(), "12 XH/s");
  const ObserverPage page = parse_observer_page(html);
  EXPECT_EQ(page.skipped_rows, 1);
  ASSERT_EQ(page.workers.size(), 5u);
  for (const WorkerRow& w : page.workers) EXPECT_NE(w.name, model.workers[2].name);
}

TEST(GeneratedPages, ColumnsFoundByHeaderTextNotPosition) {
  ObserverPage model = test::make_model(8, 14);
  for (uint32_t seed = 1; seed <= 6; ++seed) {
    expect_round_trip(model,
                      Variant{.alt_headers = seed % 2 == 0, .shuffle_columns = true, .seed = seed});
  }
}

TEST(HandWrittenPages, OtherLayoutsAndWideTables) {
  std::string filler_th, filler_td;
  for (int i = 0; i < 15; ++i) {  // puts Status at cell 17
    filler_th += "<td>Extra " + std::to_string(i) + "</td>";
    filler_td += "<td>x" + std::to_string(i) + "</td>";
  }
  const std::string html =
      "<html><body><dl><dt>Current hashrate:</dt><dd>1,234.5 TH/s</dd>"
      "<dt>Online workers</dt><dd>1</dd><dt>Offline workers</dt><dd>0</dd>"
      "<dt>Balance</dt><dd>&mdash;</dd></dl>"
      "<table><tbody><tr><td>#</td><td>Worker</td>" +
      filler_th +
      "<td>Status</td><td>10m</td><td>1h</td><td>24h</td></tr>"
      "<tr><td>1</td><td>w1</td>" +
      filler_td +
      "<td>Online</td><td>1 TH/s</td><td>2 TH/s</td><td>3 TH/s</td></tr></tbody></table>"
      "<table><tr><th>Date</th><th>Income</th></tr><tr><td>2026-01-31</td><td>0.5</td></tr>"
      "</table></body></html>";
  const ObserverPage page = parse_observer_page(html);
  EXPECT_EQ(page.locale, "en");
  EXPECT_EQ(page.current_hashrate_hs, 1234.5e12);
  EXPECT_FALSE(page.balance_sat.has_value());  // "—": no value shown
  ASSERT_EQ(page.workers.size(), 1u);
  EXPECT_EQ(page.workers[0].name, "w1");
  EXPECT_EQ(page.workers[0].status, WorkerStatus::online);
  EXPECT_EQ(page.workers[0].hashrate_24h_hs, 3e12);
  EXPECT_FALSE(page.workers[0].last_share_local.has_value());
  ASSERT_EQ(page.income.size(), 1u);
  EXPECT_EQ(page.income[0].date, "2026-01-31");
  EXPECT_EQ(page.income[0].total_income_sat, 50'000'000);
  EXPECT_FALSE(page.income[0].hashrate_hs.has_value());
}

// --- truncated pages never invent data ---

void check_truncations(const ObserverPage& model, Variant v, size_t stride) {
  const std::string full = test::render_page(model, v);
  v.truncate_at = full.size() / 2;
  ASSERT_EQ(test::render_page(model, v), full.substr(0, full.size() / 2));
  int errors = 0, partial = 0;
  for (size_t cut = 0; cut <= full.size(); cut += stride) {
    const std::string html = full.substr(0, cut);
    ObserverPage page;
    try {
      page = parse_observer_page(html);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::no_data);
      ++errors;
      continue;
    }
    SCOPED_TRACE("cut at " + std::to_string(cut));
    EXPECT_EQ(page.current_hashrate_hs, model.current_hashrate_hs);
    EXPECT_EQ(page.online_workers, model.online_workers);
    EXPECT_EQ(page.offline_workers, model.offline_workers);
    for (const auto& [got, want] : {std::pair{page.balance_sat, model.balance_sat},
                                    std::pair{page.last_income_sat, model.last_income_sat}}) {
      if (got) {
        EXPECT_EQ(got, want);
      }
    }
    EXPECT_LE(page.skipped_rows, 1);
    ASSERT_LE(page.workers.size(), model.workers.size());
    for (size_t i = 0; i < page.workers.size(); ++i) {
      EXPECT_EQ(page.workers[i].name, model.workers[i].name);
      EXPECT_EQ(page.workers[i].status, model.workers[i].status);
      EXPECT_EQ(page.workers[i].hashrate_10m_hs, model.workers[i].hashrate_10m_hs);
      EXPECT_EQ(page.workers[i].hashrate_1h_hs, model.workers[i].hashrate_1h_hs);
      EXPECT_EQ(page.workers[i].hashrate_24h_hs, model.workers[i].hashrate_24h_hs);
      EXPECT_EQ(page.workers[i].last_share_local, model.workers[i].last_share_local);
    }
    ASSERT_LE(page.income.size(), model.income.size());
    for (size_t i = 0; i < page.income.size(); ++i) {
      EXPECT_EQ(page.income[i].date, model.income[i].date);
      EXPECT_EQ(page.income[i].total_income_sat, model.income[i].total_income_sat);
      EXPECT_EQ(page.income[i].hashrate_hs, model.income[i].hashrate_hs);
    }
    if (page.workers.size() > 0 && page.workers.size() < model.workers.size()) ++partial;
  }
  EXPECT_GT(errors, 0);
  EXPECT_GT(partial, 0);
}

TEST(TruncatedPages, PlainPrefixesNeverInventRowsOrValues) {
  check_truncations(test::make_model(5, 21, 3), Variant{.btc_unit = false}, 2);
}

TEST(TruncatedPages, DecoratedPrefixesNeverInventRowsOrValues) {
  check_truncations(test::make_model(5, 22, 3),
                    Variant{.locale = "ru",
                            .decimal_comma = true,
                            .btc_unit = false,
                            .share_style = ShareStyle::us_ampm,
                            .decorate = true},
                    7);
}

// --- pages without data ---

TEST(NoData, ShellErrorPagesAndGarbage) {
  EXPECT_TRUE(contains(no_data_message(""), "no summary cards and no workers table"));
  const std::string bad_gateway = no_data_message(
      "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad "
      "Gateway</h1></center><hr><center>nginx</center></body></html>");
  EXPECT_TRUE(contains(bad_gateway, "title \"502 Bad Gateway\"")) << bad_gateway;
  EXPECT_TRUE(contains(bad_gateway, "try --render"));
  no_data_message(
      "<!DOCTYPE html><html><head><title>Not Found</title></head><body><h1>Not "
      "Found</h1><p>The requested URL was not found.</p></body></html>");
  no_data_message(R"({"online_workers": 198, "workers": [{"name": "a"}]})");
  no_data_message("Current hashrate\n38.384 PH/s");  // plain text: cards but no worker counts
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    std::mt19937 rng(seed);
    std::string bytes(4096, '\0');
    for (char& c : bytes) c = static_cast<char>(rng() & 0xFF);
    no_data_message(bytes);
  }
}

TEST(NoData, MissingRequiredCardsAreNamed) {
  const ObserverPage model = test::make_model(4, 31);
  std::string html = test::render_page(model, Variant{});
  for (const std::string label : {"Current hashrate", "Online workers"}) {
    html.replace(html.find(label), label.size(), "Something else");
  }
  const std::string message = no_data_message(html);
  EXPECT_TRUE(contains(message, "missing cards: Current hashrate, Online workers")) << message;
}

TEST(NoData, UnreadableCardValueIsNamedWithItsText) {
  ObserverPage model = test::make_model(4, 32);
  model.online_workers = 987654;
  std::string html = test::render_page(model, Variant{});
  html.replace(html.find("987654"), 6, "many");
  const std::string message = no_data_message(html);
  EXPECT_TRUE(contains(message, "card \"Online workers\" has an unreadable value \"many\""))
      << message;
}

TEST(NoData, DeepNestingIsRefusedQuickly) {
  std::string html;
  for (int i = 0; i < 200'000; ++i) html += "<div>";
  EXPECT_TRUE(contains(no_data_message(html), "nested"));
}

TEST(NoData, TagsWithThousandsOfAttributesAreRefusedQuickly) {
  std::string html = "<div title=\">\"";  // a quoted '>' does not end the tag
  for (int i = 0; i < 50'000; ++i) html += " a" + std::to_string(i);
  html += ">";
  EXPECT_TRUE(contains(no_data_message(html), "more than 256 attributes"));
}

TEST(NoData, MarkupSoupEitherParsesConsistentlyOrIsNoData) {
  static const char* kTokens[] = {"<div>",
                                  "</div>",
                                  "<table>",
                                  "</table>",
                                  "<tr>",
                                  "<td>",
                                  "</td>",
                                  "<th>",
                                  "<span>",
                                  "</span>",
                                  "<p>",
                                  "<svg>",
                                  "\"",
                                  "'",
                                  ">",
                                  "<",
                                  "&amp;",
                                  "&nbsp;",
                                  " ",
                                  "\n",
                                  "Worker",
                                  "Status",
                                  "Hashrate 10 min",
                                  "1 h",
                                  "24 h",
                                  "Current hashrate",
                                  "Online workers",
                                  "Offline workers",
                                  "Balance",
                                  "ONLINE",
                                  "OFFLINE",
                                  "12.5 TH/s",
                                  "0 H/s",
                                  "3",
                                  "w1",
                                  "w2",
                                  "0.001 BTC",
                                  "11/22/2026, 10:33:25",
                                  "<!--",
                                  "-->",
                                  "<script>",
                                  "</script>",
                                  "<b>",
                                  "<a>"};
  int pages = 0;
  for (uint32_t seed = 1; seed <= 300; ++seed) {
    std::mt19937 rng(seed);
    std::string html;
    for (int i = 0; i < 400; ++i) html += kTokens[rng() % std::size(kTokens)];
    try {
      const ObserverPage page = parse_observer_page(html);
      ++pages;
      std::vector<std::string> names;
      for (const WorkerRow& w : page.workers) {
        EXPECT_FALSE(w.name.empty());
        EXPECT_GE(w.hashrate_10m_hs, 0.0);
        names.push_back(w.name);
      }
      std::sort(names.begin(), names.end());
      EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end());
      EXPECT_GE(page.skipped_rows, 0);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::no_data);
    }
  }
  RecordProperty("pages_parsed", pages);
}

TEST(GeneratedPages, ModerateNestingStillParses) {
  const ObserverPage model = test::make_model(3, 33);
  std::string html = test::render_page(model, Variant{});
  const size_t body = html.find("<body>") + 6;
  html.insert(body, std::string(300 * 5, ' '));
  std::string open;
  for (int i = 0; i < 300; ++i) open += "<div>";
  html.replace(body, 300 * 5, open);
  EXPECT_EQ(parse_observer_page(html).workers.size(), 3u);
}

}  // namespace
}  // namespace kz
