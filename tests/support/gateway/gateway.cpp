#include "support/gateway/gateway.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "support/gateway/gateway_impl.hpp"
#include "support/gateway/insert_handler.hpp"
#include "support/gateway/jwt.hpp"
#include "support/gateway/read_handler.hpp"

namespace kz::test {
namespace {

constexpr std::int64_t kKeyExpiry = 4102444800;  // 2100-01-01T00:00:00Z

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool starts_with_ignoring_case(const std::string& text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  return std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  });
}

std::vector<std::string> header_values(const httplib::Request& request, const char* name) {
  std::vector<std::string> values;
  for (std::size_t i = 0; i < request.get_header_value_count(name); ++i) {
    values.push_back(request.get_header_value(name, i));
  }
  return values;
}

// The URL's query parameters only: httplib also adds form fields of the body to request.params.
httplib::Params url_params(const httplib::Request& request) {
  httplib::Params params;
  auto question_mark = request.target.find('?');
  if (question_mark != std::string::npos) {
    httplib::detail::parse_query_text(request.target.substr(question_mark + 1), params);
  }
  return params;
}

QueryParams without_key(const httplib::Params& params) {
  QueryParams kept;
  for (const auto& [name, value] : params) {
    if (name != "apikey") kept.emplace_back(name, value);
  }
  return kept;
}

std::optional<std::string> param(const httplib::Params& params, const std::string& name) {
  auto found = params.find(name);
  if (found == params.end()) return std::nullopt;
  return found->second;
}

void write_result(httplib::Response& response, const RestResult& result) {
  response.status = result.status;
  std::string content_type;
  for (const auto& [name, value] : result.headers) {
    if (name == "Content-Type") {
      content_type = value;
    } else {
      response.set_header(name, value);
    }
  }
  if (!content_type.empty()) response.set_content(result.body, content_type.c_str());
}

}  // namespace

std::string default_api_key(const std::string& role, const std::string& jwt_secret) {
  return make_jwt(role, jwt_secret, kKeyExpiry);
}

void write_error(httplib::Response& response, const ApiError& error) {
  response.status = error.status();
  for (const auto& [name, value] : error.headers()) response.set_header(name, value);
  response.set_content(error.body().dump(), kJsonContentType);
}

Gateway::Impl::Impl(GatewayOptions gateway_options)
    : options(std::move(gateway_options)), pool(options.db_conninfo, options.pool_size) {
  if (options.api_keys.empty()) {
    options.api_keys = {default_api_key("anon", options.jwt_secret),
                        default_api_key("service_role", options.jwt_secret)};
  }
}

void Gateway::Impl::wait(std::chrono::milliseconds delay) {
  std::unique_lock lock(stop_mutex);
  stop_signal.wait_for(lock, delay, [&] { return stopping; });
}

void Gateway::Impl::handle_rest(const httplib::Request& request, httplib::Response& response) {
  LoggedRequest entry;
  entry.method = request.method;
  entry.path = request.path;
  httplib::Params params = url_params(request);
  for (const auto& [name, value] : without_key(params)) {
    entry.query += (entry.query.empty() ? "" : "&") + name + "=" + value;
  }
  for (const auto& value : header_values(request, "Prefer")) {
    entry.prefer += (entry.prefer.empty() ? "" : ", ") + value;
  }
  auto decision = faults.next();
  if (decision.delay.count() > 0) wait(decision.delay);
  std::optional<FaultKind> kind;
  if (decision.fault) {
    kind = decision.fault->kind;
    entry.fault = std::string(to_string(*kind));
  }
  bool dropped = kind == FaultKind::kDropConnection || kind == FaultKind::kDropResponse;
  if (kind && !dropped) {
    answer_fault(*decision.fault, response);
  } else if (kind != FaultKind::kDropConnection) {
    try {
      serve_rest(request, params, response, entry);
    } catch (const ApiError& error) {
      write_error(response, error);
    } catch (const std::exception& error) {
      write_error(response, postgrest_error(500, "PGRSTX00", error.what()));
    }
  }
  entry.status = dropped ? 0 : response.status;
  log.add(std::move(entry));  // before the client can see the connection end
  if (dropped) drop_connection(request);
}

void Gateway::Impl::serve_rest(const httplib::Request& request, const httplib::Params& params,
                               httplib::Response& response, LoggedRequest& entry) {
  // The API gateway's key check.
  std::string apikey = request.get_header_value("apikey");
  if (apikey.empty()) apikey = param(params, "apikey").value_or("");
  if (apikey.empty()) {
    throw gateway_error(401, "No API key found in request",
                        "No `apikey` request header or url param was found.");
  }
  if (std::find(options.api_keys.begin(), options.api_keys.end(), apikey) ==
      options.api_keys.end()) {
    throw gateway_error(401, "Invalid API key",
                        "Double check your Supabase `anon` or `service_role` API key.");
  }
  // PostgREST's JWT check; without an Authorization header the key is the token.
  std::string token = apikey;
  std::string authorization = request.get_header_value("Authorization");
  if (starts_with_ignoring_case(authorization, "Bearer ")) token = authorization.substr(7);
  auto verdict = verify_jwt(token, options.jwt_secret, unix_now());
  if (const auto* rejection = std::get_if<JwtRejection>(&verdict)) {
    throw postgrest_error(401, rejection->code, rejection->message, rejection->details, {},
                          {{"WWW-Authenticate",
                            "Bearer error=\"invalid_token\", "
                            "error_description=\"" +
                                rejection->message + "\""}});
  }
  const auto& jwt = std::get<VerifiedJwt>(verdict);
  std::string role = jwt.role.value_or("anon");

  auto preferences = Preferences::parse(header_values(request, "Prefer"));
  if (preferences.strict() && !preferences.invalid.empty()) {
    std::string invalid;
    for (const auto& item : preferences.invalid) invalid += (invalid.empty() ? "" : ", ") + item;
    throw postgrest_error(400, "PGRST122", "Invalid preferences given with handling=strict",
                          "Invalid preferences: " + invalid);
  }
  bool is_read = request.method == "GET" || request.method == "HEAD";
  if (!is_read && request.method != "POST") {
    throw postgrest_error(405, "PGRST117", "Unsupported HTTP method: " + request.method);
  }
  std::optional<InsertPayload> payload;
  if (!is_read) {
    payload = parse_insert_payload(request.body, param(params, "columns"));
    entry.rows = payload->rows;
  }
  RequestTransaction::Settings settings{role, jwt.claims.dump(), request.method, request.path};
  try {
    auto connection = pool.acquire();
    std::string table_name = request.matches[1];
    auto table = schema.lookup(connection.get(), "public", table_name);
    if (!table) {
      throw postgrest_error(
          404, "PGRST205",
          "Could not find the table 'public." + table_name + "' in the schema cache");
    }
    RestResult result = is_read ? run_read(connection.get(), settings, *table, without_key(params),
                                           preferences, options.max_rows)
                                : run_insert(connection.get(), settings, *table, *payload,
                                             preferences, param(params, "on_conflict"));
    entry.rows = result.rows;
    write_result(response, result);
  } catch (const PgError& error) {
    throw error_from_database(error.fields(), role == "anon", options.db_retry_after_seconds);
  } catch (const DatabaseUnavailable& error) {
    throw postgrest_error(503, error.code(), error.message(), error.details(), {},
                          {{"Retry-After", std::to_string(options.db_retry_after_seconds)}});
  }
}

Gateway::Gateway(GatewayOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {
  auto& server = impl_->server;
  server.set_keep_alive_timeout(2);
  server.set_read_timeout(30, 0);
  server.set_write_timeout(30, 0);
  server.set_payload_max_length(256u << 20);
  auto rest = [this](const httplib::Request& request, httplib::Response& response) {
    impl_->handle_rest(request, response);
  };
  const char* route = R"(/rest/v1/([^/]+))";
  server.Get(route, rest);  // httplib routes HEAD to the GET handlers
  server.Post(route, rest);
  server.Put(route, rest);
  server.Patch(route, rest);
  server.Delete(route, rest);
  server.Options(route, rest);
  impl_->register_admin_routes();
  server.set_error_handler([](const httplib::Request&, httplib::Response& response) {
    if (response.status == 404 && response.body.empty()) {
      response.set_content(R"({"message":"no Route matched with those values"})", kJsonContentType);
    }
  });
  impl_->port =
      impl_->options.port == 0
          ? server.bind_to_any_port("127.0.0.1")
          : (server.bind_to_port("127.0.0.1", impl_->options.port) ? impl_->options.port : -1);
  if (impl_->port <= 0) throw std::runtime_error("gateway: cannot bind 127.0.0.1");
  impl_->listener = std::thread([this] { impl_->server.listen_after_bind(); });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!server.is_running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

Gateway::~Gateway() {
  stop();
}

void Gateway::stop() {
  {
    std::lock_guard lock(impl_->stop_mutex);
    impl_->stopping = true;
  }
  impl_->stop_signal.notify_all();
  impl_->server.stop();
  if (impl_->listener.joinable()) impl_->listener.join();
}

int Gateway::port() const {
  return impl_->port;
}
std::string Gateway::url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->port);
}
FaultInjector& Gateway::faults() {
  return impl_->faults;
}
RequestLog& Gateway::requests() {
  return impl_->log;
}
void Gateway::reload_schema() {
  impl_->schema.clear();
}

}  // namespace kz::test
