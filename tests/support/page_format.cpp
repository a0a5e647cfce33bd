#include "support/page_format.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace kz::test::detail {
namespace {

constexpr int64_t kSatPerBtc = 100'000'000;

struct NumberFormat {
  std::string decimal;
  std::string group;
};

std::string separator(Thousands t, bool decimal_comma) {
  switch (t) {
    case Thousands::none:
      return "";
    case Thousands::space:
      return " ";
    case Thousands::nbsp:
      return "\u00A0";
    case Thousands::narrow_nbsp:
      return "\u202F";
    case Thousands::thin:
      return "\u2009";
    case Thousands::apostrophe:
      return "'";
    case Thousands::punctuation:
      return decimal_comma ? "." : ",";
  }
  return "";
}

NumberFormat number_format_as_asked(const Variant& v);

// A Russian page groups digits with spaces, never with '.' (kzscrape refuses such a page as
// contradicting itself, see decide_decimal_mark), so a '.' group becomes NBSP there.
NumberFormat number_format(const Variant& v) {
  NumberFormat f = number_format_as_asked(v);
  if (v.locale == "ru" && f.group == ".") f.group = "\u00A0";
  return f;
}

NumberFormat number_format_as_asked(const Variant& v) {
  Numbers numbers = v.numbers;
  if (numbers == Numbers::by_locale) numbers = v.locale == "ru" ? Numbers::ru : Numbers::en_us;
  switch (numbers) {
    case Numbers::fields:
    case Numbers::by_locale:
      break;
    case Numbers::en_us:
      return {".", ","};
    case Numbers::ru: {
      const bool space = v.thousands == Thousands::space || v.thousands == Thousands::nbsp ||
                         v.thousands == Thousands::narrow_nbsp || v.thousands == Thousands::thin;
      return {",", space ? separator(v.thousands, true) : "\u00A0"};
    }
    case Numbers::de:
      return {",", "."};
    case Numbers::ch:
      return {".", "'"};
  }
  return {v.decimal_comma ? "," : ".", separator(v.thousands, v.decimal_comma)};
}

// whole + decimal mark + fraction, the fraction at least `min_digits` long, or
// without trailing zeros (and without the mark when nothing is left) with trim_fraction.
std::string join_number(const std::string& whole, std::string frac, size_t min_digits,
                        const Variant& v) {
  const NumberFormat f = number_format(v);
  const size_t keep = v.trim_fraction ? 0 : min_digits;
  while (frac.size() > keep && frac.back() == '0') frac.pop_back();
  const std::string grouped = group_digits(whole, v);
  return frac.empty() ? grouped : grouped + f.decimal + frac;
}

}  // namespace

std::string civil_date(int64_t days) {  // H. Hinnant's algorithm
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

std::string group_digits(const std::string& digits, const Variant& v) {
  const std::string sep = number_format(v).group;
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += sep;
    out += digits[i];
  }
  return out;
}

Shown hashrate_shown(double hs, const Variant& v) {
  static constexpr std::array<const char*, 7> kUnits = {"H/s",  "kH/s", "MH/s", "GH/s",
                                                        "TH/s", "PH/s", "EH/s"};
  if (!(hs >= 0) || hs != std::floor(hs)) {
    throw std::invalid_argument("model hashrates must be whole H/s");
  }
  // Above 2^64 (absurd-value tests): the shortest digits that read back as `hs`, then zeros.
  std::string digits;
  if (hs < 0x1p64) {
    digits = std::to_string(static_cast<uint64_t>(hs));
  } else {
    char buffer[64];
    const auto end =
        std::to_chars(buffer, buffer + sizeof buffer, hs, std::chars_format::scientific);
    const std::string text(buffer, end.ptr);  // "9.999e+21"
    const size_t e = text.find('e');
    std::string mantissa = text.substr(0, e);
    mantissa.erase(std::remove(mantissa.begin(), mantissa.end(), '.'), mantissa.end());
    const auto total = static_cast<size_t>(std::stoi(text.substr(e + 1))) + 1;
    digits = mantissa + std::string(total - mantissa.size(), '0');
  }
  size_t step = 0;
  if (v.unit == HashUnit::automatic) {
    step = std::min<size_t>(6, (digits.size() - 1) / 3);
  } else {
    step = static_cast<size_t>(v.unit) - 1;
  }
  std::string unit = kUnits[step];
  if (step == 1 && !v.lower_k) unit = "KH/s";
  if (hs == 0) return {"0", v.unit == HashUnit::automatic ? "H/s" : unit, v.space_before_unit};
  const size_t exponent = step * 3;
  if (digits.size() <= exponent) digits.insert(0, exponent - digits.size() + 1, '0');
  std::string whole = digits.substr(0, digits.size() - exponent);
  std::string frac = digits.substr(digits.size() - exponent);
  frac.append(3 - std::min<size_t>(frac.size(), 3), '0');  // the page shows 3 decimals
  return {join_number(whole, frac, 3, v), unit, v.space_before_unit};
}

Shown btc_shown(int64_t sat, const Variant& v) {
  char frac[16];
  std::snprintf(frac, sizeof frac, "%08lld", static_cast<long long>(sat % kSatPerBtc));
  return {join_number(std::to_string(sat / kSatPerBtc), frac, 8, v), v.btc_unit ? "BTC" : "",
          v.btc_space};
}

DateTime income_date(const std::string& iso, const Variant& v) {
  int y = 0, m = 0, d = 0;
  std::sscanf(iso.c_str(), "%d-%d-%d", &y, &m, &d);
  char buf[40];
  switch (v.date_style) {
    case DateStyle::us:
      std::snprintf(buf, sizeof buf, "%02d/%02d/%04d", m, d, y);
      break;
    case DateStyle::us_time:
      std::snprintf(buf, sizeof buf, "%d/%d/%04d", m, d, y);
      return {buf, " ", "12:00:00 AM"};
    case DateStyle::dotted:
      std::snprintf(buf, sizeof buf, "%02d.%02d.%04d", d, m, y);
      break;
    case DateStyle::iso:
      return {iso, "", ""};
  }
  return {buf, "", ""};
}

DateTime share_time(const std::optional<std::string>& iso, const Variant& v) {
  if (!iso) return {"-", "", ""};
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  std::sscanf(iso->c_str(), "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &s);
  char date[24];
  char time[24];
  std::string separator = " ";
  switch (v.share_style) {
    case ShareStyle::us_comma:
      std::snprintf(date, sizeof date, "%02d/%02d/%04d", mo, d, y);
      std::snprintf(time, sizeof time, "%02d:%02d:%02d", h, mi, s);
      separator = ", ";
      break;
    case ShareStyle::us_ampm:
      std::snprintf(date, sizeof date, "%d/%d/%04d", mo, d, y);
      std::snprintf(time, sizeof time, "%d:%02d:%02d %s", h % 12 == 0 ? 12 : h % 12, mi, s,
                    h < 12 ? "AM" : "PM");
      separator = ", ";
      break;
    case ShareStyle::iso:
      std::snprintf(date, sizeof date, "%04d-%02d-%02d", y, mo, d);
      std::snprintf(time, sizeof time, "%02d:%02d:%02d", h, mi, s);
      break;
    case ShareStyle::dotted:
      std::snprintf(date, sizeof date, "%02d.%02d.%04d", d, mo, y);
      std::snprintf(time, sizeof time, "%02d:%02d:%02d", h, mi, s);
      break;
  }
  return {date, separator, time};
}

}  // namespace kz::test::detail
