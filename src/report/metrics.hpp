#pragma once

#include <string>
#include <vector>

#include "common/clock.hpp"
#include "report/report_model.hpp"

namespace kz {

// The Prometheus text exposition format (as node_exporter's textfile collector reads it) for
// `fleet` at `now`: one HELP and TYPE line per metric family, labels account and source on every
// per-pool series, base units (hashes per second, seconds, BTC), label values escaped.
// Every family is a gauge named kzpool_*; a pool's value that is not known (no snapshot yet, no
// successful run yet, a balance the page did not show) has no series rather than 0 or NaN. BTC
// amounts are exact 8-decimal texts of the satoshis; label values that are not UTF-8 get U+FFFD.
// Throws kz::Error(report_failed) when two pools would share their labels (two unlabelled pools
// with one redacted URL). Checked by `promtool check metrics` in the tests.
std::string render_metrics(const std::vector<PoolStatus>& fleet, TimePoint now);

}  // namespace kz
