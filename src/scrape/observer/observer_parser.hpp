#pragma once

#include <string_view>

#include "scrape/observer_page.hpp"

namespace kz {

// Reads an observer page from its HTML, by visible text (card labels, table
// headers) and structure only, in Russian or English. Table rows that are cut
// off or unreadable are dropped and counted in ObserverPage::skipped_rows.
// Throws kz::Error(ExitCode::no_data) when the page has no usable data: a
// JavaScript shell, an error page, garbage, or a required card (current
// hashrate, online workers, offline workers) missing or unreadable.
ObserverPage parse_observer_page(std::string_view html);

}  // namespace kz
