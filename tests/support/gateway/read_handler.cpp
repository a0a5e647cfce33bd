#include "support/gateway/read_handler.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>

namespace kz::test {
namespace {

const std::map<std::string, std::string> kComparisons = {
    {"eq", "="}, {"neq", "<>"}, {"gt", ">"},      {"gte", ">="},
    {"lt", "<"}, {"lte", "<="}, {"like", "like"}, {"ilike", "ilike"}};

const std::map<std::string, std::string> kIsValues = {{"null", "NULL"},
                                                      {"not_null", "NOT NULL"},
                                                      {"true", "TRUE"},
                                                      {"false", "FALSE"},
                                                      {"unknown", "UNKNOWN"}};

[[noreturn]] void parse_error(const std::string& what, const std::string& value,
                              const std::string& details) {
  throw postgrest_error(400, "PGRST100", "failed to parse " + what + " (" + value + ")", details);
}

bool is_plain_name(const std::string& name) {
  return !name.empty() && std::none_of(name.begin(), name.end(), [](char c) {
    return c == '(' || c == ')' || c == ':' || c == '-' || c == '>' || c == '!' ||
           std::isspace(static_cast<unsigned char>(c));
  });
}

std::optional<long> parse_count(const std::string& text) {
  if (text.empty() || text.size() > 12 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return std::stol(text);
}

// PostgREST's array literal for in.(...), e.g. {"a","b"}.
std::string array_literal(const std::vector<std::string>& values) {
  std::string literal = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) literal += ",";
    literal += "\"";
    for (char c : values[i]) {
      if (c == '\\' || c == '"') literal += '\\';
      literal += c;
    }
    literal += "\"";
  }
  return literal + "}";
}

struct ReadQuery {
  std::string select;
  std::vector<std::string> where;
  std::string order;
  long offset = 0;
  std::optional<long> limit;
  std::vector<PgParam> params;
};

std::string add_param(ReadQuery& query, std::string value) {
  query.params.push_back({std::move(value), 0});
  return "$" + std::to_string(query.params.size());
}

std::string select_list(const std::string& qualified, const std::string& select) {
  std::vector<std::string> items;
  for (const auto& item : split_list(select)) {
    if (item == "*") {
      items.push_back(qualified + ".*");
      continue;
    }
    auto colon = item.find(':');
    std::string alias = colon == std::string::npos ? "" : item.substr(0, colon);
    std::string column = colon == std::string::npos ? item : item.substr(colon + 1);
    if (!is_plain_name(column) || (colon != std::string::npos && !is_plain_name(alias))) {
      parse_error("select parameter", select,
                  "the test gateway supports only '*', 'column' and 'alias:column'");
    }
    items.push_back(qualified + "." + quote_ident(column) +
                    (alias.empty() ? "" : " AS " + quote_ident(alias)));
  }
  std::string joined;
  for (const auto& item : items) joined += (joined.empty() ? "" : ", ") + item;
  return joined;
}

std::string order_clause(const std::string& qualified, const std::string& order) {
  std::string clause;
  for (const auto& term : split_list(order)) {
    auto parts = split_list(term, '.');
    if (!is_plain_name(parts[0]) || parts.size() > 3) parse_error("order", order, term);
    std::string sql = qualified + "." + quote_ident(parts[0]);
    for (std::size_t i = 1; i < parts.size(); ++i) {
      static const std::map<std::string, std::string> kModifiers = {{"asc", " ASC"},
                                                                    {"desc", " DESC"},
                                                                    {"nullsfirst", " NULLS FIRST"},
                                                                    {"nullslast", " NULLS LAST"}};
      auto modifier = kModifiers.find(parts[i]);
      if (modifier == kModifiers.end())
        parse_error("order", order, "unexpected '" + parts[i] + "'");
      sql += modifier->second;
    }
    clause += (clause.empty() ? "ORDER BY " : ", ") + sql;
  }
  return clause;
}

void add_filter(ReadQuery& query, const std::string& qualified, const std::string& column,
                const std::string& expression) {
  std::string rest = expression;
  bool negated = rest.rfind("not.", 0) == 0;
  if (negated) rest = rest.substr(4);
  auto dot = rest.find('.');
  if (dot == std::string::npos || !is_plain_name(column)) {
    parse_error("filter", expression, "expected an operator such as eq.");
  }
  std::string op = rest.substr(0, dot);
  std::string value = rest.substr(dot + 1);
  std::string field = qualified + "." + quote_ident(column);
  std::string condition;
  if (auto comparison = kComparisons.find(op); comparison != kComparisons.end()) {
    if (op == "like" || op == "ilike") std::replace(value.begin(), value.end(), '*', '%');
    condition = field + " " + comparison->second + " " + add_param(query, value);
  } else if (op == "is" && kIsValues.count(value) != 0) {
    condition = field + " IS " + kIsValues.at(value);
  } else if (op == "in" && value.size() >= 2 && value.front() == '(' && value.back() == ')') {
    std::vector<std::string> items;
    for (auto& item : split_list(value.substr(1, value.size() - 2))) {
      if (item.size() >= 2 && item.front() == '"' && item.back() == '"') {
        item = item.substr(1, item.size() - 2);
      }
      items.push_back(item);
    }
    condition = field + " = ANY (" + add_param(query, array_literal(items)) + ")";
  } else {
    parse_error("filter", expression, "unknown operator or value");
  }
  query.where.push_back((negated ? "NOT " : "") + condition);
}

ReadQuery parse_read(const TableInfo& table, const QueryParams& params) {
  std::string qualified = quote_ident(table.schema) + "." + quote_ident(table.name);
  ReadQuery query;
  query.select = qualified + ".*";
  for (const auto& [name, value] : params) {
    if (name == "select") {
      query.select = select_list(qualified, value);
    } else if (name == "order") {
      query.order = order_clause(qualified, value);
    } else if (name == "limit" || name == "offset") {
      auto number = parse_count(value);
      if (!number) parse_error(name + " parameter", value, "expected a non-negative integer");
      if (name == "limit") {
        query.limit = *number;
      } else {
        query.offset = *number;
      }
    } else if (name != "columns" && name != "on_conflict") {
      add_filter(query, qualified, name, value);
    }
  }
  return query;
}

}  // namespace

RestResult run_read(PGconn* connection, const RequestTransaction::Settings& settings,
                    const TableInfo& table, const QueryParams& params,
                    const Preferences& preferences, int max_rows) {
  ReadQuery query = parse_read(table, params);
  std::string qualified = quote_ident(table.schema) + "." + quote_ident(table.name);
  std::string where;
  for (const auto& condition : query.where) {
    where += (where.empty() ? " WHERE " : " AND ") + condition;
  }
  std::optional<long> limit = query.limit;
  if (max_rows > 0) limit = std::min<long>(limit.value_or(max_rows), max_rows);
  std::string range;
  if (limit || query.offset > 0) {
    range = "LIMIT " + (limit ? add_param(query, std::to_string(*limit)) : std::string("ALL")) +
            " OFFSET " + add_param(query, std::to_string(query.offset));
  }
  bool count = preferences.wants_count();
  std::string sql =
      "WITH pgrst_source AS ( SELECT " + query.select + " FROM " + qualified + where + " " +
      query.order + " " + range + " ) " +
      (count ? ", pgrst_source_count AS (SELECT 1 FROM " + qualified + where + ") " : "") +
      "SELECT " +
      (count ? "(SELECT pg_catalog.count(*) FROM pgrst_source_count)" : "null::bigint") +
      " AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, "
      "coalesce(json_agg(_postgrest_t), '[]') AS body, nullif(current_setting("
      "'response.headers', true), '') AS response_headers, nullif(current_setting("
      "'response.status', true), '') AS response_status FROM ( SELECT * FROM pgrst_source ) "
      "_postgrest_t";

  RequestTransaction::Settings read_only = settings;
  read_only.read_only = true;
  RequestTransaction transaction(connection, read_only);
  PgResult result = execute(connection, sql, query.params);
  std::optional<long> total;
  if (!PQgetisnull(result.get(), 0, 0)) total = std::atol(PQgetvalue(result.get(), 0, 0));
  long page_total = std::atol(PQgetvalue(result.get(), 0, 1));
  std::string body = PQgetvalue(result.get(), 0, 2);
  transaction.commit();

  if (total && query.offset > *total) {
    throw postgrest_error(416, "PGRST103", "Requested range not satisfiable",
                          "An offset of " + std::to_string(query.offset) +
                              " was requested, but there are only " + std::to_string(*total) +
                              " rows.");
  }
  long lower = query.offset;
  long upper = query.offset + page_total - 1;
  std::string total_text = total ? std::to_string(*total) : "*";
  RestResult answer;
  answer.rows = static_cast<int>(page_total);
  answer.status = (total && 1 + upper - lower < *total) ? 206 : 200;
  answer.body = std::move(body);
  answer.headers.emplace_back("Content-Type", kJsonContentType);
  answer.headers.emplace_back(
      "Content-Range", (total != 0L && lower <= upper)
                           ? std::to_string(lower) + "-" + std::to_string(upper) + "/" + total_text
                           : "*/" + total_text);
  if (auto header = preferences.applied(); !header.empty()) {
    answer.headers.emplace_back("Preference-Applied", header);
  }
  return answer;
}

}  // namespace kz::test
