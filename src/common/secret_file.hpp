#pragma once

#include <string>

namespace kz {

// Reads a key kept in a file of its own (one line; surrounding white space
// dropped). Unreadable or empty: kz::Error(usage) naming `option` and the
// reason, never the path (a key given by mistake instead of a path) or the content.
std::string read_secret_file(const std::string& path, const std::string& option);

}  // namespace kz
