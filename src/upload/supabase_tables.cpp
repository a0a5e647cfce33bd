#include "upload/supabase_tables.hpp"

namespace kz {

const std::vector<TableSpec>& supabase_tables() {
  static const std::vector<TableSpec> specs = {
      {"accounts",
       {"account_name", "coin_type", "is_active", "account_type", "company", "site", "group_name",
        "balance", "earn_24_hours", "updated_at"},
       "account_name",
       "sql/001_schema.sql",
       {},
       "sql/001_schema.sql"},
      {"hashrates",
       {"account_name", "timestamp", "hashrate_10m", "hashrate_1h", "hashrate_1d", "worker_count",
        "active_workers", "reject_rate"},
       "account_name,timestamp",
       "sql/001_schema.sql",
       {},
       "sql/002_upsert_keys.sql"},
      {"devices",
       {"device_id", "serial_number", "account_name", "worker_name", "device_type", "status",
        "site", "location", "created_at", "updated_at"},
       "device_id",
       "sql/001_schema.sql",
       {},
       "sql/001_schema.sql"},
      {"income_tracking",
       {"account_name", "date", "btc_amount", "source", "transaction_type"},
       "account_name,date",
       "sql/001_schema.sql",
       {},
       "sql/002_upsert_keys.sql"},
      {"alerts",
       {"alert_key", "account_name", "alert_type", "severity", "message", "resolved", "resolved_at",
        "created_at"},
       "alert_key",
       "sql/001_schema.sql",
       {"alert_key", "resolved_at"},
       "sql/002_upsert_keys.sql"},
      {"payments",
       {"account_name", "payment_id", "amount", "address", "tx", "paid_at"},
       "payment_id",
       "sql/003_payments.sql",
       {},
       "sql/003_payments.sql"},
  };
  return specs;
}

}  // namespace kz
