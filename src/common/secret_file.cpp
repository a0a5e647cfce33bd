#include "common/secret_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/error.hpp"

namespace kz {

// The argument is not repeated: a key given by mistake instead of a path must not be printed.
std::string read_secret_file(const std::string& path, const std::string& option) {
  std::ifstream file(path, std::ios::binary);
  const int open_error = errno;
  std::ostringstream content;
  content << file.rdbuf();
  if (!file) {
    throw Error(ExitCode::usage, "cannot read the file given to " + option + " (" +
                                     std::strerror(file.is_open() ? EIO : open_error) +
                                     "); it takes the path of a file holding the key, not the key");
  }
  const std::string text = content.str();
  const char* const spaces = " \t\r\n";
  const auto first = text.find_first_not_of(spaces);
  if (first == std::string::npos) {
    throw Error(ExitCode::usage, "the file given to " + option + " is empty");
  }
  return text.substr(first, text.find_last_not_of(spaces) - first + 1);
}

}  // namespace kz
