#include "scrape/number_format.hpp"

#include <optional>
#include <string>

#include "common/error.hpp"

namespace kz {
namespace {

// A hashrate or BTC amount, not a date, time or name that merely holds a '.' or ','.
bool is_number(std::string_view text) {
  return parse_hashrate_hs(text, DecimalMark::dot) || parse_btc_sat(text, DecimalMark::dot);
}

}  // namespace

DecimalMark locale_decimal_mark(std::string_view locale) {
  const std::string_view language = locale.substr(0, locale.find_first_of("-_"));
  if (language.size() != 2) return DecimalMark::dot;
  const auto lower = [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  };
  const std::string code{lower(language[0]), lower(language[1])};
  return code == "ru" || code == "kk" ? DecimalMark::comma : DecimalMark::dot;
}

DecimalMark decide_decimal_mark(const std::vector<std::string_view>& values,
                                std::string_view locale) {
  std::optional<std::string_view> dot_value;
  std::optional<std::string_view> comma_value;
  bool lone_dot = false;    // an ambiguous value such as "137.937 TH/s"
  bool lone_comma = false;  // an ambiguous value such as "1,234 TH/s"
  for (const std::string_view value : values) {
    const std::optional<DecimalMark> mark = implied_decimal_mark(value);
    if (!mark) {
      lone_dot = lone_dot || (value.find('.') != std::string_view::npos && is_number(value));
      lone_comma = lone_comma || (value.find(',') != std::string_view::npos && is_number(value));
      continue;
    }
    std::optional<std::string_view>& first = *mark == DecimalMark::dot ? dot_value : comma_value;
    if (!first) first = trim_space(value);
    if (dot_value && comma_value) {
      throw Error(ExitCode::no_data, "the page's numbers contradict each other: \"" +
                                         std::string(*dot_value) + "\" has a decimal point but \"" +
                                         std::string(*comma_value) + "\" a decimal comma");
    }
  }
  if (dot_value) return DecimalMark::dot;
  if (comma_value) return DecimalMark::comma;
  // A comma locale groups digits with spaces, never with '.', so a lone '.' there is decimal.
  if (locale_decimal_mark(locale) == DecimalMark::comma && lone_dot && !lone_comma) {
    return DecimalMark::dot;
  }
  return locale_decimal_mark(locale);
}

}  // namespace kz
