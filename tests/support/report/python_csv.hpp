#pragma once

#include <string>
#include <vector>

namespace kz::test {

// The rows of `csv_text` as Python's csv module reads them (csv.reader, strict, the file opened
// with newline='' as its documentation asks, UTF-8): written to a temporary file, read by
// /usr/bin/python3, returned through JSON. A reading error fails the calling test (gtest
// ADD_FAILURE) and returns no rows.
std::vector<std::vector<std::string>> read_csv_with_python(const std::string& csv_text);

}  // namespace kz::test
