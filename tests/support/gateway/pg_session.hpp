#pragma once

// libpq plumbing of the gateway: a small connection pool, statements with typed parameters, and
// PostgREST's per-request transaction (role, claims and request settings as local settings).

#include <libpq-fe.h>

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/gateway/api_error.hpp"

namespace kz::test {

// A statement failed on the server.
class PgError : public std::runtime_error {
 public:
  explicit PgError(PgErrorFields fields)
      : std::runtime_error(fields.message), fields_(std::move(fields)) {}
  const PgErrorFields& fields() const { return fields_; }

 private:
  PgErrorFields fields_;
};

// The database cannot be reached (connect failed or the connection broke without a SQLSTATE).
class DatabaseUnavailable : public std::runtime_error {
 public:
  DatabaseUnavailable(std::string code, std::string message, std::string details)
      : std::runtime_error(message),
        code_(std::move(code)),
        message_(std::move(message)),
        details_(std::move(details)) {}
  const std::string& code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& details() const { return details_; }

 private:
  std::string code_, message_, details_;
};

struct ResultClear {
  void operator()(PGresult* result) const { PQclear(result); }
};
using PgResult = std::unique_ptr<PGresult, ResultClear>;

inline constexpr Oid kJsonOid = 114;
inline constexpr Oid kJsonbOid = 3802;

// A text parameter; type 0 lets the server infer it (PostgREST's "unknown" literals).
struct PgParam {
  std::optional<std::string> value;
  Oid type = 0;
};

// Runs one statement; throws PgError or DatabaseUnavailable.
PgResult execute(PGconn* connection, const std::string& sql, const std::vector<PgParam>& params);

class PgPool {
 public:
  PgPool(std::string conninfo, std::size_t max_connections);
  ~PgPool();
  PgPool(const PgPool&) = delete;
  PgPool& operator=(const PgPool&) = delete;

  // A connection on loan; returned to the pool on destruction, or closed when it broke.
  class Lease {
   public:
    Lease(PgPool* pool, PGconn* connection) : pool_(pool), connection_(connection) {}
    Lease(Lease&& other) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    PGconn* get() const { return connection_; }

   private:
    PgPool* pool_;
    PGconn* connection_;
  };

  // Throws DatabaseUnavailable (PGRST000) when a new connection cannot be made.
  Lease acquire();

 private:
  void give_back(PGconn* connection);

  std::string conninfo_;
  std::size_t max_connections_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<PGconn*> idle_;
  std::size_t open_ = 0;
};

// BEGIN ... with the request's role and settings; rolls back unless committed.
class RequestTransaction {
 public:
  struct Settings {
    std::string role;
    std::string claims_json;
    std::string method;
    std::string path;
    bool read_only = false;
  };
  RequestTransaction(PGconn* connection, const Settings& settings);
  ~RequestTransaction();
  RequestTransaction(const RequestTransaction&) = delete;
  RequestTransaction& operator=(const RequestTransaction&) = delete;
  void commit();

 private:
  PGconn* connection_;
  bool open_ = true;
};

}  // namespace kz::test
