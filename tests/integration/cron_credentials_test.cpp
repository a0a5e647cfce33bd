// systemd credentials: every regular file in $CREDENTIALS_DIRECTORY whose name is a variable
// name sets that variable (its content less one trailing newline) before the stages'
// environments are built; a name the environment or the env file also sets is exit 2, named,
// its value never shown. Stand-in stages record the environment they got.
#include <random>

#include "integration/cron_stand_in.hpp"

namespace kz::test {
namespace {

// A folder of credential files next to the run's.
class Credentials {
 public:
  explicit Credentials(std::filesystem::path dir) : dir_(std::move(dir)) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  ~Credentials() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  void add(const std::string& name, const std::string& content) const {
    std::ofstream(dir_ / name, std::ios::binary) << content;
  }
  Settings environment() const { return {{"CREDENTIALS_DIRECTORY", dir_.string()}}; }

 private:
  std::filesystem::path dir_;
};

// A value with what a shell could misread: quotes, $(...), backticks, spaces, a newline inside.
std::string awkward_value(std::mt19937& random) {
  static const std::string pieces[] = {
      "'", "\"", "$(touch /tmp/kz_pwned)", "`id`", " ", "\\", "$HOME", "\n", "*", ";", "abc", "\t",
      "é", "#"};
  std::string value;
  const int count = std::uniform_int_distribution<int>(1, 12)(random);
  for (int i = 0; i < count; ++i) {
    value += pieces[std::uniform_int_distribution<size_t>(0, std::size(pieces) - 1)(random)];
  }
  return value;
}

TEST(CronCredentials, EachFileSetsItsVariableForTheStagesThatGetIt) {
  std::mt19937 random(15);
  for (int round = 0; round < 8; ++round) {
    const StandInRun run(stand_in_folder("_" + std::to_string(round)));
    const Credentials credentials(run.dir().string() + "_credentials");
    const std::string supabase = awkward_value(random), api = awkward_value(random),
                      telegram = awkward_value(random);
    // One trailing newline goes (as `echo` or an editor leaves it); a second one stays.
    credentials.add("SUPABASE_SERVICE_KEY", supabase + "\n");
    credentials.add("KZPOOL_API_KEY", api);
    credentials.add("TELEGRAM_TOKEN", telegram + "\n\n");
    credentials.add("not-a-name.key", "ignored");
    credentials.add("9LIVES", "ignored");
    std::filesystem::create_directories(run.dir().string() + "_credentials/A_FOLDER");
    Settings settings = run.settings();
    StandInRun::set(settings, "NOTIFY_ENV_PASS", "TELEGRAM_TOKEN");
    ASSERT_EQ(run.run(settings, credentials.environment()).exit_code, 0) << run.log();

    const auto upload = run.environment("kzupload");
    const auto scrape = run.environment("kzscrape");
    const auto notify = run.environment("kznotify");
    EXPECT_EQ(upload.at("SUPABASE_SERVICE_KEY"), supabase);
    EXPECT_EQ(scrape.at("KZPOOL_API_KEY"), api);
    EXPECT_EQ(notify.at("TELEGRAM_TOKEN"), telegram + "\n");
    // Each goes only where it went before: the Supabase key to kzupload alone.
    EXPECT_FALSE(scrape.contains("SUPABASE_SERVICE_KEY"));
    EXPECT_FALSE(notify.contains("SUPABASE_SERVICE_KEY"));
    EXPECT_FALSE(notify.contains("KZPOOL_API_KEY"));
    EXPECT_FALSE(upload.contains("TELEGRAM_TOKEN"));
    for (const auto* env : {&upload, &scrape, &notify}) {
      EXPECT_FALSE(env->contains("A_FOLDER"));
      EXPECT_FALSE(env->contains("CREDENTIALS_DIRECTORY"));
    }
    EXPECT_FALSE(std::filesystem::exists("/tmp/kz_pwned")) << "a value is never run";
  }
}

// The env file and a credential, or the environment and a credential, both setting a name.
TEST(CronCredentials, ANameSetTwiceIsBadSettingsNamingIt) {
  const std::string value = "s3cr3t-value-never-logged";
  {
    const StandInRun run(stand_in_folder("_file"));
    const Credentials credentials(run.dir().string() + "_credentials");
    credentials.add("SUPABASE_SERVICE_KEY", value);
    Settings settings = run.settings();
    StandInRun::set(settings, "SUPABASE_SERVICE_KEY", "from-the-env-file");
    EXPECT_EQ(run.run(settings, credentials.environment()).exit_code, 2) << run.log();
    EXPECT_NE(run.log().find("SUPABASE_SERVICE_KEY is set both by "), std::string::npos)
        << run.log();
    EXPECT_NE(run.log().find("kzpool.env and by the credential"), std::string::npos) << run.log();
    EXPECT_EQ(run.log().find(value), std::string::npos);
    EXPECT_EQ(run.log().find("from-the-env-file"), std::string::npos);
    EXPECT_FALSE(run.ran("kzscrape"));
  }
  {
    const StandInRun run(stand_in_folder("_environment"));
    const Credentials credentials(run.dir().string() + "_credentials");
    credentials.add("KZPOOL_API_KEY", value);
    Settings environment = credentials.environment();
    environment.emplace_back("KZPOOL_API_KEY", "from-the-environment");
    EXPECT_EQ(run.run(run.settings(), environment).exit_code, 2) << run.log();
    EXPECT_NE(run.log().find("KZPOOL_API_KEY is set both by the environment and by the "
                             "credential KZPOOL_API_KEY"),
              std::string::npos)
        << run.log();
    EXPECT_EQ(run.log().find(value), std::string::npos);
    EXPECT_FALSE(run.ran("kzscrape"));
  }
}

TEST(CronCredentials, AMissingFolderIsBadSettings) {
  const StandInRun run(stand_in_folder());
  EXPECT_EQ(
      run.run(run.settings(), {{"CREDENTIALS_DIRECTORY", (run.dir() / "none").string()}}).exit_code,
      2)
      << run.log();
  EXPECT_NE(run.log().find("CREDENTIALS_DIRECTORY"), std::string::npos) << run.log();
  EXPECT_FALSE(run.ran("kzscrape"));
}

}  // namespace
}  // namespace kz::test
