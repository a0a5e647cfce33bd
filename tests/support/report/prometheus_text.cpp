#include "support/report/prometheus_text.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "support/process.hpp"

namespace kz::test {

PromtoolResult promtool_check_metrics(const std::string& text) {
  static int serial = 0;
  const std::filesystem::path input =
      std::filesystem::temp_directory_path() /
      ("kz_promtool_" + std::to_string(::getpid()) + "_" + std::to_string(serial++) + ".prom");
  std::ofstream(input, std::ios::binary) << text;
  const ProcessResult run =
      run_process({"/bin/sh", "-c", "exec promtool check metrics < \"$0\"", input.string()}, {},
                  std::chrono::seconds(60));
  std::filesystem::remove(input);
  return {run.exit_code, run.out + run.err};
}

namespace {

[[noreturn]] void fail(std::size_t line, const std::string& what, const std::string& text) {
  throw std::runtime_error("line " + std::to_string(line) + ": " + what + ": " + text);
}

// Reads the escapes of a HELP text (\\ and \n) or of a label value (also \").
std::string unescape(std::string_view text, bool quotes, std::size_t line) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out += text[i];
      continue;
    }
    if (++i == text.size()) fail(line, "escape at the end", std::string(text));
    if (text[i] == '\\') {
      out += '\\';
    } else if (text[i] == 'n') {
      out += '\n';
    } else if (text[i] == '"' && quotes) {
      out += '"';
    } else {
      fail(line, "bad escape", std::string(text));
    }
  }
  return out;
}

bool name_char(char c, bool first) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
         (!first && c >= '0' && c <= '9');
}

Sample read_sample(const std::string& text, std::size_t line) {
  Sample sample;
  std::size_t i = 0;
  while (i < text.size() && name_char(text[i], i == 0)) ++i;
  sample.name = text.substr(0, i);
  if (sample.name.empty()) fail(line, "no metric name", text);
  if (i < text.size() && text[i] == '{') {
    ++i;
    while (i < text.size() && text[i] != '}') {
      const std::size_t start = i;
      while (i < text.size() && name_char(text[i], i == start)) ++i;
      const std::string label = text.substr(start, i - start);
      if (label.empty() || text.compare(i, 2, "=\"") != 0) fail(line, "bad label", text);
      i += 2;
      std::string raw;
      while (i < text.size() && text[i] != '"') {
        if (text[i] == '\\' && i + 1 < text.size()) raw += text[i++];
        raw += text[i++];
      }
      if (i == text.size()) fail(line, "unterminated label value", text);
      ++i;
      if (!sample.labels.emplace(label, unescape(raw, true, line)).second) {
        fail(line, "label given twice", text);
      }
      if (i < text.size() && text[i] == ',') ++i;
    }
    if (i == text.size()) fail(line, "unterminated labels", text);
    ++i;
  }
  if (i >= text.size() || text[i] != ' ') fail(line, "no value", text);
  sample.value = text.substr(i + 1);
  if (sample.value.empty() || sample.value.find(' ') != std::string::npos) {
    fail(line, "a value alone expected (no timestamp)", text);
  }
  return sample;
}

}  // namespace

std::vector<Family> parse_exposition(const std::string& text) {
  std::vector<Family> families;
  std::set<std::string> names;
  std::istringstream in(text);
  std::string row;
  std::size_t line = 0;
  if (!text.empty() && text.back() != '\n') throw std::runtime_error("no newline at the end");
  while (std::getline(in, row)) {
    ++line;
    if (row.rfind("# HELP ", 0) == 0) {
      const std::size_t space = row.find(' ', 7);
      if (space == std::string::npos) fail(line, "HELP without text", row);
      Family family;
      family.name = row.substr(7, space - 7);
      family.help = unescape(std::string_view(row).substr(space + 1), false, line);
      if (!names.insert(family.name).second) fail(line, "family given twice", row);
      families.push_back(std::move(family));
    } else if (row.rfind("# TYPE ", 0) == 0) {
      const std::size_t space = row.find(' ', 7);
      if (families.empty() || space == std::string::npos ||
          row.substr(7, space - 7) != families.back().name || !families.back().type.empty()) {
        fail(line, "TYPE not right after its HELP", row);
      }
      families.back().type = row.substr(space + 1);
    } else {
      Sample sample = read_sample(row, line);
      if (families.empty() || families.back().type.empty() || sample.name != families.back().name) {
        fail(line, "sample outside its family", row);
      }
      families.back().samples.push_back(std::move(sample));
    }
  }
  return families;
}

}  // namespace kz::test
