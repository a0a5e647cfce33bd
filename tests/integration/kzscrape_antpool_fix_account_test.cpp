// The real kzscrape: an Antpool account whose user_id or sub-account was wrong on the first run
// is fixed on the same cache, from the command line and in a pools file (trial finding 1).

#include <sys/stat.h>

#include <fstream>

#include "integration/kzscrape_fixture.hpp"
#include "support/antpool_server.hpp"

namespace kz::test {
namespace {

const std::string kUser = "myminer";
const std::string kSub = "myminer_rig2";
const std::string kKey = "APIKEY90210fix";
const std::string kSecret = "APISECRET7734fix";

class KzscrapeAntpoolFix : public KzscrapeTest {
 protected:
  void SetUp() override {
    KzscrapeTest::SetUp();
    antpool_.add_key({kUser, kKey, kSecret, {kSub}});
    for (const std::string& account : {kUser, kSub}) {
      antpool_.set_workers(account, {antpool_worker(account + ".r1", 110e12, true),
                                     antpool_worker(account + ".r2", 0, false)});
      antpool_.set_amounts(account, "0.01234567", "1.50000000", "0.00100000", "1.40000000");
    }
    credentials_ = (dir_ / "antpool.json").string();
    std::ofstream(credentials_) << "{\"key\": \"" << kKey << "\", \"secret\": \"" << kSecret
                                << "\"}\n";
    ::chmod(credentials_.c_str(), 0600);
  }
  ProcessResult single(const std::string& user_id, const std::string& sub) {
    std::vector<std::string> args = {"--source",
                                     "antpool",
                                     "--account",
                                     "antpool_001",
                                     "--db",
                                     db_,
                                     "--antpool-user-id",
                                     user_id,
                                     "--antpool-url",
                                     antpool_.url(),
                                     "--antpool-credentials",
                                     credentials_};
    if (!sub.empty()) args.insert(args.end(), {"--antpool-sub-account", sub});
    return kzscrape(args);
  }
  ProcessResult from_file(const std::string& user_id, const std::string& sub) {
    const std::string path = (dir_ / "pools.json").string();
    std::ofstream(path, std::ios::trunc)
        << R"({"antpool": {"url": ")" << antpool_.url() << R"("}, "pools": [
  {"source": "antpool", "account_name": "antpool_001", "user_id": ")"
        << user_id << "\"" << (sub.empty() ? std::string() : ", \"sub_account\": \"" + sub + "\"")
        << R"(, "credentials_file": ")" << credentials_ << R"("}]})";
    return kzscrape({"--config", path, "--db", db_});
  }

  AntpoolServer antpool_;
  std::string credentials_;
};

TEST_F(KzscrapeAntpoolFix, FixedUserIdOrSubAccountKeepsThePool) {
  struct Case {
    bool file;
    std::string wrong_user, wrong_sub, right_sub;
  };
  for (const Case& c : {Case{false, "me@example.com", "", ""}, Case{false, kUser, "nosuch", kSub},
                        Case{true, "me@example.com", "", kSub}, Case{true, kUser, "nosuch", ""}}) {
    SCOPED_TRACE(c.wrong_user + " " + c.wrong_sub + (c.file ? " (file)" : ""));
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db_ + suffix);
    const auto run = [&](const std::string& user, const std::string& sub) {
      return c.file ? from_file(user, sub) : single(user, sub);
    };
    const auto wrong = run(c.wrong_user, c.wrong_sub);
    EXPECT_EQ(wrong.exit_code, 10) << wrong.err;  // one pool: its own code
    EXPECT_NE(wrong.err.find(c.wrong_sub.empty() ? "not the e-mail"
                                                 : "check user_id and "
                                                   "sub_account"),
              std::string::npos)
        << wrong.err;
    const int64_t pool_id = count("SELECT id FROM pool WHERE account_name = 'antpool_001'");
    // The label as the pool's name: no e-mail read as URL userinfo.
    EXPECT_EQ(count("SELECT count(*) FROM pool WHERE observer_url = 'antpool://antpool_001'"), 1);

    const auto fixed = run(kUser, c.right_sub);
    EXPECT_EQ(fixed.exit_code, 0) << fixed.err;
    EXPECT_EQ(count("SELECT id FROM pool WHERE account_name = 'antpool_001'"), pool_id);
    EXPECT_EQ(count("SELECT count(*) FROM pool"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM scrape_run WHERE outcome = 'ok' AND pool_id = " +
                    std::to_string(pool_id)),
              1);
    EXPECT_EQ(count("SELECT count(*) FROM v_latest_workers WHERE account_name = 'antpool_001'"), 2);
    for (const std::string& secret : {kKey, kSecret}) {
      EXPECT_EQ(wrong.err.find(secret), std::string::npos);
      EXPECT_EQ(fixed.err.find(secret), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace kz::test
