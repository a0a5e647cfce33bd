#pragma once

// The Prometheus text exposition format in the tests: the real `promtool check metrics`, and a
// small reader that gives each sample's labels and value text back exactly as written.

#include <map>
#include <string>
#include <vector>

namespace kz::test {

struct PromtoolResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr: problems and convention warnings, one a line
  // Exit code 0 and not a line of output.
  bool clean() const { return exit_code == 0 && output.empty(); }
};

// Runs `promtool check metrics` (from PATH) with `text` on its stdin, bounded at 60 s.
PromtoolResult promtool_check_metrics(const std::string& text);

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;  // unescaped values
  std::string value;                          // as written
};

struct Family {
  std::string name;
  std::string help;  // unescaped
  std::string type;
  std::vector<Sample> samples;
};

// Reads the text format as node_exporter's textfile collector would: "# HELP" and "# TYPE"
// lines, then the family's samples ("name{a=\"b\"} value", no timestamps). Families in order of
// appearance. Throws std::runtime_error naming the line on anything else: a sample before its
// family's TYPE, a sample of another family, a bad escape, a label given twice, a family twice.
std::vector<Family> parse_exposition(const std::string& text);

}  // namespace kz::test
