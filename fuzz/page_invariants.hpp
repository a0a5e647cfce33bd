#pragma once

#include <optional>
#include <string>

#include "scrape/observer_page.hpp"

namespace kz::fuzz {

// What must hold for every page the parser accepts: locale "ru" or "en";
// worker names non-empty, valid UTF-8 and unique; income dates unique and
// real calendar dates "YYYY-MM-DD"; last shares "YYYY-MM-DDTHH:MM:SS"; every
// hashrate finite and >= 0; BTC amounts and worker counts >= 0; the table
// lists no more workers than the cards count (a shorter list is marked by
// workers_complete() == false). Returns the first broken one, described.
std::optional<std::string> broken_invariant(const ObserverPage& page);

}  // namespace kz::fuzz
