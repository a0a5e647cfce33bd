#include "scrape/observer/number_format.hpp"

#include <optional>
#include <string>

#include "common/error.hpp"

namespace kz {
namespace {

// A hashrate or BTC amount, not a date, time or name that merely holds a '.' or ','.
bool is_number(std::string_view text) {
  return parse_hashrate_hs(text, DecimalMark::dot) || parse_btc_sat(text, DecimalMark::dot);
}

[[noreturn]] void contradiction(const std::string& what) {
  throw Error(ExitCode::no_data, "the page's numbers contradict each other: " + what);
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
  std::optional<std::string_view> dot_value;    // reads only with a decimal point
  std::optional<std::string_view> comma_value;  // reads only with a decimal comma
  std::optional<std::string_view> dotted;       // a number holding a '.' ("137.937 TH/s")
  std::optional<std::string_view> lone_comma;   // an ambiguous number with a ',' ("1,234 TH/s")
  for (const std::string_view value : values) {
    const std::optional<DecimalMark> mark = implied_decimal_mark(value);
    const bool has_dot = value.find('.') != std::string_view::npos;
    if (!dotted && has_dot && (mark || is_number(value))) dotted = trim_space(value);
    if (!mark) {
      if (!lone_comma && value.find(',') != std::string_view::npos && is_number(value)) {
        lone_comma = trim_space(value);
      }
      continue;
    }
    std::optional<std::string_view>& first = *mark == DecimalMark::dot ? dot_value : comma_value;
    if (!first) first = trim_space(value);
    if (dot_value && comma_value) {
      contradiction("\"" + std::string(*dot_value) + "\" reads only with a decimal point but \"" +
                    std::string(*comma_value) + "\" only with a decimal comma");
    }
  }
  if (dot_value) return DecimalMark::dot;
  const bool comma_locale = locale_decimal_mark(locale) == DecimalMark::comma;
  // Pages in a comma locale group digits with spaces, never with '.': there a '.' is decimal.
  if (comma_value) {
    if (comma_locale && dotted) {
      contradiction("\"" + std::string(*comma_value) + "\" has a decimal comma but \"" +
                    std::string(*dotted) + "\" a '.', which this page's language never uses " +
                    "to group digits");
    }
    return DecimalMark::comma;
  }
  if (!comma_locale) return DecimalMark::dot;
  if (dotted && lone_comma) {
    contradiction("\"" + std::string(*dotted) + "\" and \"" + std::string(*lone_comma) +
                  "\" cannot both have a decimal mark, and this page's language never groups " +
                  "digits with '.'");
  }
  return dotted ? DecimalMark::dot : DecimalMark::comma;
}

}  // namespace kz
