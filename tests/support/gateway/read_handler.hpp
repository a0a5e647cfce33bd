#pragma once

// GET and HEAD /rest/v1/<table>: select=, filters (eq, neq, gt, gte, lt, lte, like, ilike, is,
// in, with not.), order=, limit=, offset=, Prefer: count=exact, and the max-rows cap, with
// PostgREST's statement shape, Content-Range and 200/206/416 rules. The transaction is READ ONLY.

#include <string>
#include <utility>
#include <vector>

#include "support/gateway/insert_handler.hpp"

namespace kz::test {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

RestResult run_read(PGconn* connection, const RequestTransaction::Settings& settings,
                    const TableInfo& table, const QueryParams& params,
                    const Preferences& preferences, int max_rows);

}  // namespace kz::test
