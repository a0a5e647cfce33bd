#include "scrape/antpool/antpool_config.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "antpool_config_doc.hpp"
#include "common/error.hpp"

namespace kz {
namespace {

using test::DocRenderer;
using test::json_text;
using test::JsonObject;
using test::PoolsDoc;
using test::RenderedDoc;

JsonObject btcpool_pool(int n) {
  return {{{"account_name", json_text("KZPool_" + std::to_string(n))},
           {"observer_url", json_text("https://btcpool.kz/observer-link/" + std::to_string(n))}}};
}

JsonObject antpool_pool(int n) {
  return {{{"account_name", json_text("antpool_" + std::to_string(n))},
           {"source", json_text("antpool")},
           {"user_id", json_text("owner" + std::to_string(n))},
           {"credentials_file", json_text("/etc/kzpool/antpool_" + std::to_string(n) + ".json")}}};
}

std::string error_of(const std::string& text) {
  try {
    parse_scrape_config(text, "pools.json");
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
    return e.what();
  }
  return "no error";
}

// A mutation of a valid file (btcpool pools around one Antpool pool at index `at`) and the
// pointer and message of the error it must give.
struct Fault {
  const char* name;
  std::function<std::pair<std::string, std::string>(PoolsDoc&, size_t at)> apply;
};

std::string pool_ptr(size_t at, const std::string& key = "") {
  return "/pools/" + std::to_string(at) + (key.empty() ? "" : "/" + key);
}
std::string pool_name(size_t at) {
  return "pool " + std::to_string(at + 1);
}

const std::vector<Fault>& faults() {
  static const std::vector<Fault> list = {
      {"observer_url in an Antpool pool",
       [](PoolsDoc& d, size_t at) {
         d.pools[at].set("observer_url", json_text("https://btcpool.kz/x"));
         return std::pair{
             pool_ptr(at, "observer_url"),
             "'observer_url' does not belong in " + pool_name(at) + " (source \"antpool\")"};
       }},
      {"user_id in a btcpool pool",
       [](PoolsDoc& d, size_t at) {
         d.pools[at].set("source", json_text("btcpool"));
         d.pools[at].erase("credentials_file");
         d.pools[at].set("observer_url", json_text("https://btcpool.kz/x"));
         return std::pair{pool_ptr(at, "user_id"), "'user_id' does not belong in " + pool_name(at) +
                                                       " (source \"btcpool\")"};
       }},
      {"unknown source",
       [](PoolsDoc& d, size_t at) {
         d.pools[at].set("source", json_text("antpol"));
         return std::pair{pool_ptr(at, "source"), "'source' must be \"btcpool\" or \"antpool\""};
       }},
      {"source not a string",
       [](PoolsDoc& d, size_t at) {
         d.pools[at].set("source", "1");
         return std::pair{pool_ptr(at, "source"), "'source' must be a string"};
       }},
      {"unknown key",
       [](PoolsDoc& d, size_t at) {
         d.pools[at].set("userid", json_text("x"));
         return std::pair{pool_ptr(at, "userid"), "unknown key 'userid' in " + pool_name(at)};
       }},
      {"user_id missing",
       [](PoolsDoc& d, size_t at) {
         d.pools[at].erase("user_id");
         return std::pair{pool_ptr(at), "missing 'user_id' in " + pool_name(at)};
       }},
      {"user_id empty",
       [](PoolsDoc& d, size_t at) {
         d.pools[at].set("user_id", json_text(""));
         return std::pair{pool_ptr(at, "user_id"), std::string("'user_id' is empty")};
       }},
      {"user_id with a slash",
       [](PoolsDoc& d, size_t at) {
         d.pools[at].set("user_id", json_text("a/b"));
         return std::pair{pool_ptr(at, "user_id"),
                          std::string("'user_id' must not hold '/' or spaces")};
       }},
      {"sub_account not a string",
       [](PoolsDoc& d, size_t at) {
         d.pools[at].set("sub_account", "[]");
         return std::pair{pool_ptr(at, "sub_account"),
                          std::string("'sub_account' must be a string")};
       }},
      {"both credential forms",
       [](PoolsDoc& d, size_t at) {
         d.pools[at].set("key_env", json_text("K"));
         d.pools[at].set("secret_env", json_text("S"));
         return std::pair{
             pool_ptr(at, "key_env"),
             pool_name(at) + " has both 'credentials_file' and 'key_env'/'secret_env': give one"};
       }},
      {"neither credential form",
       [](PoolsDoc& d, size_t at) {
         d.pools[at].erase("credentials_file");
         return std::pair{
             pool_ptr(at),
             pool_name(at) + " needs 'credentials_file' or 'key_env' and 'secret_env'"};
       }},
      {"key_env alone",
       [](PoolsDoc& d, size_t at) {
         d.pools[at].erase("credentials_file");
         d.pools[at].set("key_env", json_text("ANTPOOL_KEY"));
         return std::pair{pool_ptr(at, "key_env"),
                          std::string("'key_env' needs 'secret_env' beside it")};
       }},
      {"secret_env alone",
       [](PoolsDoc& d, size_t at) {
         d.pools[at].erase("credentials_file");
         d.pools[at].set("secret_env", json_text("ANTPOOL_SECRET"));
         return std::pair{pool_ptr(at, "secret_env"),
                          std::string("'secret_env' needs 'key_env' beside it")};
       }},
      {"bad environment variable name",
       [](PoolsDoc& d, size_t at) {
         d.pools[at].erase("credentials_file");
         d.pools[at].set("key_env", json_text("ANTPOOL_KEY"));
         d.pools[at].set("secret_env", json_text("1-SECRET"));
         return std::pair{pool_ptr(at, "secret_env"),
                          std::string("'secret_env' must name an environment variable (letters, "
                                      "digits, _)")};
       }},
      {"credentials_file not a string",
       [](PoolsDoc& d, size_t at) {
         d.pools[at].set("credentials_file", "7");
         return std::pair{pool_ptr(at, "credentials_file"),
                          std::string("'credentials_file' must be a string")};
       }},
      {"account name of another source",
       [](PoolsDoc& d, size_t at) {
         d.pools[at].set("account_name", json_text("KZPool_0"));
         d.pools.insert(d.pools.begin(), btcpool_pool(0));
         return std::pair{pool_ptr(at + 1, "account_name"),
                          std::string("duplicate account_name 'KZPool_0'")};
       }},
      {"the same Antpool account twice",
       [](PoolsDoc& d, size_t at) {
         JsonObject twin = d.pools[at];
         twin.set("account_name", json_text("antpool_twin"));
         d.pools.push_back(twin);
         return std::pair{pool_ptr(d.pools.size() - 1, "user_id"),
                          "duplicate Antpool account 'owner" + std::to_string(at) + "'"};
       }},
      {"unknown settings key",
       [](PoolsDoc& d, size_t) {
         d.antpool->set("budget_call", "5");
         return std::pair{std::string("/antpool/budget_call"),
                          std::string("unknown key 'budget_call' in \"antpool\"")};
       }},
  };
  return list;
}

TEST(AntpoolConfig, EveryPoolFaultNamesItsPlace) {
  for (const Fault& fault : faults()) {
    for (unsigned seed = 1; seed <= 6; ++seed) {
      const size_t at = seed % 3;  // the Antpool pool moves among the btcpool ones
      PoolsDoc doc;
      doc.antpool = JsonObject{{{"budget_calls", "500"}}};
      for (size_t i = 0; i < 3; ++i) {
        doc.pools.push_back(i == at ? antpool_pool(static_cast<int>(i))
                                    : btcpool_pool(static_cast<int>(i) + 10));
      }
      auto [pointer, message] = fault.apply(doc, at);
      const RenderedDoc file = DocRenderer(seed).render(doc);
      const std::string expected =
          message == "no error" ? message : file.where(pointer) + ": " + message;
      EXPECT_EQ(error_of(file.text), expected) << fault.name << "\n" << file.text;
    }
  }
}

// Settings values and the message each bad one must give.
struct BadSetting {
  const char* key;
  const char* raw;
  const char* message;
};

TEST(AntpoolConfig, EverySettingOutOfRangeNamesItsPlace) {
  const std::vector<BadSetting> bad = {
      {"budget_calls", "0", "'budget_calls' must be between 1 and 600"},
      {"budget_calls", "601", "'budget_calls' must be between 1 and 600"},
      {"budget_calls", "10.5", "'budget_calls' must be a whole number"},
      {"budget_calls", "\"550\"", "'budget_calls' must be a whole number"},
      {"budget_window_s", "59", "'budget_window_s' must be between 60 and 86400"},
      {"workers_interval_min", "0", "'workers_interval_min' must be between 1 and 10080"},
      {"offline_interval_min", "-30", "'offline_interval_min' must be between 1 and 10080"},
      {"worker_page_size", "0", "'worker_page_size' must be between 1 and 500"},
      {"payment_page_size", "501", "'payment_page_size' must be between 1 and 500"},
      {"call_log_retain_days", "0", "'call_log_retain_days' must be between 1 and 3650"},
      {"daily_after", "\"24:00\"", "'24:00' is not a local time \"HH:MM\" (00:00 to 23:59)"},
      {"daily_after", "\"02:60\"", "'02:60' is not a local time \"HH:MM\" (00:00 to 23:59)"},
      {"daily_after", "\"2:00\"", "'2:00' is not a local time \"HH:MM\" (00:00 to 23:59)"},
      {"daily_after", "\"0200\"", "'0200' is not a local time \"HH:MM\" (00:00 to 23:59)"},
      {"daily_after", "\"02:0x\"", "'02:0x' is not a local time \"HH:MM\" (00:00 to 23:59)"},
      {"daily_after", "200", "'daily_after' must be a string"},
      {"url", "\"ftp://antpool.com/api/\"", "'ftp://antpool.com/api/' is not an http(s):// URL"},
      {"url", "\"antpool.com/api/\"", "'antpool.com/api/' is not an http(s):// URL"},
      {"url", "\"https://\"", "'https://' is not an http(s):// URL"},
      {"url", "\"\"", "'url' is empty"},
  };
  for (const BadSetting& setting : bad) {
    for (unsigned seed = 1; seed <= 3; ++seed) {
      PoolsDoc doc;
      doc.antpool = JsonObject{{{"budget_calls", "300"}, {"daily_after", "\"03:30\""}}};
      doc.antpool->set(setting.key, setting.raw);
      doc.pools = {antpool_pool(1), btcpool_pool(2)};
      const RenderedDoc file = DocRenderer(seed).render(doc);
      EXPECT_EQ(error_of(file.text),
                file.where("/antpool/" + std::string(setting.key)) + ": " + setting.message)
          << file.text;
    }
  }
  PoolsDoc doc;
  doc.pools = {antpool_pool(1)};
  std::string text = DocRenderer(1).render(doc).text;
  text.insert(1, "\"antpool\": [], ");
  EXPECT_EQ(error_of(text), "pools.json:1:13: \"antpool\" must be an object");
}

TEST(AntpoolConfig, BudgetAbove550Warns) {
  for (int calls : {1, 300, 549, 550, 551, 580, 600}) {
    PoolsDoc doc;
    doc.antpool = JsonObject{{{"budget_calls", std::to_string(calls)}}};
    doc.pools = {antpool_pool(1)};
    const ScrapeConfig config = parse_scrape_config(DocRenderer(2).render(doc).text, "p.json");
    EXPECT_EQ(config.antpool.budget_calls, calls);
    ASSERT_EQ(config.warnings.size(), calls > 550 ? 1u : 0u) << calls;
    if (calls > 550) {
      EXPECT_NE(config.warnings[0].find(std::to_string(calls)), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace kz
