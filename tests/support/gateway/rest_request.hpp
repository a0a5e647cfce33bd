#pragma once

// Request-level pieces shared by the read and write paths: the Prefer header (RFC 7240, as
// PostgREST reads it) and SQL text helpers.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kz::test {

struct Preferences {
  // Each is the full token as sent and echoed, e.g. "resolution=merge-duplicates".
  std::optional<std::string> resolution;      // resolution=merge-duplicates|ignore-duplicates
  std::optional<std::string> missing;         // missing=default|null
  std::optional<std::string> representation;  // return=representation|minimal|headers-only
  std::optional<std::string> count;           // count=exact|planned|estimated
  std::optional<std::string> handling;        // handling=strict|lenient
  std::vector<std::string> invalid;           // unrecognized tokens

  // All Prefer header values of a request; the first occurrence of a preference wins.
  static Preferences parse(const std::vector<std::string>& header_values);

  bool merge_duplicates() const { return resolution == "resolution=merge-duplicates"; }
  bool ignore_duplicates() const { return resolution == "resolution=ignore-duplicates"; }
  bool wants_representation() const { return representation == "return=representation"; }
  bool wants_count() const { return count.has_value(); }
  bool apply_defaults() const { return missing == "missing=default"; }
  bool strict() const { return handling == "handling=strict"; }
  // The Preference-Applied value ("" when nothing was recognized), in PostgREST's order.
  std::string applied() const;
};

std::string quote_ident(std::string_view name);    // "name" with inner quotes doubled
std::string quote_literal(std::string_view text);  // 'text', E'...' when it has backslashes
// "a, b,c" -> {"a", "b", "c"}; empty items are kept as "".
std::vector<std::string> split_list(std::string_view text, char separator = ',');

}  // namespace kz::test
