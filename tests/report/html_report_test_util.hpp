#pragma once

// Reading back what the HTML report shows, for its tests: sections, table rows, cells; and
// amounts and escaping written independently of the code under test.

#include <cstdint>
#include <string>
#include <vector>

namespace kz::test {

// 123456789 -> "1.23456789"
inline std::string expected_btc(int64_t sat) {
  std::string fraction = std::to_string(sat % 100'000'000);
  return std::to_string(sat / 100'000'000) + "." + std::string(8 - fraction.size(), '0') + fraction;
}

inline std::string expected_escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '"')
      out += "&quot;";
    else if (c == '\'')
      out += "&#39;";
    else
      out += c;
  }
  return out;
}

// The text between `from` (included) and the next `to` (included), or "" when absent.
inline std::string between(const std::string& html, const std::string& from, const std::string& to,
                           std::size_t start = 0) {
  const auto begin = html.find(from, start);
  if (begin == std::string::npos) return "";
  const auto end = html.find(to, begin + from.size());
  return html.substr(begin, end == std::string::npos ? std::string::npos : end + to.size() - begin);
}

// The rows of the <tbody> of `table` (an HTML fragment), each as the text of its <td>/<th>
// cells, tags inside cells dropped.
inline std::vector<std::vector<std::string>> body_rows(const std::string& table) {
  std::vector<std::vector<std::string>> rows;
  const std::string body = between(table, "<tbody>", "</tbody>");
  for (std::size_t at = body.find("<tr"); at != std::string::npos; at = body.find("<tr", at + 1)) {
    const std::string row = between(body, "<tr", "</tr>", at);
    std::vector<std::string> cells;
    for (std::size_t c = row.find("<td"); c != std::string::npos; c = row.find("<td", c + 1)) {
      const auto open_end = row.find('>', c);
      const auto close = row.find("</td>", open_end);
      std::string cell, raw = row.substr(open_end + 1, close - open_end - 1);
      bool in_tag = false;
      for (const char ch : raw) {
        if (ch == '<')
          in_tag = true;
        else if (ch == '>')
          in_tag = false;
        else if (!in_tag)
          cell += ch;
      }
      cells.push_back(cell);
    }
    rows.push_back(cells);
  }
  return rows;
}

}  // namespace kz::test
