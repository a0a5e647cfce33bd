#include "upload/pool_source.hpp"

namespace kz {

PoolSource pool_source(std::string_view stored) {
  return stored == "antpool" ? PoolSource::antpool : PoolSource::btcpool;
}

const char* account_type(PoolSource source) {
  return source == PoolSource::antpool ? "antpool" : "kzpool";
}

const char* income_source(PoolSource source) {
  return source == PoolSource::antpool ? "Antpool" : "KZ Pool";
}

const char* device_id_prefix(PoolSource source) {
  return source == PoolSource::antpool ? "AP_" : "KZ_";
}

}  // namespace kz
