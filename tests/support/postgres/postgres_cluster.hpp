#pragma once

// A throwaway PostgreSQL 15 cluster for tests and the demo.
//
//   kz::test::PostgresCluster db;                  // initdb + start, a second or less
//   db.execute("INSERT INTO accounts ...");        // as the superuser "postgres"
//   auto rows = db.query("SELECT count(*) FROM accounts");
//   // ~PostgresCluster: server stopped, temporary directory removed
//
// The cluster lives in a fresh directory /tmp/kzpg-<pid>-XXXXXX, listens on 127.0.0.1 on a free
// port (and on a socket in that directory) and runs as an unprivileged account when the test runs
// as root (see server_account()). It never touches another cluster on the machine. The server is
// our child process: it is stopped by the destructor, by SIGINT/SIGTERM/SIGHUP, and when the
// thread that started it dies (SIGQUIT as parent-death signal, so start it from the main thread
// or a thread that outlives it). A directory left behind by a killed run is removed by the next
// start.
//
// After start-up the cluster has Supabase's roles: anon (NOLOGIN; only SELECT on public tables),
// authenticated (NOLOGIN; SELECT, INSERT, UPDATE, DELETE), service_role (NOLOGIN, BYPASSRLS; all
// privileges) and authenticator (LOGIN, member of the three, what the gateway connects as). The
// privileges are default privileges in schema public, so they cover every table the migrations
// or the test create later as "postgres".

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace kz::test {

struct PostgresClusterOptions {
  // Apply every *.sql file of migrations_dir in name order (plain SQL, no psql meta-commands).
  bool apply_migrations = true;
  std::string migrations_dir;  // empty: the project's sql/ folder
  // Run as "postgres" after the migrations, e.g. test tables or REVOKEs.
  std::vector<std::string> setup_sql;
  std::string bin_dir = "/usr/lib/postgresql/15/bin";
};

using SqlRow = std::vector<std::optional<std::string>>;  // NULL is nullopt

class PostgresCluster {
 public:
  // Starts the cluster; throws std::runtime_error (with the server log's tail) on failure.
  explicit PostgresCluster(PostgresClusterOptions options = {});
  ~PostgresCluster();
  PostgresCluster(const PostgresCluster&) = delete;
  PostgresCluster& operator=(const PostgresCluster&) = delete;

  // Stops the server and removes the directory; idempotent.
  void stop();

  int port() const { return port_; }
  pid_t server_pid() const { return server_pid_; }
  const std::string& directory() const { return directory_; }
  std::chrono::milliseconds startup_time() const { return startup_time_; }

  // libpq keyword/value connection strings.
  std::string admin_conninfo() const;          // superuser "postgres", database "postgres"
  std::string authenticator_conninfo() const;  // role "authenticator"
  // URI for psql: postgresql://postgres@127.0.0.1:<port>/postgres
  std::string admin_url() const;

  // Runs a script (one or more statements) as "postgres"; throws with the server's message.
  void execute(const std::string& sql) const;
  // Empties every table of schema public (TRUNCATE ... RESTART IDENTITY CASCADE), e.g. between
  // tests that share a cluster.
  void truncate_public_tables() const;
  // Runs one statement with text parameters $1..$n as "postgres" and returns its rows.
  std::vector<SqlRow> query(const std::string& sql,
                            const std::vector<std::string>& params = {}) const;
  // The first column of the first row; nullopt when there is no row or it is NULL.
  std::optional<std::string> query_value(const std::string& sql,
                                         const std::vector<std::string>& params = {}) const;

 private:
  void start(const PostgresClusterOptions& options);
  void launch_server(const std::string& bin_dir);
  void apply_sql(const PostgresClusterOptions& options) const;

  std::string directory_;
  int port_ = 0;
  pid_t server_pid_ = 0;
  int cleanup_slot_ = -1;
  std::chrono::milliseconds startup_time_{0};
};

}  // namespace kz::test
