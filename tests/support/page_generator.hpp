#pragma once

// Renders observer pages from a data model, in the presentation variants the
// parser must read (see /work/shared/observer-page.md). No test framework
// dependency: the benchmarks compile this file too.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "scrape/observer_page.hpp"

namespace kz::test {

enum class HashUnit { automatic, h, kh, mh, gh, th, ph, eh };
enum class Thousands { none, space, nbsp, narrow_nbsp, punctuation };
enum class DateStyle { us, us_time, dotted, iso };         // income dates
enum class ShareStyle { us_comma, us_ampm, iso, dotted };  // last share times
enum class StatusStyle { upper, title, russian };

struct Variant {
  std::string locale = "en";  // labels and headers: "ru" or "en"
  bool set_lang = true;       // write <html lang="..">
  bool alt_headers = false;   // other wordings ("Name", "10m", "Последняя шара", ...)
  bool decimal_comma = false;
  // Separator of thousands groups; punctuation is ',' with a decimal point and
  // '.' with a decimal comma. Values below 1000 in their unit show none.
  Thousands thousands = Thousands::none;
  HashUnit unit = HashUnit::automatic;  // automatic: the largest unit with a value >= 1
  bool lower_k = true;                  // "kH/s" or "KH/s"
  bool space_before_unit = true;
  bool btc_unit = true;
  bool btc_space = true;
  DateStyle date_style = DateStyle::us;
  ShareStyle share_style = ShareStyle::us_comma;
  StatusStyle status_style = StatusStyle::upper;
  bool decorate = false;  // div/span layers, SVG icons, entities, newlines, runs of spaces
  bool shuffle_columns = false;
  bool shuffle_cards = false;
  uint32_t seed = 1;                    // class-name hashes, shuffles
  std::optional<size_t> truncate_at{};  // keep only this many bytes of the page
};

// A page with `workers` workers (about 1 in 12 offline) and `income_days`
// income rows. Every value is exact in any unit the renderer may choose
// (hashrates are whole H/s), last shares span the whole day (AM/PM edge
// hours included) and income dates cross month ends.
ObserverPage make_model(size_t workers, uint32_t seed, size_t income_days = 7);

// The page's HTML. Worker names and all other text are HTML-escaped.
// Cards absent from the model (nullopt) are left out; a worker without a last
// share shows "-".
std::string render_page(const ObserverPage& page, const Variant& variant);

// The hashrate as the page would show it in this variant, e.g. "1 234,567 TH/s".
std::string format_hashrate(double hs, const Variant& variant);

std::string escape_html(std::string_view text);

}  // namespace kz::test
