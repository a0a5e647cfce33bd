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
// thin: U+2009; apostrophe: "1'234" (de-CH).
enum class Thousands { none, space, nbsp, narrow_nbsp, punctuation, thin, apostrophe };
// How numbers are written. fields: decimal_comma and thousands as set (today's
// pages). The others set both the way Intl.NumberFormat does for a locale:
// en_us "1,234.567", ru "1 234,567" (the group is `thousands` when that is a
// kind of space, else NBSP), de "1.234,567", ch "1'234.567"; by_locale picks
// en_us or ru from `locale`, as the live site would.
enum class Numbers { fields, by_locale, en_us, ru, de, ch };
// A date and a time in one cell: "11/22/2026, 10:33:25" (none), "11/22/2026<br>10:33:25"
// (br), or each in its own block element, "<div>11/22/2026</div><div>10:33:25</div>" (block;
// other cells then hold their text in a <p>).
enum class CellBreaks { none, br, block };
enum class HeaderRows {
  one,  // one header row
  two,  // "Hashrate" colspan=3 over 10 min / 1 h / 24 h, rowspan=2 for the other headers
};
// Bytes of the page. utf16le/be always start with a BOM. Characters the charset
// lacks are written as character references ("&#8239;").
enum class Charset { utf8, windows_1251, koi8_r, utf16le, utf16be, iso_8859_5 };
// Where the charset is declared: <meta charSet>, <meta http-equiv="Content-Type">,
// only in the Content-Type header (see content_type()), or nowhere (BOM or nothing).
enum class CharsetDecl { meta_charset, meta_http_equiv, header, none };
enum class DateStyle { us, us_time, dotted, iso };         // income dates
enum class ShareStyle { us_comma, us_ampm, iso, dotted };  // last share times
enum class StatusStyle { upper, title, russian };

struct Variant {
  std::string locale = "en";   // labels and headers: "ru" or "en"
  bool set_lang = true;        // write <html lang="..">
  bool alt_headers = false;    // other wordings ("Name", "10m", "Последняя шара", ...)
  bool decimal_comma = false;  // with Numbers::fields only
  // Separator of thousands groups (with Numbers::fields, and the space of Numbers::ru); punctuation
  // is ',' with a decimal point and
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
  Numbers numbers = Numbers::fields;
  // Fractions without trailing zeros, whole numbers without a decimal mark
  // ("1,234 TH/s", "137.25 TH/s", "0.5 BTC"), as Intl.NumberFormat shows them.
  bool trim_fraction = false;
  CellBreaks cell_breaks = CellBreaks::none;
  bool comment_splits = false;  // React SSR "<!-- -->" between pieces of text, labels included
  HeaderRows header_rows = HeaderRows::one;
  bool thead = true;              // false: header rows of <th> cells directly in <table>
  bool placeholder_rows = false;  // an empty table shows one "No workers" / "No data" row
  Charset charset = Charset::utf8;
  CharsetDecl charset_decl = CharsetDecl::meta_charset;
  bool utf8_bom = false;  // utf8 only
};

// A page with `workers` workers (about 1 in 12 offline) and `income_days`
// income rows. Every value is exact in any unit the renderer may choose
// (hashrates are whole H/s), last shares span the whole day (AM/PM edge
// hours included) and income dates cross month ends.
ObserverPage make_model(size_t workers, uint32_t seed, size_t income_days = 7);

// Renames some workers so that names differ only in inner whitespace ("rig 7",
// "rig  7", "rig\t7", "rig\u00A07"), letter case of Cyrillic ("ферма-1",
// "Ферма-1"), markup characters ("a&b<c>", "rig&nbsp;7" as text) or letters
// outside Cyrillic charsets ("Ρ-αλφα"), and makes some hashrates whole in TH/s
// or GH/s. Names stay unique, without outer spaces; the totals are kept in step.
void use_hard_names_and_values(ObserverPage& page);

// The page's bytes in variant.charset. Worker names and all other text are
// HTML-escaped. Cards absent from the model (nullopt) are left out; a worker
// without a last share shows "-". An empty table is left out, or shows a
// placeholder row with variant.placeholder_rows (the workers table always shows).
std::string render_page(const ObserverPage& page, const Variant& variant);

// The Content-Type header a server sends with the page: "text/html; charset=koi8-r"
// when the variant declares its charset there, else "text/html".
std::string content_type(const Variant& variant);

// The charset's label as pages and headers write it: "windows-1251", "utf-16le".
std::string_view charset_label(Charset charset);

// The hashrate as the page would show it in this variant, e.g. "1 234,567 TH/s".
std::string format_hashrate(double hs, const Variant& variant);

std::string escape_html(std::string_view text);

}  // namespace kz::test
