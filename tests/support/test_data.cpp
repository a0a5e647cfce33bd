#include "support/test_data.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace kz::test {

std::string read_test_data(const std::string& name) {
  const std::string path = std::string(KZ_TEST_DATA_DIR) + "/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace kz::test
