// The PostgreSQL harness (issue 3): Supabase's roles, migrations in name order, an unprivileged
// server, clean-up, start-up time.

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "gateway/gateway_fixture.hpp"

namespace kz::test {
namespace {

namespace fs = std::filesystem;

class HarnessTest : public GatewayTest {
 protected:
  // Cluster directories of this process in /tmp.
  static int own_cluster_directories() {
    std::string prefix = "kzpg-" + std::to_string(getpid()) + "-";
    int count = 0;
    for (const auto& entry : fs::directory_iterator("/tmp")) {
      if (entry.path().filename().string().rfind(prefix, 0) == 0) ++count;
    }
    return count;
  }
};

TEST_F(HarnessTest, StartsInAFewSeconds) {
  auto startup = supabase().startup_time();
  RecordProperty("startup_ms", std::to_string(startup.count()));
  EXPECT_LT(startup, std::chrono::seconds(5));
}

TEST_F(HarnessTest, AnonHasNoWriteGrantsAndServiceRoleHasAll) {
  EXPECT_EQ(value("SELECT count(*) FROM information_schema.role_table_grants "
                  "WHERE grantee = 'anon' AND privilege_type <> 'SELECT'"),
            "0");
  EXPECT_EQ(value("SELECT has_table_privilege('anon', 'accounts', 'SELECT')"), "t");
  EXPECT_EQ(value("SELECT has_table_privilege('service_role', 'accounts', "
                  "'INSERT, UPDATE, DELETE, SELECT')"),
            "t");
}

TEST_F(HarnessTest, RolesAreShapedLikeSupabases) {
  EXPECT_EQ(value("SELECT string_agg(rolname || ':' || rolcanlogin || ':' || rolbypassrls, ',' "
                  "ORDER BY rolname) FROM pg_roles WHERE rolname IN "
                  "('anon', 'authenticated', 'authenticator', 'service_role')"),
            "anon:false:false,authenticated:false:false,authenticator:true:false,"
            "service_role:false:true");
  EXPECT_EQ(value("SELECT pg_has_role('authenticator', 'service_role', 'MEMBER') AND "
                  "pg_has_role('authenticator', 'anon', 'MEMBER')"),
            "t");
}

TEST_F(HarnessTest, ServerDoesNotRunAsRoot) {
  std::ifstream status("/proc/" + std::to_string(db().server_pid()) + "/status");
  std::string line;
  while (std::getline(status, line) && line.rfind("Uid:", 0) != 0) {
  }
  ASSERT_EQ(line.rfind("Uid:", 0), 0u);
  EXPECT_NE(std::stoi(line.substr(4)), 0);
}

TEST_F(HarnessTest, AppliesMigrationsInNameOrderAndCleansUpOnStop) {
  fs::path migrations = fs::temp_directory_path() / ("kzpg-migrations-" + std::to_string(getpid()));
  fs::create_directories(migrations);
  std::ofstream(migrations / "002_add_column.sql") << "ALTER TABLE items ADD COLUMN size integer;";
  std::ofstream(migrations / "001_create.sql") << "CREATE TABLE items (name text PRIMARY KEY);";
  std::ofstream(migrations / "README") << "not a migration";
  PostgresClusterOptions options;
  options.migrations_dir = migrations.string();
  auto cluster = std::make_unique<PostgresCluster>(options);
  EXPECT_EQ(cluster->query_value("SELECT string_agg(column_name, ',' ORDER BY ordinal_position) "
                                 "FROM information_schema.columns WHERE table_name = 'items'"),
            "name,size");
  EXPECT_NE(cluster->port(), db().port());
  std::string directory = cluster->directory();
  pid_t server = cluster->server_pid();
  cluster.reset();
  fs::remove_all(migrations);
  EXPECT_FALSE(fs::exists(directory));
  EXPECT_FALSE(fs::exists("/proc/" + std::to_string(server)));
  EXPECT_EQ(value("SELECT 1"), "1");  // the shared cluster is untouched
}

TEST_F(HarnessTest, FailedMigrationIsReportedAndLeavesNothingBehind) {
  fs::path migrations =
      fs::temp_directory_path() / ("kzpg-bad-migrations-" + std::to_string(getpid()));
  fs::create_directories(migrations);
  std::ofstream(migrations / "001_broken.sql") << "CREATE TABLE (;";
  PostgresClusterOptions options;
  options.migrations_dir = migrations.string();
  int before = own_cluster_directories();
  try {
    PostgresCluster cluster(options);
    ADD_FAILURE() << "a broken migration must fail the start";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("001_broken.sql"), std::string::npos) << error.what();
  }
  fs::remove_all(migrations);
  EXPECT_EQ(own_cluster_directories(), before);
}

}  // namespace
}  // namespace kz::test
