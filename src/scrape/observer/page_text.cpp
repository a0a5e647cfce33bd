#include "scrape/observer/page_text.hpp"

#include <algorithm>
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

std::string quoted(std::string_view text, size_t max_bytes) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "\"";
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (out.size() >= max_bytes && (c & 0xC0) != 0x80) {
      out += "...";
      break;
    }
    if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7F) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

bool has_cyrillic(std::string_view text) {
  for (const char c : text) {
    const auto b = static_cast<unsigned char>(c);
    if (b == 0xD0 || b == 0xD1) return true;
  }
  return false;
}

}  // namespace kz
