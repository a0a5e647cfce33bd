#include "support/gateway/local_supabase.hpp"

namespace kz::test {

LocalSupabase::LocalSupabase(LocalSupabaseOptions options)
    : jwt_secret_(std::move(options.jwt_secret)),
      anon_key_(default_api_key("anon", jwt_secret_)),
      service_key_(default_api_key("service_role", jwt_secret_)) {
  auto started = std::chrono::steady_clock::now();
  database_ = std::make_unique<PostgresCluster>(std::move(options.database));
  GatewayOptions gateway_options;
  gateway_options.db_conninfo = database_->authenticator_conninfo();
  gateway_options.jwt_secret = jwt_secret_;
  gateway_options.api_keys = {anon_key_, service_key_};
  gateway_options.port = options.gateway_port;
  gateway_ = std::make_unique<Gateway>(std::move(gateway_options));
  startup_time_ = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
}

LocalSupabase::~LocalSupabase() {
  gateway_.reset();  // stop serving before the database goes away
  database_.reset();
}

}  // namespace kz::test
