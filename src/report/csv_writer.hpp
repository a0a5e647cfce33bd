#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kz {

// A small RFC 4180 writer: each line is CRLF-terminated; a field is quoted when it holds a comma,
// a quote, CR or LF, or starts or ends with a space or tab (which some spreadsheets trim), and
// quotes inside it are doubled. A missing (NULL) field is written empty.
class CsvWriter {
 public:
  // Appends one line of `fields`.
  void line(const std::vector<std::optional<std::string>>& fields);

  const std::string& text() const { return text_; }
  std::string take() { return std::move(text_); }

 private:
  void field(std::string_view value);

  std::string text_;
};

}  // namespace kz
