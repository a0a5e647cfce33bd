#pragma once

#include <optional>
#include <string>

#include "scrape/observer_page.hpp"

namespace kz::test {

// The first field of a parsed page that differs from the model, such as
// `workers[3] "rig\t7" hashrate_1h_hs: got 1e+14, want 1.0e+17`; nothing when
// every field the page parser fills is equal and skipped_rows is 0.
std::optional<std::string> first_difference(const ObserverPage& got, const ObserverPage& want);

// The string in double quotes, tabs, control bytes and NBSP made visible
// (`"rig\t7"`, `"rig\u00A07"`).
std::string quoted(const std::string& s);

}  // namespace kz::test
