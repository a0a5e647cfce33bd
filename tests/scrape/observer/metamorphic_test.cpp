// Metamorphic test of the page parser: one data model, rendered with many
// combinations of the page generator's knobs (tests/support/page_generator.hpp),
// must always read back to the model. A failure names the knobs that make it
// fail (reduced to a smallest set) and the first field that differs.

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "scrape/observer/observer_parser.hpp"
#include "scrape/observer/page_charset.hpp"
#include "support/page_compare.hpp"
#include "support/page_generator.hpp"

namespace kz {
namespace {

using test::first_difference;
using test::quoted;
using test::Variant;

// The page's bytes as UTF-8, the way kzscrape decodes a fetched body.
std::string decode(const std::string& bytes, const std::string& content_type) {
  return decode_page(bytes, content_type);
}

// --- knobs: value 0 of each is the default page ---

// A page to render: the generator's knobs and which fleet model.
struct Setup {
  Variant v;
  bool hard_names = false;  // test::use_hard_names_and_values on the fleet
};

struct Knob {
  const char* name;
  std::vector<const char*> values;
  void (*apply)(Setup&, size_t);
};

template <typename E>
E as(size_t i) {
  return static_cast<E>(i);
}

// Applied in this order: later knobs read what earlier ones set (the decimal
// mark follows the locale, as the parser requires; a legacy charset needs a declaration).
const std::vector<Knob>& knobs() {
  using namespace test;
  static const std::vector<Knob> k = {
      {"model", {"plain_names", "hard_names"}, [](Setup& s, size_t i) { s.hard_names = i == 1; }},
      // ru_point: Russian labels with a decimal point, as btcpool.kz's own Russian page.
      {"locale",
       {"en", "ru", "ru_point"},
       [](Setup& s, size_t i) {
         s.v.locale = i ? "ru" : "en";
         s.v.decimal_comma = i == 1;
       }},
      {"set_lang", {"yes", "no"}, [](Setup& s, size_t i) { s.v.set_lang = i == 0; }},
      {"alt_headers", {"no", "yes"}, [](Setup& s, size_t i) { s.v.alt_headers = i == 1; }},
      {"numbers",
       {"fields", "by_locale", "de_or_ch"},
       [](Setup& s, size_t i) {
         s.v.numbers = i == 0   ? Numbers::fields
                       : i == 1 ? Numbers::by_locale
                                : (s.v.locale == "ru" ? Numbers::de : Numbers::ch);
       }},
      {"thousands",
       {"none", "space", "nbsp", "narrow_nbsp", "punctuation", "thin", "apostrophe"},
       [](Setup& s, size_t i) { s.v.thousands = as<Thousands>(i); }},
      {"trim_fraction", {"no", "yes"}, [](Setup& s, size_t i) { s.v.trim_fraction = i == 1; }},
      {"unit",
       {"automatic", "h", "kh", "mh", "gh", "th", "ph", "eh"},
       [](Setup& s, size_t i) { s.v.unit = as<HashUnit>(i); }},
      {"lower_k", {"yes", "no"}, [](Setup& s, size_t i) { s.v.lower_k = i == 0; }},
      {"space_before_unit",
       {"yes", "no"},
       [](Setup& s, size_t i) { s.v.space_before_unit = i == 0; }},
      {"btc_unit", {"yes", "no"}, [](Setup& s, size_t i) { s.v.btc_unit = i == 0; }},
      {"btc_space", {"yes", "no"}, [](Setup& s, size_t i) { s.v.btc_space = i == 0; }},
      {"date_style",
       {"us", "us_time", "dotted", "iso"},
       [](Setup& s, size_t i) { s.v.date_style = as<DateStyle>(i); }},
      {"share_style",
       {"us_comma", "us_ampm", "iso", "dotted"},
       [](Setup& s, size_t i) { s.v.share_style = as<ShareStyle>(i); }},
      {"status_style",
       {"upper", "title", "russian"},
       [](Setup& s, size_t i) { s.v.status_style = as<StatusStyle>(i); }},
      {"decorate", {"no", "yes"}, [](Setup& s, size_t i) { s.v.decorate = i == 1; }},
      {"shuffle_columns", {"no", "yes"}, [](Setup& s, size_t i) { s.v.shuffle_columns = i == 1; }},
      {"shuffle_cards", {"no", "yes"}, [](Setup& s, size_t i) { s.v.shuffle_cards = i == 1; }},
      {"cell_breaks",
       {"none", "br", "block"},
       [](Setup& s, size_t i) { s.v.cell_breaks = as<CellBreaks>(i); }},
      {"comment_splits", {"no", "yes"}, [](Setup& s, size_t i) { s.v.comment_splits = i == 1; }},
      {"header_rows",
       {"one", "two"},
       [](Setup& s, size_t i) { s.v.header_rows = as<HeaderRows>(i); }},
      {"thead", {"yes", "no"}, [](Setup& s, size_t i) { s.v.thead = i == 0; }},
      {"placeholder_rows",
       {"no", "yes"},
       [](Setup& s, size_t i) { s.v.placeholder_rows = i == 1; }},
      {"charset",
       {"utf-8", "windows-1251", "koi8-r", "utf-16le", "utf-16be", "iso-8859-5"},
       [](Setup& s, size_t i) { s.v.charset = as<Charset>(i); }},
      {"charset_decl",
       {"meta_charset", "meta_http_equiv", "header", "none"},
       [](Setup& s, size_t i) {
         const bool self_evident = s.v.charset == Charset::utf8 ||
                                   s.v.charset == Charset::utf16le ||
                                   s.v.charset == Charset::utf16be;
         s.v.charset_decl = i == 3 && !self_evident ? CharsetDecl::header : as<CharsetDecl>(i);
       }},
      {"utf8_bom", {"no", "yes"}, [](Setup& s, size_t i) { s.v.utf8_bom = i == 1; }},
  };
  return k;
}

using Combo = std::vector<size_t>;  // a value index per knob

Setup setup_of(const Combo& combo, uint32_t seed) {
  Setup s;
  s.v.seed = seed;
  for (size_t k = 0; k < knobs().size(); ++k) knobs()[k].apply(s, combo[k]);
  return s;
}

// "locale=ru charset=koi8-r" (knobs at their default left out).
std::string describe(const Combo& combo) {
  std::string out;
  for (size_t k = 0; k < knobs().size(); ++k) {
    if (combo[k] == 0) continue;
    if (!out.empty()) out += ' ';
    out += std::string(knobs()[k].name) + "=" + knobs()[k].values[combo[k]];
  }
  return out.empty() ? "(default page)" : out;
}

// --- the models and one check ---

// A fleet with values exact in every unit; with hard_names, also names
// differing only in inner whitespace, Cyrillic and Greek names, and some
// values whole in TH/s.
ObserverPage fleet_model(bool hard_names) {
  ObserverPage p = test::make_model(24, 7, 5);
  if (hard_names) test::use_hard_names_and_values(p);
  return p;
}

// A pool without workers or income: empty tables (or their placeholder rows).
ObserverPage empty_model() {
  ObserverPage p;
  p.avg_hashrate_24h_hs = 0;
  p.balance_sat = 0;
  return p;
}

// What is wrong with reading `model` rendered as `combo`; nothing when it reads back exactly.
std::optional<std::string> check(ObserverPage model, const Variant& v) {
  model.locale = v.locale;
  try {
    const std::string bytes = test::render_page(model, v);
    return first_difference(parse_observer_page(decode(bytes, test::content_type(v))), model);
  } catch (const Error& e) {
    return "kz::Error exit " + std::to_string(to_int(e.code())) + ": " + e.what();
  } catch (const std::exception& e) {
    return std::string("exception: ") + e.what();
  }
}

// Both models; the failure names the model it is about.
std::optional<std::string> check_both(const Combo& combo, uint32_t seed) {
  static const ObserverPage plain = fleet_model(false);
  static const ObserverPage hard = fleet_model(true);
  static const ObserverPage empty = empty_model();
  const Setup s = setup_of(combo, seed);
  if (auto why = check(s.hard_names ? hard : plain, s.v)) return "fleet page: " + *why;
  if (auto why = check(empty, s.v)) return "empty pool page: " + *why;
  return std::nullopt;
}

// --- the tests ---

TEST(MetamorphicModel, HoldsTheHardCases) {
  const ObserverPage p = fleet_model(true);
  std::map<std::string, int> names;
  for (const WorkerRow& w : p.workers) ++names[w.name];
  EXPECT_EQ(names.size(), p.workers.size()) << "names must be unique";
  for (const char* name : {"rig 7", "rig  7", "rig\t7", "rig\u00A07", "ферма-1", "Ферма-1"}) {
    EXPECT_EQ(names.count(name), 1u) << quoted(name);
  }
  double current = 0, avg = 0;
  for (const WorkerRow& w : p.workers) {
    ASSERT_FALSE(w.name.empty());
    EXPECT_FALSE(std::isspace(static_cast<unsigned char>(w.name.front())) ||
                 std::isspace(static_cast<unsigned char>(w.name.back())))
        << "outer spaces are trimmed by the parser: " << quoted(w.name);
    for (const double hs : {w.hashrate_10m_hs, w.hashrate_1h_hs, w.hashrate_24h_hs}) {
      EXPECT_EQ(hs, std::floor(hs)) << "whole H/s, exact in every unit: " << quoted(w.name);
    }
    current += w.hashrate_10m_hs;
    avg += w.hashrate_24h_hs;
  }
  EXPECT_EQ(p.current_hashrate_hs, current);
  EXPECT_EQ(p.avg_hashrate_24h_hs, avg);
  EXPECT_EQ(static_cast<size_t>(p.online_workers + p.offline_workers), p.workers.size());
}

// Each knob value alone on the default English or Russian page: a failure
// here names one knob.
struct SingleKnob {
  bool russian;
  size_t knob;
  size_t value;  // 0: the page without any knob
};

size_t knob_index(std::string_view name) {
  for (size_t k = 0; k < knobs().size(); ++k) {
    if (knobs()[k].name == name) return k;
  }
  throw std::logic_error("no knob " + std::string(name));
}

Combo combo_of(const SingleKnob& p) {
  Combo combo(knobs().size(), 0);
  combo[knob_index("locale")] = p.russian ? 1 : 0;
  if (p.value != 0) combo[p.knob] = p.value;
  return combo;
}

void PrintTo(const SingleKnob& p, std::ostream* os) {
  *os << describe(combo_of(p));
}

class MetamorphicKnob : public testing::TestWithParam<SingleKnob> {};

TEST_P(MetamorphicKnob, ReadsBackTheModel) {
  const Combo combo = combo_of(GetParam());
  const auto why = check_both(combo, 1);
  EXPECT_FALSE(why.has_value()) << describe(combo) << " -> " << *why;
}

std::vector<SingleKnob> single_knobs() {
  std::vector<SingleKnob> out;
  for (const bool russian : {false, true}) {
    out.push_back({russian, 0, 0});
    for (size_t k = 0; k < knobs().size(); ++k) {
      if (russian && k == knob_index("locale")) continue;
      for (size_t i = 1; i < knobs()[k].values.size(); ++i) out.push_back({russian, k, i});
    }
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Alone, MetamorphicKnob, testing::ValuesIn(single_knobs()),
                         [](const testing::TestParamInfo<SingleKnob>& param) {
                           const SingleKnob& p = param.param;
                           std::string name = p.russian ? "ru_" : "en_";
                           if (p.value == 0) return name + "page";
                           name += std::string(knobs()[p.knob].name) + "_" +
                                   knobs()[p.knob].values[p.value];
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

// Failing combinations that share a smallest failing knob set.
struct FailureGroup {
  Combo smallest;
  std::string why;
  size_t count = 0;
  std::string example;
};

bool contains(const Combo& combo, const Combo& part) {
  for (size_t k = 0; k < combo.size(); ++k) {
    if (part[k] != 0 && combo[k] != part[k]) return false;
  }
  return true;
}

// Resets knobs to their default one by one while the page still fails.
std::pair<Combo, std::string> smallest_failing(Combo combo, uint32_t seed, std::string why) {
  for (size_t k = 0; k < combo.size(); ++k) {
    if (combo[k] == 0) continue;
    Combo trial = combo;
    trial[k] = 0;
    if (auto trial_why = check_both(trial, seed)) {
      combo = trial;
      why = *trial_why;
    }
  }
  return {combo, why};
}

TEST(Metamorphic, SeededRandomCombinationsReadBackTheModel) {
  constexpr size_t kCombinations = 240;
  std::mt19937 rng(20261122);
  std::vector<FailureGroup> groups;
  size_t failed = 0;
  for (size_t n = 0; n < kCombinations; ++n) {
    Combo combo;
    for (const Knob& k : knobs()) combo.push_back(rng() % k.values.size());
    const auto seed = static_cast<uint32_t>(n + 1);
    const auto why = check_both(combo, seed);
    if (!why) continue;
    ++failed;
    const std::string example =
        "seed " + std::to_string(seed) + ": " + describe(combo) + "\n" + "          -> " + *why;
    auto group = std::find_if(groups.begin(), groups.end(),
                              [&](const FailureGroup& g) { return contains(combo, g.smallest); });
    if (group == groups.end()) {
      auto [smallest, smallest_why] = smallest_failing(combo, seed, *why);
      group = std::find_if(groups.begin(), groups.end(),
                           [&](const FailureGroup& g) { return g.smallest == smallest; });
      if (group == groups.end()) {
        groups.push_back({smallest, smallest_why, 0, example});
        group = groups.end() - 1;
      }
    }
    ++group->count;
  }
  if (failed == 0) return;
  std::sort(groups.begin(), groups.end(),
            [](const FailureGroup& a, const FailureGroup& b) { return a.count > b.count; });
  std::ostringstream report;
  report << failed << " of " << kCombinations
         << " knob combinations do not read back to the model. Smallest failing knob sets\n"
         << "(a combination counts under the first set it contains; 'first' is one of them):\n";
  for (const FailureGroup& g : groups) {
    report << "  [" << g.count << "x] " << describe(g.smallest) << "\n      -> " << g.why
           << "\n      first: " << g.example << "\n";
  }
  ADD_FAILURE() << report.str();
}

}  // namespace
}  // namespace kz
