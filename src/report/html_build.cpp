// build_html_report lives apart from render_html_report so that a program using only the
// renderer does not link the cache queries.
#include <SQLiteCpp/Database.h>

#include "common/error.hpp"
#include "report/fleet_status.hpp"
#include "report/html_report.hpp"
#include "report/pool_queries.hpp"

namespace kz {

std::string build_html_report(ReportCache& cache, ChartRenderer& charts, TimePoint now, int days) {
  if (days < 1)
    throw Error(ExitCode::usage, "the report needs at least 1 day, got " + std::to_string(days));
  ReportInput input;
  input.generated_at = now;
  input.days = days;
  input.window = {now - std::chrono::days(days), now};
  cache.read_transaction([&] {
    input.fleet = read_fleet_status(cache.db());
    for (const PoolStatus& status : input.fleet) {
      input.pools.push_back(read_pool_history(cache.db(), status.pool, input.window));
    }
  });
  std::vector<ChartRequest> requests;
  for (const PoolHistory& history : input.pools) {
    for (const ChartKind kind : {ChartKind::hashrate, ChartKind::workers, ChartKind::income}) {
      requests.push_back({.kind = kind, .history = &history, .window = input.window});
    }
  }
  if (!requests.empty()) {
    const std::vector<std::string> svgs = charts.render(requests, ImageFormat::svg);
    if (svgs.size() != requests.size()) {
      throw Error(ExitCode::report_failed, "the chart renderer gave " +
                                               std::to_string(svgs.size()) + " charts for " +
                                               std::to_string(requests.size()) + " requests");
    }
    for (std::size_t i = 0; i < svgs.size(); i += 3) {
      input.charts.push_back({svgs[i], svgs[i + 1], svgs[i + 2]});
    }
  }
  return render_html_report(input);
}

}  // namespace kz
