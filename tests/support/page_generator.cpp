#include "support/page_generator.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <numeric>
#include <random>
#include <stdexcept>
#include <vector>

namespace kz::test {
namespace {

constexpr int64_t kSatPerBtc = 100'000'000;

struct Rng {
  std::mt19937 gen;
  explicit Rng(uint32_t seed) : gen(seed) {}
  uint32_t below(uint32_t n) { return static_cast<uint32_t>(gen() % n); }
  // A CSS-module class such as "cards_card__x9Us5": different on every build.
  std::string cls(std::string_view name) {
    static constexpr std::string_view kChars =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    std::string out = "m_" + std::string(name) + "__";
    for (int i = 0; i < 5; ++i) out += kChars[below(static_cast<uint32_t>(kChars.size()))];
    return out;
  }
};

// Days since 1970-01-01 to civil date (H. Hinnant's algorithm).
std::string civil_date(int64_t days) {
  days += 719468;
  const int64_t era = days / 146097;
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", static_cast<int>(y), static_cast<int>(m),
                static_cast<int>(d));
  return buf;
}

std::string thousands_separator(const Variant& v) {
  switch (v.thousands) {
    case Thousands::none:
      return "";
    case Thousands::space:
      return " ";
    case Thousands::nbsp:
      return "\u00A0";
    case Thousands::narrow_nbsp:
      return "\u202F";
    case Thousands::punctuation:
      return v.decimal_comma ? "." : ",";
  }
  return "";
}

std::string group(const std::string& digits, const Variant& v) {
  const std::string sep = thousands_separator(v);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += sep;
    out += digits[i];
  }
  return out;
}

// Number and unit of a displayed value; the unit may be empty.
struct Shown {
  std::string number;
  std::string unit;
  bool space = true;
};

Shown hashrate_shown(double hs, const Variant& v) {
  static constexpr std::array<const char*, 7> kUnits = {"H/s",  "kH/s", "MH/s", "GH/s",
                                                        "TH/s", "PH/s", "EH/s"};
  if (hs < 0 || hs != static_cast<double>(static_cast<uint64_t>(hs))) {
    throw std::invalid_argument("model hashrates must be whole H/s");
  }
  const auto value = static_cast<uint64_t>(hs);
  size_t step = 0;
  if (v.unit == HashUnit::automatic) {
    for (uint64_t scale = 1000; step < 6 && value >= scale; scale *= 1000) ++step;
  } else {
    step = static_cast<size_t>(v.unit) - 1;
  }
  std::string unit = kUnits[step];
  if (step == 1 && !v.lower_k) unit = "KH/s";
  if (value == 0) return {"0", v.unit == HashUnit::automatic ? "H/s" : unit, v.space_before_unit};
  std::string digits = std::to_string(value);
  const size_t exponent = step * 3;
  if (digits.size() <= exponent) digits.insert(0, exponent - digits.size() + 1, '0');
  std::string whole = digits.substr(0, digits.size() - exponent);
  std::string frac = digits.substr(digits.size() - exponent);
  while (frac.size() > 3 && frac.back() == '0') frac.pop_back();
  frac.append(3 - std::min<size_t>(frac.size(), 3), '0');  // the page shows 3 decimals
  return {group(whole, v) + (v.decimal_comma ? "," : ".") + frac, unit, v.space_before_unit};
}

Shown btc_shown(int64_t sat, const Variant& v) {
  char frac[16];
  std::snprintf(frac, sizeof frac, "%08lld", static_cast<long long>(sat % kSatPerBtc));
  return {group(std::to_string(sat / kSatPerBtc), v) + (v.decimal_comma ? "," : ".") + frac,
          v.btc_unit ? "BTC" : "", v.btc_space};
}

std::string income_date(const std::string& iso, const Variant& v) {
  int y = 0, m = 0, d = 0;
  std::sscanf(iso.c_str(), "%d-%d-%d", &y, &m, &d);
  char buf[40];
  switch (v.date_style) {
    case DateStyle::us:
      std::snprintf(buf, sizeof buf, "%02d/%02d/%04d", m, d, y);
      break;
    case DateStyle::us_time:
      std::snprintf(buf, sizeof buf, "%d/%d/%04d 12:00:00 AM", m, d, y);
      break;
    case DateStyle::dotted:
      std::snprintf(buf, sizeof buf, "%02d.%02d.%04d", d, m, y);
      break;
    case DateStyle::iso:
      return iso;
  }
  return buf;
}

std::string share_time(const std::optional<std::string>& iso, const Variant& v) {
  if (!iso) return "-";
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  std::sscanf(iso->c_str(), "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &s);
  char buf[48];
  switch (v.share_style) {
    case ShareStyle::us_comma:
      std::snprintf(buf, sizeof buf, "%02d/%02d/%04d, %02d:%02d:%02d", mo, d, y, h, mi, s);
      break;
    case ShareStyle::us_ampm:
      std::snprintf(buf, sizeof buf, "%d/%d/%04d, %d:%02d:%02d %s", mo, d, y,
                    h % 12 == 0 ? 12 : h % 12, mi, s, h < 12 ? "AM" : "PM");
      break;
    case ShareStyle::iso:
      std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", y, mo, d, h, mi, s);
      break;
    case ShareStyle::dotted:
      std::snprintf(buf, sizeof buf, "%02d.%02d.%04d %02d:%02d:%02d", d, mo, y, h, mi, s);
      break;
  }
  return buf;
}

// Escaped text; when decorating, no-break spaces become entities.
std::string text_html(std::string_view text, const Variant& v) {
  std::string out = escape_html(text);
  if (!v.decorate) return out;
  for (const auto& [raw, entity] :
       {std::pair<std::string_view, std::string_view>{"\u00A0", "&nbsp;"}, {"\u202F", "&#8239;"}}) {
    for (size_t i = out.find(raw); i != std::string::npos; i = out.find(raw, i)) {
      out.replace(i, raw.size(), entity);
      i += entity.size();
    }
  }
  return out;
}

class Renderer {
 public:
  Renderer(const Variant& v) : v_(v), rng_(v.seed), ru_(v.locale == "ru") {}

  std::string page(const ObserverPage& p);

 private:
  std::string icon() {
    return "<svg viewBox=\"0 0 24 24\" class=\"" + rng_.cls("icon") +
           "\"><title>icon</title><path d=\"M0 0h24v24H0z\"/></svg>";
  }
  // Wraps cell or card content in extra layers, newlines and runs of spaces.
  std::string wrap(const std::string& inner) {
    if (!v_.decorate) return inner;
    return "\n      <div class=\"" + rng_.cls("cell") + "\">\n        <span>" + inner +
           "</span>\n      </div>\n    ";
  }
  std::string value(const Shown& s) {
    const std::string sep = s.unit.empty() || !s.space ? "" : v_.decorate ? "&nbsp;" : " ";
    if (!v_.decorate) return text_html(s.number, v_) + sep + text_html(s.unit, v_);
    return "<span class=\"" + rng_.cls("num") + "\">" + text_html(s.number, v_) + "</span>" + sep +
           "<span>" + text_html(s.unit, v_) + "</span>";
  }
  std::string card(std::string_view label, const std::string& value_html) {
    std::string out = "<div class=\"" + rng_.cls("card") + "\">";
    out +=
        v_.decorate ? icon() : "<img class=\"" + rng_.cls("img") + "\" src=\"/i.svg\" alt=\"\"/>";
    out += "<div class=\"" + rng_.cls("body") + "\"><p class=\"" + rng_.cls("title") + "\">" +
           wrap(text_html(label, v_)) + "</p>\n<p class=\"" + rng_.cls("value") + "\">" +
           wrap(value_html) + "</p></div></div>\n";
    return out;
  }
  std::string status(WorkerStatus s) {
    const bool on = s == WorkerStatus::online;
    std::string word;
    switch (v_.status_style) {
      case StatusStyle::upper:
        word = on ? "ONLINE" : "OFFLINE";
        break;
      case StatusStyle::title:
        word = on ? "Online" : "Offline";
        break;
      case StatusStyle::russian:
        word = on ? "В\u00A0сети" : "Не в\u00A0сети";
        break;
    }
    return "<span class=\"" + rng_.cls(on ? "status_online" : "status_offline") + "\">" +
           (v_.decorate ? icon() + "\n  " : "") + text_html(word, v_) + "</span>";
  }
  std::vector<size_t> order(size_t n) {
    std::vector<size_t> idx(n);
    std::iota(idx.begin(), idx.end(), 0);
    if (v_.shuffle_columns) std::shuffle(idx.begin(), idx.end(), rng_.gen);
    return idx;
  }
  std::string table(const std::vector<std::string>& headers,
                    const std::vector<std::vector<std::string>>& rows);

  const Variant& v_;
  Rng rng_;
  bool ru_;
};

std::string Renderer::table(const std::vector<std::string>& headers,
                            const std::vector<std::vector<std::string>>& rows) {
  const std::vector<size_t> cols = order(headers.size());
  std::string out = "<table class=\"" + rng_.cls("table") + "\"><thead><tr>";
  for (const size_t c : cols) out += "<th>" + wrap(text_html(headers[c], v_)) + "</th>";
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : rows) {
    out += "<tr>";
    for (const size_t c : cols) out += "<td>" + wrap(row[c]) + "</td>";
    out += "</tr>\n";
  }
  return out + "</tbody></table>";
}

std::string Renderer::page(const ObserverPage& p) {
  std::string out = "<!DOCTYPE html><html";
  if (v_.set_lang) out += " lang=\"" + v_.locale + "\"";
  out +=
      "><head><meta charSet=\"utf-8\"/><title>BTCpool.kz</title></head>\n<body><div id=\"__next\">";
  out += "<header class=\"" + rng_.cls("header") + "\"><a href=\"/\">BTCpool.kz</a></header>\n";
  out +=
      "<main class=\"" + rng_.cls("page") + "\">\n<section class=\"" + rng_.cls("cards") + "\">\n";
  std::vector<std::string> cards;
  const auto hr = [&](double hs) { return value(hashrate_shown(hs, v_)); };
  const auto count = [&](int n) { return text_html(group(std::to_string(n), v_), v_); };
  cards.push_back(card(ru_ ? "Текущий хешрейт" : "Current hashrate", hr(p.current_hashrate_hs)));
  if (p.avg_hashrate_24h_hs) {
    cards.push_back(card(ru_ ? "Средний хешрейт за 24ч" : "Average hashrate (24h)",
                         hr(*p.avg_hashrate_24h_hs)));
  }
  cards.push_back(card(ru_ ? "Онлайн воркеры" : "Online workers", count(p.online_workers)));
  cards.push_back(card(ru_ ? "Оффлайн воркеры" : "Offline workers", count(p.offline_workers)));
  if (p.balance_sat) {
    cards.push_back(card(ru_ ? "Баланс" : "Balance", value(btc_shown(*p.balance_sat, v_))));
  }
  if (p.last_income_sat) {
    cards.push_back(
        card(ru_ ? "Последний доход" : "Last income", value(btc_shown(*p.last_income_sat, v_))));
  }
  if (v_.shuffle_cards) std::shuffle(cards.begin(), cards.end(), rng_.gen);
  for (const std::string& c : cards) out += c;
  out += "</section>\n<section class=\"" + rng_.cls("workers") + "\"><h2>" +
         (ru_ ? "Воркеры" : "Workers") + "</h2>\n";

  std::vector<std::string> headers;
  if (ru_) {
    headers =
        v_.alt_headers
            ? std::vector<std::string>{"Имя", "Состояние", "10 мин", "1ч", "24ч", "Последняя шара"}
            : std::vector<std::string>{"Воркер",      "Статус",       "Хешрейт 10 мин",
                                       "Хешрейт 1 ч", "Хешрейт 24 ч", "Последний обмен"};
  } else {
    headers = v_.alt_headers
                  ? std::vector<std::string>{"Name", "State", "10m", "1 h", "24 h", "Last seen"}
                  : std::vector<std::string>{"Worker",       "Status",        "Hashrate 10 min",
                                             "Hashrate 1 h", "Hashrate 24 h", "Last share"};
  }
  std::vector<std::vector<std::string>> rows;
  rows.reserve(p.workers.size());
  for (const WorkerRow& w : p.workers) {
    rows.push_back({(v_.decorate ? icon() + "<img src=\"/w.png\" alt=\"worker\"/>" : "") +
                        text_html(w.name, v_),
                    status(w.status), hr(w.hashrate_10m_hs), hr(w.hashrate_1h_hs),
                    hr(w.hashrate_24h_hs), text_html(share_time(w.last_share_local, v_), v_)});
  }
  out += table(headers, rows) + "</section>\n";

  if (!p.income.empty()) {
    const bool with_hashrate = std::any_of(p.income.begin(), p.income.end(),
                                           [](const IncomeRow& r) { return r.hashrate_hs; });
    headers =
        ru_ ? (v_.alt_headers ? std::vector<std::string>{"День", "Начислено", "Хешрейт за 24ч"}
                              : std::vector<std::string>{"Дата", "Общий доход", "Хешрейт"})
            : (v_.alt_headers ? std::vector<std::string>{"Day", "Earnings", "Hashrate (24h)"}
                              : std::vector<std::string>{"Date", "Total income", "Hashrate"});
    if (!with_hashrate) headers.pop_back();
    rows.clear();
    for (const IncomeRow& r : p.income) {
      rows.push_back(
          {text_html(income_date(r.date, v_), v_), value(btc_shown(r.total_income_sat, v_))});
      if (with_hashrate) rows.back().push_back(r.hashrate_hs ? hr(*r.hashrate_hs) : "-");
    }
    out += "<section class=\"" + rng_.cls("income") + "\"><h2>" + (ru_ ? "Доходы" : "Income") +
           "</h2>\n" + table(headers, rows) + "</section>\n";
  }
  out += "</main>\n<footer>&copy; 2026 BTCpool.kz</footer>\n</div></body></html>\n";
  if (v_.truncate_at && *v_.truncate_at < out.size()) out.resize(*v_.truncate_at);
  return out;
}

}  // namespace

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string format_hashrate(double hs, const Variant& variant) {
  const Shown s = hashrate_shown(hs, variant);
  return s.number + (s.space ? " " : "") + s.unit;
}

ObserverPage make_model(size_t workers, uint32_t seed, size_t income_days) {
  Rng rng(seed);
  ObserverPage p;
  p.locale = "en";
  double current = 0, avg = 0;
  for (size_t i = 0; i < workers; ++i) {
    WorkerRow w;
    char name[64];
    switch (i % 4) {
      case 0:
        std::snprintf(name, sizeof name, "kz%02zux%03zu", i % 7 + 1, i);
        break;
      case 1:
        std::snprintf(name, sizeof name, "%zux%zu.1%zuX1%zuX%zu", 100 + i / 40, i % 40 + 1, i % 7,
                      i % 5, i);
        break;
      case 2:
        std::snprintf(name, sizeof name, "ekb-%zu", i);
        break;
      default:
        std::snprintf(name, sizeof name, "rig_%zu.A", i);
    }
    w.name = name;
    w.status = rng.below(12) == 0 ? WorkerStatus::offline : WorkerStatus::online;
    // Mostly realistic ASICs (whole GH/s); some tiny ones in plain H/s.
    const auto rate = [&] {
      return i % 13 == 5 ? static_cast<double>(rng.below(999'999) + 1)
                         : static_cast<double>(50'000 + rng.below(200'000)) * 1e9;
    };
    w.hashrate_24h_hs = rate();
    if (w.status == WorkerStatus::online) {
      w.hashrate_10m_hs = rate();
      w.hashrate_1h_hs = rate();
    }
    static constexpr int kEdgeHours[] = {0, 11, 12, 13, 23};
    const int hour = i < 5 ? kEdgeHours[i] : static_cast<int>(rng.below(24));
    char share[32];
    std::snprintf(share, sizeof share, "2026-11-22T%02d:%02u:%02u", hour, rng.below(60),
                  rng.below(60));
    if (i % 17 != 16) w.last_share_local = share;
    current += w.hashrate_10m_hs;
    avg += w.hashrate_24h_hs;
    (w.status == WorkerStatus::online ? p.online_workers : p.offline_workers) += 1;
    p.workers.push_back(std::move(w));
  }
  p.current_hashrate_hs = current;
  p.avg_hashrate_24h_hs = avg;
  p.balance_sat = rng.below(50'000'000);
  const int64_t first_day = 20515;  // 2026-03-03: the rows cross the end of February
  for (size_t d = 0; d < income_days; ++d) {
    const int64_t sat = 100'000 + rng.below(5'000'000);
    if (d == 0) p.last_income_sat = sat;
    p.income.push_back({civil_date(first_day - static_cast<int64_t>(d)), sat,
                        static_cast<double>(5'000'000 + rng.below(40'000'000)) * 1e9});
  }
  return p;
}

std::string render_page(const ObserverPage& page, const Variant& variant) {
  return Renderer(variant).page(page);
}

}  // namespace kz::test
