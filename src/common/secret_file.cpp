#include "common/secret_file.hpp"

#include <fstream>
#include <sstream>

#include "common/error.hpp"

namespace kz {

std::string read_secret_file(const std::string& path, const std::string& option) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream content;
  content << file.rdbuf();
  if (!file) throw Error(ExitCode::usage, "cannot read " + option + " " + path);
  const std::string text = content.str();
  const char* const spaces = " \t\r\n";
  const auto first = text.find_first_not_of(spaces);
  if (first == std::string::npos) throw Error(ExitCode::usage, option + " " + path + " is empty");
  return text.substr(first, text.find_last_not_of(spaces) - first + 1);
}

}  // namespace kz
