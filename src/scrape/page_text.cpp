#include "scrape/page_text.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <initializer_list>

#include "common/units.hpp"

namespace kz {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool contains_any(std::string_view text, std::initializer_list<std::string_view> words) {
  for (const std::string_view w : words) {
    if (text.find(w) != std::string_view::npos) return true;
  }
  return false;
}

struct LabelDef {
  std::string_view normalized;
  Card card;
  bool russian;
};

constexpr LabelDef kLabels[] = {
    {"текущий хешрейт", Card::current_hashrate, true},
    {"текущий хэшрейт", Card::current_hashrate, true},
    {"current hashrate", Card::current_hashrate, false},
    {"средний хешрейт за 24ч", Card::avg_hashrate_24h, true},
    {"средний хэшрейт за 24ч", Card::avg_hashrate_24h, true},
    {"средний хешрейт 24ч", Card::avg_hashrate_24h, true},
    {"average hashrate 24h", Card::avg_hashrate_24h, false},
    {"avg hashrate 24h", Card::avg_hashrate_24h, false},
    {"24h average hashrate", Card::avg_hashrate_24h, false},
    {"онлайн воркеры", Card::online_workers, true},
    {"воркеры онлайн", Card::online_workers, true},
    {"online workers", Card::online_workers, false},
    {"workers online", Card::online_workers, false},
    {"оффлайн воркеры", Card::offline_workers, true},
    {"офлайн воркеры", Card::offline_workers, true},
    {"воркеры оффлайн", Card::offline_workers, true},
    {"offline workers", Card::offline_workers, false},
    {"workers offline", Card::offline_workers, false},
    {"баланс", Card::balance, true},
    {"balance", Card::balance, false},
    {"последний доход", Card::last_income, true},
    {"last income", Card::last_income, false},
};

// Minutes in the first "<number><unit>" of a header ("хешрейт 10мин" -> 10), or 0.
int period_minutes(std::string_view h) {
  for (size_t i = 0; i < h.size(); ++i) {
    if (!is_digit(h[i]) || (i > 0 && is_digit(h[i - 1]))) continue;
    int n = 0;
    size_t j = i;
    while (j < h.size() && is_digit(h[j]) && n < 100000) n = n * 10 + (h[j++] - '0');
    const std::string_view unit = h.substr(j);
    if (unit.starts_with("min") || unit.starts_with("мин") || unit.starts_with("m") ||
        unit.starts_with("м")) {
      return n;
    }
    if (unit.starts_with("h") || unit.starts_with("ч")) return n * 60;
    if (unit.starts_with("d") || unit.starts_with("д") || unit.starts_with("сут")) return n * 1440;
  }
  return 0;
}

// Reads min..max digits at s[i]; the digit run must end there.
std::optional<int> read_int(std::string_view s, size_t& i, size_t min, size_t max) {
  size_t j = i;
  int v = 0;
  while (j < s.size() && is_digit(s[j]) && j - i < max) v = v * 10 + (s[j++] - '0');
  if (j - i < min || (j < s.size() && is_digit(s[j]))) return std::nullopt;
  i = j;
  return v;
}

bool expect(std::string_view s, size_t& i, char c) {
  if (i >= s.size() || s[i] != c) return false;
  ++i;
  return true;
}

void skip_spaces(std::string_view s, size_t& i) {
  while (size_t n = space_length(s.substr(i))) i += n;
}

struct Date {
  int year = 0, month = 0, day = 0;
};

std::optional<Date> read_date(std::string_view s, size_t& i) {
  const size_t start = i;
  const std::optional<int> first = read_int(s, i, 1, 4);
  if (!first || i >= s.size()) return std::nullopt;
  const size_t first_len = i - start;
  const char sep = s[i++];
  Date d;
  std::optional<int> second, third;
  if (sep == '-' && first_len == 4) {
    d.year = *first;
    second = read_int(s, i, 1, 2);
    if (!second || !expect(s, i, '-') || !(third = read_int(s, i, 1, 2))) return std::nullopt;
    d.month = *second;
    d.day = *third;
  } else if ((sep == '/' || sep == '.') && first_len <= 2) {
    second = read_int(s, i, 1, 2);
    if (!second || !expect(s, i, sep) || !(third = read_int(s, i, 4, 4))) return std::nullopt;
    d.year = *third;
    d.month = sep == '/' ? *first : *second;
    d.day = sep == '/' ? *second : *first;
  } else {
    return std::nullopt;
  }
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (d.year < 1970 || d.month < 1 || d.month > 12 || d.day < 1) return std::nullopt;
  const bool leap = (d.year % 4 == 0 && d.year % 100 != 0) || d.year % 400 == 0;
  if (d.day > kDays[d.month - 1] + (d.month == 2 && leap ? 1 : 0)) return std::nullopt;
  return d;
}

struct Time {
  int hour = 0, minute = 0, second = 0;
};

// "10:33:25", "9:05", "12:00:00 AM" after the date, with an optional ',' or 'T'
// between; the time must end the text.
std::optional<Time> read_time_to_end(std::string_view s, size_t& i) {
  if (i < s.size() && (s[i] == ',' || s[i] == 'T')) ++i;
  skip_spaces(s, i);
  Time t;
  const std::optional<int> h = read_int(s, i, 1, 2);
  std::optional<int> m, sec;
  if (!h || !expect(s, i, ':') || !(m = read_int(s, i, 2, 2))) return std::nullopt;
  if (i < s.size() && s[i] == ':' && !(sec = read_int(s, ++i, 2, 2))) return std::nullopt;
  t.hour = *h;
  t.minute = *m;
  t.second = sec.value_or(0);
  if (t.minute > 59 || t.second > 59) return std::nullopt;
  skip_spaces(s, i);
  const std::string_view rest = s.substr(i);
  if (rest.size() == 2 && (rest[1] == 'M' || rest[1] == 'm')) {
    const bool pm = rest[0] == 'P' || rest[0] == 'p';
    if (!pm && rest[0] != 'A' && rest[0] != 'a') return std::nullopt;
    if (t.hour < 1 || t.hour > 12) return std::nullopt;
    t.hour = t.hour % 12 + (pm ? 12 : 0);
    i = s.size();
  }
  if (i != s.size() || t.hour > 23) return std::nullopt;
  return t;
}

}  // namespace

void normalize_label(std::string_view text, std::string& out) {
  out.clear();
  bool pending_space = false;
  for (size_t i = 0; i < text.size();) {
    const size_t n = space_length(text.substr(i));
    if (n > 0 || text[i] == ':' || text[i] == '(' || text[i] == ')') {
      pending_space = true;
      i += n > 0 ? n : 1;
      continue;
    }
    const auto c = static_cast<unsigned char>(text[i]);
    if (pending_space && !out.empty() && !(is_digit(out.back()) && !is_digit(text[i]))) {
      out += ' ';
    }
    pending_space = false;
    const auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    if (c >= 'A' && c <= 'Z') {
      out += static_cast<char>(c - 'A' + 'a');
    } else if (c == 0xD0 && next >= 0x90 && next <= 0x9F) {  // А..П
      out += '\xD0';
      out += static_cast<char>(next + 0x20);
      ++i;
    } else if (c == 0xD0 && next >= 0xA0 && next <= 0xAF) {  // Р..Я
      out += '\xD1';
      out += static_cast<char>(next - 0x20);
      ++i;
    } else if ((c == 0xD0 && next == 0x81) || (c == 0xD1 && next == 0x91)) {  // Ё, ё
      out += "е";
      ++i;
    } else {
      out += static_cast<char>(c);
    }
    ++i;
  }
}

std::string normalize_label(std::string_view text) {
  std::string out;
  normalize_label(text, out);
  return out;
}

const char* card_name(Card card) {
  switch (card) {
    case Card::current_hashrate:
      return "Current hashrate";
    case Card::avg_hashrate_24h:
      return "Average hashrate (24h)";
    case Card::online_workers:
      return "Online workers";
    case Card::offline_workers:
      return "Offline workers";
    case Card::balance:
      return "Balance";
    case Card::last_income:
      return "Last income";
  }
  return "?";
}

bool may_be_card_label(unsigned char first, size_t non_space) {
  struct Bounds {
    size_t min = static_cast<size_t>(-1), max = 0;
    bool first[128] = {};
    Bounds() {
      for (const LabelDef& def : kLabels) {
        size_t n = 0;
        for (const char c : def.normalized) n += c == ' ' ? 0 : 1;
        min = std::min(min, n);
        max = std::max(max, n);
        const auto c = static_cast<unsigned char>(def.normalized.front());
        if (c < 0x80) first[c] = true;
      }
    }
  };
  static const Bounds bounds;
  // Raw text may add ':', '(', ')' and no-break spaces, which normalize to spaces.
  if (non_space < bounds.min || non_space > bounds.max + 24) return false;
  if (first >= 0x80 || first == '(' || first == ':') return true;
  const unsigned char lower = first >= 'A' && first <= 'Z' ? first | 0x20 : first;
  return bounds.first[lower];
}

std::optional<CardLabel> match_card_label(std::string_view normalized) {
  for (const LabelDef& def : kLabels) {
    if (def.normalized == normalized) return CardLabel{def.card, def.russian};
  }
  return std::nullopt;
}

Column classify_header(std::string_view h) {
  const int minutes = period_minutes(h);
  if (minutes > 0 || contains_any(h, {"хешрейт", "хэшрейт", "hashrate", "hash rate", "h/s"})) {
    switch (minutes) {
      case 0:
        return Column::hashrate;
      case 10:
        return Column::hashrate_10m;
      case 60:
        return Column::hashrate_1h;
      case 1440:
        return Column::hashrate_24h;
      default:
        return Column::unknown;
    }
  }
  if (contains_any(h, {"share", "шар", "обмен", "last seen", "активност", "последн"})) {
    return Column::last_share;
  }
  if (contains_any(h, {"статус", "status", "состояние", "state"})) return Column::status;
  if (contains_any(h, {"воркер", "worker", "name", "имя", "майнер", "miner", "устройств"})) {
    return Column::name;
  }
  if (contains_any(h, {"дата", "date", "день", "day"})) return Column::date;
  if (contains_any(h, {"доход", "income", "начислен", "earning", "reward", "прибыль", "btc"})) {
    return Column::income;
  }
  return Column::unknown;
}

std::optional<WorkerStatus> parse_status(std::string_view text) {
  const std::string s = normalize_label(text);
  if (contains_any(s, {"не в сети", "offline", "оффлайн", "офлайн", "inactive", "неактив"})) {
    return WorkerStatus::offline;
  }
  if (contains_any(s, {"в сети", "online", "онлайн", "active", "актив"})) {
    return WorkerStatus::online;
  }
  return std::nullopt;
}

std::optional<std::string> parse_income_date(std::string_view text) {
  text = trim_space(text);
  size_t i = 0;
  const std::optional<Date> d = read_date(text, i);
  if (!d || (i != text.size() && !read_time_to_end(text, i))) return std::nullopt;
  std::array<char, 16> buf{};
  std::snprintf(buf.data(), buf.size(), "%04d-%02d-%02d", d->year, d->month, d->day);
  return std::string(buf.data());
}

std::optional<std::string> parse_share_time(std::string_view text) {
  text = trim_space(text);
  size_t i = 0;
  const std::optional<Date> d = read_date(text, i);
  if (!d) return std::nullopt;
  const std::optional<Time> t = read_time_to_end(text, i);
  if (!t) return std::nullopt;
  std::array<char, 24> buf{};
  std::snprintf(buf.data(), buf.size(), "%04d-%02d-%02dT%02d:%02d:%02d", d->year, d->month, d->day,
                t->hour, t->minute, t->second);
  return std::string(buf.data());
}

bool has_cyrillic(std::string_view text) {
  for (const char c : text) {
    const auto b = static_cast<unsigned char>(c);
    if (b == 0xD0 || b == 0xD1) return true;
  }
  return false;
}

}  // namespace kz
