#pragma once

#include <string>
#include <vector>

#include "common/clock.hpp"
#include "report/report_model.hpp"

namespace kz {

// The Prometheus text exposition format (as node_exporter's textfile collector reads it) for
// `fleet` at `now`: one HELP and TYPE line per metric family, labels account and source on every
// per-pool series, base units (hashes per second, seconds, BTC), label values escaped.
// Checked by `promtool check metrics` in the tests.
std::string render_metrics(const std::vector<PoolStatus>& fleet, TimePoint now);

}  // namespace kz
