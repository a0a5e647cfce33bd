// The local Telegram Bot API follows the documented behaviour: parse_mode HTML, the 4096 UTF-16
// unit limit after entity parsing, the error envelopes and the scripted chats.

#include "support/notify/telegram_server.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>

namespace kz::test {
namespace {

const std::string kToken = "4242:AAE-test_token-0123456789abcdefghij";

struct Answer {
  int status = 0;
  nlohmann::json body;
  std::string retry_after_header;
};

Answer post_json(const TelegramServer& server, const nlohmann::json& body,
                 const std::string& token = kToken, const std::string& method = "sendMessage") {
  httplib::Client client("127.0.0.1", server.port());
  client.set_read_timeout(5, 0);
  auto res = client.Post(("/bot" + token + "/" + method).c_str(), body.dump(), "application/json");
  if (!res) return {};
  return {res->status, nlohmann::json::parse(res->body), res->get_header_value("Retry-After")};
}

Answer send_html(const TelegramServer& server, const std::string& text,
                 const std::string& chat_id = "42") {
  return post_json(server, {{"chat_id", chat_id}, {"text", text}, {"parse_mode", "HTML"}});
}

std::string description(const Answer& answer) {
  return answer.body.value("description", std::string());
}

// What a careful sender writes for `text` in parse_mode HTML.
std::string escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else if (c == '&') {
      out += "&amp;";
    } else {
      out += c;
    }
  }
  return out;
}

// A worker name with some of < > & " among ordinary characters.
std::string generated_name(std::mt19937& rng) {
  static const std::vector<std::string> kPieces = {"rig", "-", "07", "<", ">", "&",  "\"",
                                                   "s19", "Ж", "😀",  " ", "_", "&lt"};
  std::string name;
  const int length = std::uniform_int_distribution<int>(1, 8)(rng);
  for (int i = 0; i < length; ++i) {
    name += kPieces[std::uniform_int_distribution<size_t>(0, kPieces.size() - 1)(rng)];
  }
  return name;
}

TEST(TelegramServer, EscapedNamesAreAcceptedAndRawOnesWithLessThanOrAmpersandRejected) {
  TelegramServer server({kToken});
  std::mt19937 rng(13);
  for (int i = 0; i < 100; ++i) {
    const std::string name = generated_name(rng);
    const Answer ok = send_html(server, "<b>offline</b>: <code>" + escaped(name) + "</code>");
    ASSERT_EQ(ok.status, 200) << name << ": " << description(ok);
    EXPECT_TRUE(ok.body["ok"].get<bool>());
    EXPECT_EQ(server.messages().back().plain_text, "offline: " + name);
    const Answer raw = send_html(server, "<b>offline</b>: " + name);
    const bool breaks = name.find_first_of("<&") != std::string::npos;
    EXPECT_EQ(raw.status, breaks ? 400 : 200) << name;
    if (breaks) {
      EXPECT_EQ(description(raw).rfind("Bad Request: can't parse entities: ", 0), 0u)
          << description(raw);
      EXPECT_EQ(raw.body["error_code"], 400);
      EXPECT_FALSE(raw.body["ok"].get<bool>());
    }
  }
}

TEST(TelegramServer, OnlyTheDocumentedTagsProperlyNested) {
  TelegramServer server({kToken});
  for (const std::string tag : {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code",
                                "pre", "tg-spoiler", "blockquote", "B"}) {
    const Answer ok = send_html(server, "x <" + tag + ">y <i>z</i></" + tag + ">");
    EXPECT_EQ(ok.status, 200) << tag << ": " << description(ok);
    EXPECT_EQ(server.messages().back().plain_text, "x y z");
  }
  for (const std::string good :
       {"<a href=\"https://btcpool.kz/o?a=1&amp;b=2\">link</a>", "<a href='x'>y</a>",
        "<span class=\"tg-spoiler\">s</span>", "<pre><code class=\"language-sh\">ls</code></pre>",
        "a > b", "&#60;&#x3C;&#x1F600;&quot;"}) {
    EXPECT_EQ(send_html(server, good).status, 200) << good;
  }
  EXPECT_EQ(server.messages().back().plain_text, "<<😀\"");
  for (const std::string bad :
       {"<h1>x</h1>", "<br>", "<b><i>x</b></i>", "<b>x", "x</b>", "< b>x</b>", "a < b", "<", "<b",
        "<span>x</span>", "&nbsp;", "&#0;", "&#xD800;", "fish & chips", "&amp",
        "<a href=\"x&y\">z</a>", "<b>x</b/>"}) {
    const Answer answer = send_html(server, bad);
    EXPECT_EQ(answer.status, 400) << bad;
    EXPECT_EQ(description(answer).rfind("Bad Request: can't parse entities: ", 0), 0u)
        << bad << ": " << description(answer);
  }
}

TEST(TelegramServer, LengthCountsUtf16UnitsAfterEntityParsing) {
  TelegramServer server({kToken});
  std::mt19937 rng(4096);
  // Pieces of HTML and how many UTF-16 units each leaves after parsing.
  const std::vector<std::pair<std::string, size_t>> pieces = {
      {"a", 1}, {"Ж", 1}, {"😀", 2}, {"&amp;", 1}, {"&#x1F600;", 2}, {"<b>k</b>", 1}, {"€", 1}};
  for (int round = 0; round < 20; ++round) {
    for (size_t limit : {kTelegramServerTextLimit, kTelegramServerTextLimit + 1}) {
      std::string text;
      size_t units = 0;
      while (units < limit) {
        const size_t last = units + 2 <= limit ? pieces.size() - 1 : 0;  // 1 unit left: "a"
        const auto& [piece, length] = pieces[std::uniform_int_distribution<size_t>(0, last)(rng)];
        text += piece;
        units += length;
      }
      ASSERT_EQ(units, limit);
      const Answer answer = send_html(server, text);
      if (limit == kTelegramServerTextLimit) {
        EXPECT_EQ(answer.status, 200) << description(answer);
        EXPECT_EQ(utf16_length(server.messages().back().plain_text), limit);
      } else {
        EXPECT_EQ(answer.status, 400);
        EXPECT_EQ(description(answer), "Bad Request: message is too long");
      }
    }
  }
}

TEST(TelegramServer, TokenMethodChatAndTextChecks) {
  TelegramServer server({kToken});
  const nlohmann::json message = {{"chat_id", 42}, {"text", "hi"}};
  const Answer wrong = post_json(server, message, kToken + "x");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.body,
            nlohmann::json::parse(R"({"ok":false,"error_code":401,"description":"Unauthorized"})"));
  EXPECT_EQ(post_json(server, message, kToken, "sendFoo").status, 404);
  EXPECT_EQ(post_json(server, message, kToken, "SENDMESSAGE").status, 200);
  EXPECT_EQ(description(post_json(server, {{"text", "hi"}})), "Bad Request: chat_id is empty");
  for (const std::string empty : {"", "  \n", "<b></b>"}) {
    EXPECT_EQ(description(send_html(server, empty)), "Bad Request: message text is empty");
  }
  EXPECT_EQ(
      description(post_json(server, {{"chat_id", 1}, {"text", "x"}, {"parse_mode", "bbcode"}})),
      "Bad Request: unsupported parse_mode");
  EXPECT_EQ(post_json(server, {{"chat_id", 1}, {"text", "a < b & c"}}).status, 200);  // plain

  httplib::Client client("127.0.0.1", server.port());
  auto form = client.Post(("/bot" + kToken + "/sendMessage").c_str(),
                          "chat_id=%40ops&text=%3Cb%3Eform%3C%2Fb%3E&parse_mode=HTML",
                          "application/x-www-form-urlencoded");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->status, 200) << form->body;
  ASSERT_EQ(server.messages_to("@ops").size(), 1u);
  EXPECT_EQ(server.messages_to("@ops")[0].plain_text, "form");
  auto not_utf8 = client.Post(("/bot" + kToken + "/sendMessage").c_str(), "chat_id=1&text=%FF%FE",
                              "application/x-www-form-urlencoded");
  ASSERT_TRUE(not_utf8);
  EXPECT_EQ(not_utf8->status, 400);
  EXPECT_EQ(nlohmann::json::parse(not_utf8->body)["description"],
            "Bad Request: text must be encoded in UTF-8");
}

TEST(TelegramServer, ScriptedChats) {
  TelegramServer server({kToken});
  server.set_chat_not_found("1");
  EXPECT_EQ(description(send_html(server, "x", "1")), "Bad Request: chat not found");
  server.set_migrated("-2", "-1002");
  const Answer migrated = send_html(server, "x", "-2");
  EXPECT_EQ(migrated.status, 400);
  EXPECT_EQ(migrated.body["parameters"]["migrate_to_chat_id"], -1002);
  EXPECT_EQ(send_html(server, "x", "-1002").status, 200);
  server.set_blocked("3");
  const Answer blocked = send_html(server, "x", "3");
  EXPECT_EQ(blocked.status, 403);
  EXPECT_EQ(description(blocked), "Forbidden: bot was blocked by the user");
  server.set_blocked("3", true);
  EXPECT_EQ(description(send_html(server, "x", "3")),
            "Forbidden: bot was kicked from the group chat");
  server.clear_chat("3");
  EXPECT_EQ(send_html(server, "x", "3").status, 200);

  for (int k : {1, 3}) {
    server.set_rate_limited("4", std::chrono::seconds{k * 10}, k);
    for (int i = 0; i < k; ++i) {
      const Answer limited = send_html(server, "x", "4");
      EXPECT_EQ(limited.status, 429);
      EXPECT_EQ(limited.body["parameters"]["retry_after"], k * 10);
      EXPECT_EQ(limited.retry_after_header, std::to_string(k * 10));
      EXPECT_EQ(description(limited), "Too Many Requests: retry after " + std::to_string(k * 10));
      EXPECT_EQ(send_html(server, "x", "5").status, 200);  // other chats unaffected
    }
    EXPECT_EQ(send_html(server, "x", "4").status, 200);
  }
  server.set_server_errors("6", 2);
  EXPECT_EQ(send_html(server, "x", "6").status, 500);
  EXPECT_EQ(send_html(server, "x", "6").status, 500);
  EXPECT_EQ(send_html(server, "x", "6").status, 200);

  server.set_override([](const TelegramRequest& request) -> std::optional<TelegramReply> {
    if (request.chat_id != "7") return std::nullopt;
    return telegram_error(502, "Bad Gateway");
  });
  EXPECT_EQ(send_html(server, "x", "7").status, 502);
  EXPECT_EQ(send_html(server, "x", "8").status, 200);
}

TEST(TelegramServer, RecordsRequestsAndMessagesFromManyThreads) {
  TelegramServer server({kToken});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&server, t] {
      for (int i = 0; i < 25; ++i) {
        send_html(server, "m" + std::to_string(i), std::to_string(t));
        send_html(server, "<bad", std::to_string(t));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const auto messages = server.messages();
  ASSERT_EQ(messages.size(), 100u);
  std::set<int64_t> ids;
  for (const auto& message : messages) ids.insert(message.message_id);
  EXPECT_EQ(ids.size(), 100u);
  EXPECT_EQ(*ids.begin(), 1);
  EXPECT_EQ(*ids.rbegin(), 100);
  EXPECT_EQ(server.messages_to("2").size(), 25u);
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 200u);
  int refused = 0;
  for (const auto& request : requests) refused += request.http_status == 400 ? 1 : 0;
  EXPECT_EQ(refused, 100);
}

}  // namespace
}  // namespace kz::test
