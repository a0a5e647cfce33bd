// Issue 9, kinds 1, 2, 3 and 9, at the level of the whole page parse: generated
// pages rewritten in each kind's ways must read the same as the model.

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "scrape/observer/observer_parser.hpp"
#include "support/page_compare.hpp"
#include "support/page_generator.hpp"

namespace kz {
namespace {

using test::Variant;

void expect_same(const ObserverPage& got, const ObserverPage& want) {
  EXPECT_EQ(test::first_difference(got, want), std::nullopt);
}

void expect_parses_to(const std::string& html, const ObserverPage& model) {
  try {
    expect_same(parse_observer_page(html), model);
  } catch (const Error& e) {
    ADD_FAILURE() << e.what();
  }
}

// Cuts between UTF-8 characters of `text`: 0 .. size.
std::vector<size_t> cuts(const std::string& text) {
  std::vector<size_t> out;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) out.push_back(i);
  }
  return out;
}

// `html` with the first `text` after `from` split at `cut` by `glue`.
std::string split_at(std::string html, const std::string& text, size_t cut, const std::string& glue,
                     size_t from = 0) {
  const size_t at = html.find(text, from);
  EXPECT_NE(at, std::string::npos) << text;
  if (at != std::string::npos) html.insert(at + cut, glue);
  return html;
}

// --- kind 2: text split across nodes ---

TEST(SplitText, CardLabelsHeadersStatusAndValuesSplitAnywhere) {
  for (const std::string locale : {"en", "ru"}) {
    const Variant v{.locale = locale, .unit = test::HashUnit::th};
    ObserverPage model = test::make_model(4, 21);
    model.locale = locale;
    const std::string html = test::render_page(model, v);
    const bool ru = locale == "ru";
    std::vector<std::string> texts =
        ru ? std::vector<std::string>{"Текущий хешрейт", "Средний хешрейт за 24ч",
                                      "Онлайн воркеры",  "Оффлайн воркеры",
                                      "Баланс",          "Последний доход",
                                      "Хешрейт 10 мин",  "Статус",
                                      "Общий доход"}
           : std::vector<std::string>{"Current hashrate", "Average hashrate (24h)",
                                      "Online workers",   "Offline workers",
                                      "Balance",          "Last income",
                                      "Hashrate 10 min",  "Status",
                                      "Total income"};
    // A status word and a value inside the workers table.
    texts.push_back(model.workers[0].status == WorkerStatus::online ? "ONLINE" : "OFFLINE");
    texts.push_back(test::format_hashrate(model.workers[0].hashrate_1h_hs, v));
    const std::vector<std::string> glues = {"<!-- -->", "<!---->", "</span><span>", "<b></b>",
                                            "<!-- -->\n<!-- -->"};
    for (const std::string& text : texts) {
      const size_t from = html.find("<body");
      for (const size_t cut : cuts(text)) {
        for (const std::string& glue : glues) {
          // A newline is a space: only where the text has one anyway.
          if (glue.find('\n') != std::string::npos &&
              (cut == 0 || cut == text.size() || text[cut - 1] != ' ')) {
            continue;
          }
          SCOPED_TRACE(locale + " [" + text.substr(0, cut) + "|" + text.substr(cut) + "] " + glue);
          expect_parses_to(split_at(html, text, cut, glue, from), model);
        }
      }
    }
  }
}

TEST(SplitText, LabelWrappedInInlineElementsIsFoundOnce) {
  ObserverPage model = test::make_model(3, 22);
  model.locale = "en";
  const std::string html = test::render_page(model, Variant{});
  // "<span><b>Online</b> <i>workers</i></span>" and "Online<br>workers" style splits.
  std::string wrapped = html;
  const std::string label = "Online workers";
  const size_t at = wrapped.find(label);
  ASSERT_NE(at, std::string::npos);
  wrapped.replace(at, label.size(), "<span><b>Online</b> <i>work</i><!-- -->ers</span>");
  expect_parses_to(wrapped, model);
  // A block boundary inside a label is a space: "Current<div>hashrate</div>" still reads.
  std::string block = html;
  const size_t cur = block.find("Current hashrate");
  ASSERT_NE(cur, std::string::npos);
  block.replace(cur, 16, "Current<br>hashrate");
  expect_parses_to(block, model);
}

// --- kind 1: visible text ---

TEST(VisibleText, LineBreaksInEveryCellKindStillRead) {
  for (const auto share : {test::ShareStyle::us_comma, test::ShareStyle::iso,
                           test::ShareStyle::dotted, test::ShareStyle::us_ampm}) {
    const Variant v{.date_style = test::DateStyle::us_time, .share_style = share};
    ObserverPage model = test::make_model(6, 23);
    model.locale = "en";
    std::string html = test::render_page(model, v);
    // Every space inside a table cell's text becomes a line break.
    std::string out;
    bool in_td = false, in_tag = false;
    for (size_t i = 0; i < html.size(); ++i) {
      if (html.compare(i, 4, "<td>") == 0) in_td = true;
      if (html.compare(i, 5, "</td>") == 0) in_td = false;
      in_tag = html[i] == '<' || (in_tag && html[i - 1] != '>');
      if (in_td && !in_tag && html[i] == ' ') {
        out += i % 2 ? "<br>" : "<br/>";
      } else {
        out += html[i];
      }
    }
    SCOPED_TRACE(out.substr(out.find("<tbody>"), 600));
    expect_parses_to(out, model);
  }
}

// --- kind 9: names are identities ---

TEST(WorkerNames, WhitespaceVariantsAreDistinctWorkersKeptByteForByte) {
  const std::vector<std::string> names = {
      "a b",      "a\tb",   "a  b",         "a\u00A0b",    "a \u00A0b",     "a\u202Fb",
      "a\u2009b", "a\t\tb", "a \t b",       "a\nb",        "a\u3000b",      "ab",
      "a&amp;b",  "a&b",    "имя  воркера", "имя воркера", "a\u00A0\u00A0b"};
  ObserverPage model = test::make_model(names.size(), 41);
  for (size_t i = 0; i < names.size(); ++i) model.workers[i].name = names[i];
  for (const bool decorate : {false, true}) {
    for (const std::string locale : {"en", "ru"}) {
      SCOPED_TRACE(locale + (decorate ? " decorated" : ""));
      const Variant v{.locale = locale, .decorate = decorate, .shuffle_columns = true};
      model.locale = locale;
      expect_parses_to(test::render_page(model, v), model);
    }
  }
}

TEST(WorkerNames, OuterWhitespaceIsTrimmedInnerKept) {
  ObserverPage model = test::make_model(3, 42);
  model.locale = "en";
  std::string html = test::render_page(model, Variant{});
  const std::string name = model.workers[1].name;
  const size_t at = html.find("<td>" + name + "</td>");
  ASSERT_NE(at, std::string::npos);
  html.replace(
      at, name.size() + 9,
      "<td>\n\t &nbsp;" + name.substr(0, 2) + "\t \t" + name.substr(2) + "\u202F&nbsp; \n</td>");
  model.workers[1].name = name.substr(0, 2) + "\t \t" + name.substr(2);
  expect_parses_to(html, model);
}

std::string error_of(const std::string& html) {
  try {
    parse_observer_page(html);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::no_data);
    return e.what();
  }
  ADD_FAILURE() << "parsed";
  return {};
}

TEST(WorkerNames, NamesMadeEqualByDecodingAreAnErrorNamingBothRows) {
  const std::string bad = "\xEF\xBF\xBD";  // U+FFFD
  // As the message shows it: tabs and newlines escaped, on one line.
  const std::vector<std::pair<std::string, std::string>> names = {
      {bad + bad + "01", bad + bad + "01"},
      {"w" + bad, "w" + bad},
      {bad, bad},
      {"a\t" + bad + "\nb", "a\\t" + bad + "\\nb"}};
  for (const auto& [name, shown] : names) {
    for (const auto& [first, second] : {std::pair{0, 1}, std::pair{2, 5}, std::pair{1, 6}}) {
      ObserverPage model = test::make_model(7, 43);
      model.workers[static_cast<size_t>(first)].name = name;
      model.workers[static_cast<size_t>(second)].name = name;
      const std::string message = error_of(test::render_page(model, Variant{}));
      SCOPED_TRACE(message);
      EXPECT_NE(
          message.find("rows " + std::to_string(first + 1) + " and " + std::to_string(second + 1)),
          std::string::npos);
      EXPECT_NE(message.find("\"" + shown + "\""), std::string::npos);
      EXPECT_EQ(message.find('\n'), std::string::npos);
    }
  }
  // Different names with U+FFFD in them are different workers.
  ObserverPage model = test::make_model(4, 44);
  model.locale = "en";
  model.workers[0].name = bad + "a";
  model.workers[1].name = bad + "b";
  model.workers[2].name = bad + " a";
  expect_parses_to(test::render_page(model, Variant{}), model);
  // The same name twice without U+FFFD: the first kept, the repeat counted.
  model.workers[3].name = model.workers[1].name = "twin";
  const ObserverPage page = parse_observer_page(test::render_page(model, Variant{}));
  ASSERT_EQ(page.workers.size(), 3u);
  EXPECT_EQ(page.skipped_rows, 1);
  EXPECT_EQ(page.workers[1].name, "twin");
  EXPECT_EQ(page.workers[1].hashrate_24h_hs, model.workers[1].hashrate_24h_hs);
}

}  // namespace
}  // namespace kz
