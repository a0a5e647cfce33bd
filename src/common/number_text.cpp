#include "common/number_text.hpp"

#include "common/units.hpp"

namespace kz::number_text {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Length in bytes of the minus sign ('-' or U+2212) at the start of `s`, or 0.
size_t minus_length(std::string_view s) {
  if (s.starts_with('-')) return 1;
  return s.starts_with("\u2212") ? 3 : 0;
}

// Reads the separator at the start of `s`; its length in bytes, or 0.
size_t separator_at(std::string_view s, Sep& sep) {
  if (s.empty()) return 0;
  switch (s[0]) {
    case '.':
      sep = Sep::dot;
      return 1;
    case ',':
      sep = Sep::comma;
      return 1;
    case '\'':
      sep = Sep::apostrophe;
      return 1;
    default:
      break;
  }
  if (s.starts_with("\u2019")) {
    sep = Sep::apostrophe;
    return 3;
  }
  sep = Sep::space;
  return space_length(s);
}

// Length of the leading run of a minus sign, digits, separators and spaces.
size_t numeric_prefix_length(std::string_view s) {
  size_t i = minus_length(s);
  while (i < s.size()) {
    const char c = s[i];
    if (is_digit(c) || c == '.' || c == ',') {
      ++i;
      continue;
    }
    Sep sep{};
    const size_t n = separator_at(s.substr(i), sep);
    if (n == 0) break;
    i += n;
  }
  return i;
}

}  // namespace

std::optional<NumberText> split_groups(std::string_view s) {
  if (s.size() > kMaxLength) return std::nullopt;
  NumberText t;
  t.text = s;
  size_t i = minus_length(s);
  t.negative = i > 0;
  while (true) {
    if (t.n_groups == kMaxGroups || i >= s.size() || !is_digit(s[i])) return std::nullopt;
    NumberText::Group& g = t.groups[t.n_groups++];
    const size_t start = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    g.start = static_cast<uint8_t>(start);
    g.len = static_cast<uint8_t>(i - start);
    if (i == s.size()) return t;
    const size_t n = separator_at(s.substr(i), t.seps[t.n_groups - 1]);
    if (n == 0) return std::nullopt;
    i += n;
  }
}

std::optional<size_t> integer_groups(const NumberText& t, std::optional<Sep> decimal) {
  size_t int_groups = t.n_groups;
  if (decimal && int_groups > 1 && t.seps[int_groups - 2] == *decimal) --int_groups;
  if (int_groups == 1) return int_groups;
  if (t.groups[0].len > 3 || t.text[t.groups[0].start] == '0') return std::nullopt;
  for (size_t k = 1; k < int_groups; ++k) {
    if (t.groups[k].len != 3) return std::nullopt;
    if (t.seps[k - 1] != t.seps[0] || (decimal && t.seps[k - 1] == *decimal)) return std::nullopt;
  }
  return int_groups;
}

Sep lone_value_mark(const NumberText& t) {
  size_t dots = 0, commas = 0;
  std::optional<Sep> last;
  for (size_t k = 0; k + 1 < t.n_groups; ++k) {
    if (t.seps[k] == Sep::dot) ++dots;
    if (t.seps[k] == Sep::comma) ++commas;
    if (t.seps[k] == Sep::dot || t.seps[k] == Sep::comma) last = t.seps[k];
  }
  if (dots > 0 && commas > 0) return *last;
  if (dots > 1) return Sep::comma;
  if (commas > 1) return Sep::dot;
  return last.value_or(Sep::dot);
}

std::optional<Decimal> read_decimal(const NumberText& t, std::optional<Sep> decimal) {
  const std::optional<size_t> int_groups = integer_groups(t, decimal);
  if (!int_groups) return std::nullopt;
  Decimal out;
  out.negative = t.negative;
  size_t n = 0;
  for (size_t k = 0; k < t.n_groups; ++k) {
    const NumberText::Group& g = t.groups[k];
    if (n + g.len > kMaxDigits) return std::nullopt;
    t.text.copy(out.digits.data() + n, g.len, g.start);
    n += g.len;
    if (k + 1 == *int_groups) out.int_len = n;
  }
  out.frac_len = n - out.int_len;
  return out;
}

std::pair<std::string_view, std::string_view> split_unit(std::string_view text) {
  text = trim_space(text);
  const size_t n = numeric_prefix_length(text);
  return {trim_space(text.substr(0, n)), trim_space(text.substr(n))};
}

}  // namespace kz::number_text
