#include "report/csv_writer.hpp"

namespace kz {

namespace {

bool needs_quotes(std::string_view value) {
  if (value.find_first_of(",\"\r\n") != std::string_view::npos) return true;
  if (value.empty()) return false;
  auto blank = [](char c) { return c == ' ' || c == '\t'; };
  return blank(value.front()) || blank(value.back());
}

}  // namespace

void CsvWriter::field(std::string_view value) {
  if (!needs_quotes(value)) {
    text_.append(value);
    return;
  }
  text_.push_back('"');
  for (char c : value) {
    if (c == '"') text_.push_back('"');
    text_.push_back(c);
  }
  text_.push_back('"');
}

void CsvWriter::line(const std::vector<std::optional<std::string>>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) text_.push_back(',');
    if (fields[i]) field(*fields[i]);
  }
  text_.append("\r\n");
}

}  // namespace kz
