#include "support/gateway/pg_session.hpp"

namespace kz::test {
namespace {

std::optional<std::string> error_field(const PGresult* result, int field) {
  const char* value = PQresultErrorField(result, field);
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

PgResult execute(PGconn* connection, const std::string& sql, const std::vector<PgParam>& params) {
  std::vector<const char*> values;
  std::vector<Oid> types;
  for (const auto& param : params) {
    values.push_back(param.value ? param.value->c_str() : nullptr);
    types.push_back(param.type);
  }
  PgResult result(PQexecParams(connection, sql.c_str(), static_cast<int>(params.size()),
                               types.data(), values.data(), nullptr, nullptr, 0));
  auto status = PQresultStatus(result.get());
  if (result && (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)) return result;
  auto sqlstate = result ? error_field(result.get(), PG_DIAG_SQLSTATE) : std::nullopt;
  if (!sqlstate) {
    throw DatabaseUnavailable("PGRST001", "Database client error. Retrying the connection.",
                              trimmed(PQerrorMessage(connection)));
  }
  PgErrorFields fields;
  fields.sqlstate = *sqlstate;
  fields.message = error_field(result.get(), PG_DIAG_MESSAGE_PRIMARY).value_or("");
  fields.detail = error_field(result.get(), PG_DIAG_MESSAGE_DETAIL);
  fields.hint = error_field(result.get(), PG_DIAG_MESSAGE_HINT);
  throw PgError(std::move(fields));
}

PgPool::PgPool(std::string conninfo, std::size_t max_connections)
    : conninfo_(std::move(conninfo)), max_connections_(max_connections) {}

PgPool::~PgPool() {
  for (PGconn* connection : idle_) PQfinish(connection);
}

PgPool::Lease::Lease(Lease&& other) noexcept : pool_(other.pool_), connection_(other.connection_) {
  other.connection_ = nullptr;
}

PgPool::Lease::~Lease() {
  if (connection_ != nullptr) pool_->give_back(connection_);
}

PgPool::Lease PgPool::acquire() {
  {
    std::unique_lock lock(mutex_);
    available_.wait(lock, [&] { return !idle_.empty() || open_ < max_connections_; });
    if (!idle_.empty()) {
      PGconn* connection = idle_.back();
      idle_.pop_back();
      return Lease(this, connection);
    }
    ++open_;
  }
  PGconn* connection = PQconnectdb(conninfo_.c_str());
  if (PQstatus(connection) != CONNECTION_OK) {
    std::string details = trimmed(PQerrorMessage(connection));
    PQfinish(connection);
    {
      std::lock_guard lock(mutex_);
      --open_;
    }
    available_.notify_one();
    throw DatabaseUnavailable("PGRST000", "Database connection error. Retrying the connection.",
                              details);
  }
  return Lease(this, connection);
}

void PgPool::give_back(PGconn* connection) {
  bool healthy =
      PQstatus(connection) == CONNECTION_OK && PQtransactionStatus(connection) == PQTRANS_IDLE;
  {
    std::lock_guard lock(mutex_);
    if (healthy) {
      idle_.push_back(connection);
    } else {
      --open_;
    }
  }
  if (!healthy) PQfinish(connection);
  available_.notify_one();
}

RequestTransaction::RequestTransaction(PGconn* connection, const Settings& settings)
    : connection_(connection) {
  execute(connection_,
          settings.read_only ? "BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY"
                             : "BEGIN ISOLATION LEVEL READ COMMITTED",
          {});
  try {
    execute(connection_,
            "SELECT set_config('role', $1, true), set_config('request.jwt.claims', $2, true), "
            "set_config('request.method', $3, true), set_config('request.path', $4, true)",
            {{settings.role}, {settings.claims_json}, {settings.method}, {settings.path}});
  } catch (...) {
    PQclear(PQexec(connection_, "ROLLBACK"));
    open_ = false;
    throw;
  }
}

RequestTransaction::~RequestTransaction() {
  if (open_ && PQstatus(connection_) == CONNECTION_OK) PQclear(PQexec(connection_, "ROLLBACK"));
}

void RequestTransaction::commit() {
  open_ = false;
  execute(connection_, "COMMIT", {});
}

}  // namespace kz::test
