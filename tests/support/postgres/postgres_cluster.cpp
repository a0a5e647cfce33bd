#include "support/postgres/postgres_cluster.hpp"

#include <arpa/inet.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/postgres/server_process.hpp"

namespace kz::test {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char* kDirectoryPrefix = "kzpg-";

// Supabase's API roles. Default privileges cover every table "postgres" creates afterwards.
constexpr const char* kRolesSql = R"sql(
CREATE ROLE anon NOLOGIN NOINHERIT;
CREATE ROLE authenticated NOLOGIN NOINHERIT;
CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS;
CREATE ROLE authenticator LOGIN NOINHERIT;
GRANT anon, authenticated, service_role TO authenticator;
GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO anon;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO authenticated;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO authenticated;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON SEQUENCES TO service_role;
)sql";

struct ConnectionCloser {
  void operator()(PGconn* connection) const { PQfinish(connection); }
};
struct ResultClearer {
  void operator()(PGresult* result) const { PQclear(result); }
};
using Connection = std::unique_ptr<PGconn, ConnectionCloser>;
using Result = std::unique_ptr<PGresult, ResultClearer>;

std::string conninfo_for(int port, const std::string& user) {
  return "host=127.0.0.1 port=" + std::to_string(port) + " dbname=postgres user=" + user +
         " sslmode=disable gssencmode=disable connect_timeout=5";
}

Connection connect_or_throw(const std::string& conninfo) {
  Connection connection(PQconnectdb(conninfo.c_str()));
  if (PQstatus(connection.get()) != CONNECTION_OK) {
    throw std::runtime_error("cannot connect to the test cluster: " +
                             std::string(PQerrorMessage(connection.get())));
  }
  return connection;
}

void throw_unless_ok(const PGresult* result, PGconn* connection, const std::string& what) {
  auto status = PQresultStatus(result);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return;
  const char* message = result ? PQresultErrorMessage(result) : PQerrorMessage(connection);
  throw std::runtime_error(what + ": " + message);
}

int free_local_port() {
  int sock = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (sock < 0) throw std::runtime_error("socket() failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (bind(sock, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      getsockname(sock, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    close(sock);
    throw std::runtime_error("cannot find a free port on 127.0.0.1");
  }
  close(sock);
  return ntohs(address.sin_port);
}

std::string file_tail(const fs::path& path, std::size_t max_chars = 3000) {
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  std::string text = content.str();
  return text.size() > max_chars ? text.substr(text.size() - max_chars) : text;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

std::string temporary_base() {
  // The server account must reach the directory: when root, /tmp rather than root's $TMPDIR.
  const char* tmpdir = getenv("TMPDIR");
  if (geteuid() != 0 && tmpdir != nullptr && *tmpdir != '\0') return tmpdir;
  return "/tmp";
}

}  // namespace

PostgresCluster::PostgresCluster(PostgresClusterOptions options) {
  try {
    start(options);
  } catch (...) {
    stop();
    throw;
  }
}

PostgresCluster::~PostgresCluster() {
  stop();
}

void PostgresCluster::start(const PostgresClusterOptions& options) {
  auto started = Clock::now();
  std::string base = temporary_base();
  remove_stale_directories(base, kDirectoryPrefix);
  std::string pattern = base + "/" + kDirectoryPrefix + std::to_string(getpid()) + "-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp " + pattern + ": " + strerror(errno));
  }
  directory_ = pattern;
  auto account = server_account();
  if (account && chown(directory_.c_str(), account->uid, account->gid) != 0) {
    throw std::runtime_error("chown " + directory_ + ": " + strerror(errno));
  }
  std::string initdb_log = directory_ + "/initdb.log";
  int status = run_to_completion({options.bin_dir + "/initdb", "-D", directory_ + "/data", "-U",
                                  "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "-N"},
                                 account, initdb_log, std::chrono::seconds(120));
  if (status != 0) {
    throw std::runtime_error("initdb failed (exit " + std::to_string(status) + "):\n" +
                             file_tail(initdb_log));
  }
  launch_server(options.bin_dir);
  execute(kRolesSql);
  apply_sql(options);
  startup_time_ = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
}

void PostgresCluster::launch_server(const std::string& bin_dir) {
  auto account = server_account();
  std::string log = directory_ + "/postgres.log";
  for (int attempt = 0; attempt < 3; ++attempt) {
    port_ = free_local_port();
    server_pid_ = spawn_server({bin_dir + "/postgres",
                                "-D",
                                directory_ + "/data",
                                "-p",
                                std::to_string(port_),
                                "-k",
                                directory_,
                                "-c",
                                "listen_addresses=127.0.0.1",
                                "-c",
                                "fsync=off",
                                "-c",
                                "synchronous_commit=off",
                                "-c",
                                "full_page_writes=off",
                                "-c",
                                "autovacuum=off",
                                "-c",
                                "shared_buffers=32MB",
                                "-c",
                                "max_connections=60",
                                "-c",
                                "TimeZone=UTC"},
                               account, log);
    cleanup_slot_ = register_for_cleanup(server_pid_, directory_);
    auto deadline = Clock::now() + std::chrono::seconds(30);
    std::string conninfo = admin_conninfo();
    while (Clock::now() < deadline && child_is_running(server_pid_)) {
      if (PQping(conninfo.c_str()) == PQPING_OK) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    stop_server(server_pid_, std::chrono::seconds(5));
    server_pid_ = 0;
    unregister_cleanup(cleanup_slot_);
    cleanup_slot_ = -1;
  }
  throw std::runtime_error("PostgreSQL did not start:\n" + file_tail(log));
}

void PostgresCluster::apply_sql(const PostgresClusterOptions& options) const {
  if (options.apply_migrations) {
    fs::path folder = options.migrations_dir.empty() ? fs::path(KZ_PROJECT_SQL_DIR)
                                                     : fs::path(options.migrations_dir);
    std::vector<fs::path> files;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(folder, error)) {
      if (entry.is_regular_file() && entry.path().extension() == ".sql") {
        files.push_back(entry.path());
      }
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      try {
        execute(read_file(file));
      } catch (const std::exception& e) {
        throw std::runtime_error("migration " + file.filename().string() + " failed: " + e.what());
      }
    }
  }
  for (const auto& sql : options.setup_sql) execute(sql);
}

void PostgresCluster::stop() {
  if (server_pid_ > 0) {
    stop_server(server_pid_, std::chrono::seconds(10));
    server_pid_ = 0;
  }
  unregister_cleanup(cleanup_slot_);
  cleanup_slot_ = -1;
  if (!directory_.empty()) {
    std::error_code error;
    fs::remove_all(directory_, error);
    directory_.clear();
  }
}

std::string PostgresCluster::admin_conninfo() const {
  return conninfo_for(port_, "postgres");
}

std::string PostgresCluster::authenticator_conninfo() const {
  return conninfo_for(port_, "authenticator");
}

std::string PostgresCluster::admin_url() const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/postgres";
}

void PostgresCluster::execute(const std::string& sql) const {
  Connection connection = connect_or_throw(admin_conninfo());
  Result result(PQexec(connection.get(), sql.c_str()));
  throw_unless_ok(result.get(), connection.get(), "SQL failed");
}

void PostgresCluster::truncate_public_tables() const {
  execute(R"sql(
DO $$
DECLARE tables text;
BEGIN
  SELECT string_agg(format('%I.%I', schemaname, tablename), ', ') INTO tables
  FROM pg_tables WHERE schemaname = 'public';
  IF tables IS NOT NULL THEN
    EXECUTE 'TRUNCATE ' || tables || ' RESTART IDENTITY CASCADE';
  END IF;
END $$)sql");
}

std::vector<SqlRow> PostgresCluster::query(const std::string& sql,
                                           const std::vector<std::string>& params) const {
  Connection connection = connect_or_throw(admin_conninfo());
  std::vector<const char*> values;
  for (const auto& param : params) values.push_back(param.c_str());
  Result result(PQexecParams(connection.get(), sql.c_str(), static_cast<int>(values.size()),
                             nullptr, values.data(), nullptr, nullptr, 0));
  throw_unless_ok(result.get(), connection.get(), "query failed");
  std::vector<SqlRow> rows;
  for (int row = 0; row < PQntuples(result.get()); ++row) {
    SqlRow values_of_row;
    for (int column = 0; column < PQnfields(result.get()); ++column) {
      if (PQgetisnull(result.get(), row, column)) {
        values_of_row.emplace_back(std::nullopt);
      } else {
        values_of_row.emplace_back(PQgetvalue(result.get(), row, column));
      }
    }
    rows.push_back(std::move(values_of_row));
  }
  return rows;
}

std::optional<std::string> PostgresCluster::query_value(
    const std::string& sql, const std::vector<std::string>& params) const {
  auto rows = query(sql, params);
  if (rows.empty() || rows.front().empty()) return std::nullopt;
  return rows.front().front();
}

}  // namespace kz::test
