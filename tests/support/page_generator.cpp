#include "support/page_generator.hpp"

#include <algorithm>
#include <numeric>
#include <random>
#include <vector>

#include "support/charset_encode.hpp"
#include "support/page_format.hpp"

namespace kz::test {
namespace {

using detail::DateTime;
using detail::Shown;

constexpr std::string_view kComment = "<!-- -->";

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

// Columns shown under one "Hashrate" heading when the header has two rows.
struct HeaderGroup {
  std::vector<size_t> columns;
  std::string label;
};

class Renderer {
 public:
  Renderer(const Variant& v) : v_(v), rng_(v.seed), split_rng_(v.seed), ru_(v.locale == "ru") {}

  std::string page(const ObserverPage& p);

 private:
  // Escaped text; when decorating, no-break spaces become entities; with
  // comment_splits, "<!-- -->" between some characters (never inside an entity).
  std::string text(std::string_view raw) {
    std::string out = escape_html(raw);
    if (v_.decorate) {
      for (const auto& [from, entity] :
           {std::pair<std::string_view, std::string_view>{"\u00A0", "&nbsp;"},
            {"\u202F", "&#8239;"}}) {
        for (size_t i = out.find(from); i != std::string::npos; i = out.find(from, i)) {
          out.replace(i, from.size(), entity);
          i += entity.size();
        }
      }
    }
    if (!v_.comment_splits) return out;
    std::string split;
    bool in_entity = false;
    for (size_t i = 0; i < out.size(); ++i) {
      const auto c = static_cast<unsigned char>(out[i]);
      const bool boundary = i > 0 && (c & 0xC0) != 0x80;
      if (boundary && !in_entity && split_rng_.below(4) == 0) split += kComment;
      if (c == '&') in_entity = true;
      if (c == ';') in_entity = false;
      split += out[i];
    }
    return split;
  }
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
  // Cell content in its own block element with CellBreaks::block.
  std::string block(const std::string& inner) {
    return v_.cell_breaks == CellBreaks::block ? "<p>" + inner + "</p>" : inner;
  }
  std::string value(const Shown& s) {
    const std::string sep = s.unit.empty() || !s.space ? "" : v_.decorate ? "&nbsp;" : " ";
    const std::string_view joint = v_.comment_splits ? kComment : "";
    if (!v_.decorate) {
      return text(s.number) + std::string(joint) + sep + std::string(joint) + text(s.unit);
    }
    return "<span class=\"" + rng_.cls("num") + "\">" + text(s.number) + "</span>" + sep +
           "<span>" + text(s.unit) + "</span>";
  }
  std::string date_time(const DateTime& dt) {
    if (dt.time.empty()) return block(text(dt.date));
    switch (v_.cell_breaks) {
      case CellBreaks::none:
        break;
      case CellBreaks::br:
        return text(dt.date) + "<br>" + text(dt.time);
      case CellBreaks::block:
        return "<div>" + text(dt.date) + "</div><div>" + text(dt.time) + "</div>";
    }
    if (!v_.comment_splits) return text(dt.text());
    return text(dt.date) + std::string(kComment) + text(dt.separator) + std::string(kComment) +
           text(dt.time);
  }
  std::string card(std::string_view label, const std::string& value_html) {
    std::string out = "<div class=\"" + rng_.cls("card") + "\">";
    out +=
        v_.decorate ? icon() : "<img class=\"" + rng_.cls("img") + "\" src=\"/i.svg\" alt=\"\"/>";
    out += "<div class=\"" + rng_.cls("body") + "\"><p class=\"" + rng_.cls("title") + "\">" +
           wrap(text(label)) + "</p>\n<p class=\"" + rng_.cls("value") + "\">" + wrap(value_html) +
           "</p></div></div>\n";
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
    return block("<span class=\"" + rng_.cls(on ? "status_online" : "status_offline") + "\">" +
                 (v_.decorate ? icon() + "\n  " : "") + text(word) + "</span>");
  }
  std::vector<size_t> order(size_t n, const HeaderGroup* group);
  std::string header(const std::vector<std::string>& headers, const std::vector<size_t>& cols,
                     const HeaderGroup* group);
  std::string table(const std::vector<std::string>& headers,
                    const std::vector<std::vector<std::string>>& rows, std::string_view placeholder,
                    const HeaderGroup* group = nullptr);
  std::string head() const;
  std::string workers(const ObserverPage& p);
  std::string income(const ObserverPage& p);

  const Variant& v_;
  Rng rng_;
  Rng split_rng_;  // its own, so that a page with splits is the page without them plus comments
  bool ru_;
};

std::vector<size_t> Renderer::order(size_t n, const HeaderGroup* group) {
  std::vector<size_t> idx(n);
  std::iota(idx.begin(), idx.end(), 0);
  if (v_.shuffle_columns) std::shuffle(idx.begin(), idx.end(), rng_.gen);
  if (!group || v_.header_rows == HeaderRows::one) return idx;
  // The grouped columns sit side by side, where the first of them fell.
  const auto grouped = [&](size_t c) {
    return std::find(group->columns.begin(), group->columns.end(), c) != group->columns.end();
  };
  std::vector<size_t> out;
  for (const size_t c : idx) {
    if (!grouped(c)) {
      out.push_back(c);
    } else if (std::none_of(out.begin(), out.end(), grouped)) {
      std::copy_if(idx.begin(), idx.end(), std::back_inserter(out), grouped);
    }
  }
  return out;
}

std::string Renderer::header(const std::vector<std::string>& headers,
                             const std::vector<size_t>& cols, const HeaderGroup* group) {
  std::string out = "<tr>";
  if (!group || v_.header_rows == HeaderRows::one) {
    for (const size_t c : cols) out += "<th>" + wrap(text(headers[c])) + "</th>";
    return out + "</tr>";
  }
  std::string second = "<tr>";
  for (const size_t c : cols) {
    const bool grouped =
        std::find(group->columns.begin(), group->columns.end(), c) != group->columns.end();
    if (!grouped) {
      out += "<th rowspan=\"2\">" + wrap(text(headers[c])) + "</th>";
      continue;
    }
    if (second == "<tr>") {
      out += "<th colspan=\"" + std::to_string(group->columns.size()) + "\">" +
             wrap(text(group->label)) + "</th>";
    }
    std::string sub = headers[c];  // "Hashrate 10 min" -> "10 min"
    if (sub.rfind(group->label + " ", 0) == 0) sub.erase(0, group->label.size() + 1);
    second += "<th>" + wrap(text(sub)) + "</th>";
  }
  return out + "</tr>\n" + second + "</tr>";
}

std::string Renderer::table(const std::vector<std::string>& headers,
                            const std::vector<std::vector<std::string>>& rows,
                            std::string_view placeholder, const HeaderGroup* group) {
  const std::vector<size_t> cols = order(headers.size(), group);
  std::string out = "<table class=\"" + rng_.cls("table") + "\">";
  out += v_.thead ? "<thead>" + header(headers, cols, group) + "</thead>\n<tbody>\n"
                  : header(headers, cols, group) + "\n";
  for (const auto& row : rows) {
    out += "<tr>";
    for (const size_t c : cols) out += "<td>" + wrap(row[c]) + "</td>";
    out += "</tr>\n";
  }
  if (rows.empty() && v_.placeholder_rows) {
    out += "<tr><td colspan=\"" + std::to_string(cols.size()) + "\">" + wrap(text(placeholder)) +
           "</td></tr>\n";
  }
  return out + (v_.thead ? "</tbody></table>" : "</table>");
}

std::string Renderer::head() const {
  const std::string label(charset_label(v_.charset));
  switch (v_.charset_decl) {
    case CharsetDecl::meta_charset:
      return "<meta charSet=\"" + label + "\"/>";
    case CharsetDecl::meta_http_equiv:
      return "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=" + label + "\"/>";
    case CharsetDecl::header:
    case CharsetDecl::none:
      break;
  }
  return "";
}

std::string Renderer::workers(const ObserverPage& p) {
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
  const auto hr = [&](double hs) { return block(value(detail::hashrate_shown(hs, v_))); };
  std::vector<std::vector<std::string>> rows;
  rows.reserve(p.workers.size());
  for (const WorkerRow& w : p.workers) {
    rows.push_back(
        {(v_.decorate ? icon() + "<img src=\"/w.png\" alt=\"worker\"/>" : "") + block(text(w.name)),
         status(w.status), hr(w.hashrate_10m_hs), hr(w.hashrate_1h_hs), hr(w.hashrate_24h_hs),
         date_time(detail::share_time(w.last_share_local, v_))});
  }
  const HeaderGroup group{{2, 3, 4}, ru_ ? "Хешрейт" : "Hashrate"};
  return table(headers, rows, ru_ ? "Нет воркеров" : "No workers", &group);
}

std::string Renderer::income(const ObserverPage& p) {
  const bool with_hashrate =
      p.income.empty() || std::any_of(p.income.begin(), p.income.end(),
                                      [](const IncomeRow& r) { return r.hashrate_hs; });
  std::vector<std::string> headers =
      ru_ ? (v_.alt_headers ? std::vector<std::string>{"День", "Начислено", "Хешрейт за 24ч"}
                            : std::vector<std::string>{"Дата", "Общий доход", "Хешрейт"})
          : (v_.alt_headers ? std::vector<std::string>{"Day", "Earnings", "Hashrate (24h)"}
                            : std::vector<std::string>{"Date", "Total income", "Hashrate"});
  if (!with_hashrate) headers.pop_back();
  std::vector<std::vector<std::string>> rows;
  for (const IncomeRow& r : p.income) {
    rows.push_back({date_time(detail::income_date(r.date, v_)),
                    block(value(detail::btc_shown(r.total_income_sat, v_)))});
    if (with_hashrate) {
      rows.back().push_back(r.hashrate_hs ? block(value(detail::hashrate_shown(*r.hashrate_hs, v_)))
                                          : "-");
    }
  }
  return "<section class=\"" + rng_.cls("income") + "\"><h2>" + text(ru_ ? "Доходы" : "Income") +
         "</h2>\n" + table(headers, rows, ru_ ? "Нет данных" : "No data") + "</section>\n";
}

std::string Renderer::page(const ObserverPage& p) {
  std::string out = "<!DOCTYPE html><html";
  if (v_.set_lang) out += " lang=\"" + v_.locale + "\"";
  out += "><head>" + head() + "<title>BTCpool.kz</title></head>\n<body><div id=\"__next\">";
  out += "<header class=\"" + rng_.cls("header") + "\"><a href=\"/\">BTCpool.kz</a></header>\n";
  out +=
      "<main class=\"" + rng_.cls("page") + "\">\n<section class=\"" + rng_.cls("cards") + "\">\n";
  std::vector<std::string> cards;
  const auto hr = [&](double hs) { return value(detail::hashrate_shown(hs, v_)); };
  const auto count = [&](int64_t n) { return text(detail::group_digits(std::to_string(n), v_)); };
  const auto btc = [&](int64_t sat) { return value(detail::btc_shown(sat, v_)); };
  cards.push_back(card(ru_ ? "Текущий хешрейт" : "Current hashrate", hr(p.current_hashrate_hs)));
  if (p.avg_hashrate_24h_hs) {
    cards.push_back(card(ru_ ? "Средний хешрейт за 24ч" : "Average hashrate (24h)",
                         hr(*p.avg_hashrate_24h_hs)));
  }
  cards.push_back(card(ru_ ? "Онлайн воркеры" : "Online workers", count(p.online_workers)));
  cards.push_back(card(ru_ ? "Оффлайн воркеры" : "Offline workers", count(p.offline_workers)));
  if (p.balance_sat) cards.push_back(card(ru_ ? "Баланс" : "Balance", btc(*p.balance_sat)));
  if (p.last_income_sat) {
    cards.push_back(card(ru_ ? "Последний доход" : "Last income", btc(*p.last_income_sat)));
  }
  if (v_.shuffle_cards) std::shuffle(cards.begin(), cards.end(), rng_.gen);
  for (const std::string& c : cards) out += c;
  out += "</section>\n<section class=\"" + rng_.cls("workers") + "\"><h2>" +
         text(ru_ ? "Воркеры" : "Workers") + "</h2>\n";
  out += workers(p) + "</section>\n";
  if (!p.income.empty() || v_.placeholder_rows) out += income(p);
  out += "</main>\n<footer>&copy; 2026 BTCpool.kz</footer>\n</div></body></html>\n";
  return out;
}

// iconv's name for the charset.
std::string_view iconv_name(Charset charset) {
  switch (charset) {
    case Charset::utf8:
      return "UTF-8";
    case Charset::windows_1251:
      return "WINDOWS-1251";
    case Charset::koi8_r:
      return "KOI8-R";
    case Charset::utf16le:
      return "UTF-16LE";
    case Charset::utf16be:
      return "UTF-16BE";
    case Charset::iso_8859_5:
      return "ISO-8859-5";
  }
  return "UTF-8";
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
  const Shown s = detail::hashrate_shown(hs, variant);
  return s.number + (s.space ? " " : "") + s.unit;
}

std::string render_page(const ObserverPage& page, const Variant& variant) {
  std::string out = Renderer(variant).page(page);
  switch (variant.charset) {
    case Charset::utf8:
      if (variant.utf8_bom) out.insert(0, "\xEF\xBB\xBF");
      break;
    case Charset::utf16le:
      out = "\xFF\xFE" + encode_with_references(out, iconv_name(variant.charset));
      break;
    case Charset::utf16be:
      out = "\xFE\xFF" + encode_with_references(out, iconv_name(variant.charset));
      break;
    default:
      out = encode_with_references(out, iconv_name(variant.charset));
  }
  if (variant.truncate_at && *variant.truncate_at < out.size()) out.resize(*variant.truncate_at);
  return out;
}

std::string_view charset_label(Charset charset) {
  switch (charset) {
    case Charset::utf8:
      return "utf-8";
    case Charset::windows_1251:
      return "windows-1251";
    case Charset::koi8_r:
      return "koi8-r";
    case Charset::utf16le:
      return "utf-16le";
    case Charset::utf16be:
      return "utf-16be";
    case Charset::iso_8859_5:
      return "iso-8859-5";
  }
  return "utf-8";
}

std::string content_type(const Variant& variant) {
  if (variant.charset_decl != CharsetDecl::header) return "text/html";
  return "text/html; charset=" + std::string(charset_label(variant.charset));
}

}  // namespace kz::test
