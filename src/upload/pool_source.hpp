#pragma once

#include <string_view>

namespace kz {

// Which kind of account a pool of the cache is (pool.source, cache migration 5). Supabase tells
// them apart by accounts.account_type, the devices.device_id prefix and income_tracking.source.
enum class PoolSource { btcpool, antpool };

// pool.source as stored: "antpool" is Antpool, anything else btcpool.kz.
PoolSource pool_source(std::string_view stored);
// accounts.account_type: "kzpool" or "antpool".
const char* account_type(PoolSource source);
// income_tracking.source: "KZ Pool" or "Antpool".
const char* income_source(PoolSource source);
// The devices.device_id prefix: "KZ_" or "AP_".
const char* device_id_prefix(PoolSource source);

}  // namespace kz
