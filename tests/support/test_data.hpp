#pragma once

#include <string>

namespace kz::test {

// The whole content of tests/data/<name> (sample pages and their truth files).
std::string read_test_data(const std::string& name);

}  // namespace kz::test
