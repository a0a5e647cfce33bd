// The RFC 5322 text of kznotify's e-mails, read back by Python's e-mail parser (an independent
// implementation of RFC 2045/2047/5322) over generated subjects, bodies, recipients and dates.
#include "notify/channels/mail_message.hpp"

#include <gtest/gtest.h>

#include <random>
#include <regex>
#include <set>

#include "support/notify/smtp_server.hpp"

namespace kz {
namespace {

using namespace std::chrono_literals;

const std::vector<std::string> kPieces = {
    "KZPool_001",
    "rig-07",
    "Воркер",
    "оффлайн",
    "😀",
    "⛏️",
    "<b>&amp;",
    "a=b",
    "=?x?=",
    "中文字符",
    "ñandú",
    "x",
    "100%",
    "ümlaut",
    "🇰🇿",
    "\t",
    "long_worker_name_without_any_space_at_all_1234567890_abcdefghij"};

std::string random_text(std::mt19937& random, int pieces, const std::string& separator) {
  std::string text;
  for (int i = 0; i < pieces; ++i) {
    if (i > 0) text += separator;
    text += kPieces[random() % kPieces.size()];
  }
  return text;
}

MailMessage message_with(std::string subject, std::string body) {
  MailMessage message;
  message.from = "alerts@kzpool.example";
  message.to = {"ops@example.com"};
  message.subject = std::move(subject);
  message.body = std::move(body);
  message.date = std::chrono::sys_days{std::chrono::year{2026} / 12 / 1} + 36min;
  message.message_id = new_message_id(message.from, message.date);
  return message;
}

std::string lf(std::string text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    out += text[i] == '\r' ? '\n' : text[i];
  }
  return out;
}

void expect_clean_lines(const nlohmann::json& parsed) {
  EXPECT_LE(parsed.at("max_line_octets").get<int>(), 76);
  EXPECT_FALSE(parsed.at("bare_line_feed").get<bool>());
  EXPECT_FALSE(parsed.at("bare_carriage_return").get<bool>());
  EXPECT_FALSE(parsed.at("eight_bit").get<bool>());
  EXPECT_TRUE(parsed.at("defects").empty()) << parsed.at("defects").dump();
}

TEST(MailMessage, SubjectsDecodeBackExactly) {
  std::mt19937 random(13);
  std::vector<std::string> subjects = {"kzpool: 2 opened, 1 resolved (KZPool_001, KZPool_002)",
                                       "Пул KZPool_001: 3 воркера оффлайн", "😀", "a", "=?"};
  for (int i = 0; i < 60; ++i) {
    std::string subject = random_text(random, 1 + static_cast<int>(random() % 30), " ");
    std::erase(subject, '\t');  // a tab inside a subject is a folding point, see below
    subjects.push_back(subject);
  }
  std::vector<std::string> texts;
  for (const auto& subject : subjects)
    texts.push_back(build_mail_message(message_with(subject, "x")));
  const auto parsed = test::parse_mail(texts);
  ASSERT_EQ(parsed.size(), subjects.size());
  for (std::size_t i = 0; i < subjects.size(); ++i) {
    SCOPED_TRACE(subjects[i]);
    EXPECT_EQ(parsed[i].at("subject").get<std::string>(), subjects[i]);
    expect_clean_lines(parsed[i]);
  }
}

TEST(MailMessage, BodiesDecodeBackExactly) {
  std::mt19937 random(2026);
  std::vector<std::string> bodies = {"",
                                     ".",
                                     ".\n..\n.x\n",
                                     "line with trailing space \nand tab\t\n",
                                     "a=b=c\r\nnext\r\n",
                                     std::string(2000, 'y'),
                                     std::string(500, ' ') + "end",
                                     "<rig&1> <b>not html</b>\n"};
  for (int i = 0; i < 40; ++i) {
    std::string body;
    const int lines = 1 + static_cast<int>(random() % 12);
    for (int k = 0; k < lines; ++k) {
      body += random_text(random, static_cast<int>(random() % 60), random() % 2 ? " " : "");
      body += random() % 3 ? "\n" : "\r\n";
    }
    bodies.push_back(body);
  }
  std::vector<std::string> texts;
  for (const auto& body : bodies) texts.push_back(build_mail_message(message_with("s", body)));
  const auto parsed = test::parse_mail(texts);
  ASSERT_EQ(parsed.size(), bodies.size());
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    SCOPED_TRACE(i);
    std::string expected = lf(bodies[i]);
    if (!expected.empty() && expected.back() != '\n') expected += '\n';
    EXPECT_EQ(lf(parsed[i].at("body").get<std::string>()), expected);
    EXPECT_EQ(parsed[i].at("content_type"), "text/plain");
    EXPECT_EQ(parsed[i].at("charset"), "utf-8");
    EXPECT_EQ(parsed[i].at("transfer_encoding"), "quoted-printable");
    EXPECT_EQ(parsed[i].at("mime_version"), "1.0");
    expect_clean_lines(parsed[i]);
  }
}

TEST(MailMessage, RecipientsAndDatesReadBack) {
  std::mt19937 random(7);
  std::vector<MailMessage> messages;
  for (int n = 1; n <= 40; n += 3) {
    MailMessage message = message_with("s", "b");
    message.to.clear();
    for (int k = 0; k < n; ++k) {
      message.to.push_back("operator." + std::to_string(k) + "." + std::to_string(random() % 1000) +
                           "@mining-farm-" + std::to_string(k % 7) + ".example.kz");
    }
    message.date =
        TimePoint{std::chrono::seconds{static_cast<long long>(random() % 4102444800ULL)}};
    messages.push_back(message);
  }
  std::vector<std::string> texts;
  for (const auto& message : messages) texts.push_back(build_mail_message(message));
  const auto parsed = test::parse_mail(texts);
  for (std::size_t i = 0; i < messages.size(); ++i) {
    SCOPED_TRACE(rfc5322_date(messages[i].date));
    EXPECT_EQ(parsed[i].at("to").get<std::vector<std::string>>(), messages[i].to);
    EXPECT_EQ(parsed[i].at("from"), messages[i].from);
    EXPECT_EQ(parsed[i].at("date_epoch").get<long long>(),
              messages[i].date.time_since_epoch().count());
    EXPECT_EQ(parsed[i].at("message_id"), messages[i].message_id);
    expect_clean_lines(parsed[i]);
  }
}

TEST(MailMessage, LineBreaksInTheSubjectAddNoHeader) {
  const std::vector<std::string> subjects = {"a\r\nBcc: victim@example.com", "б\nBcc: x@y.z",
                                             "c\rX-Injected: 1", "d\r\n\r\nbody?"};
  std::vector<std::string> texts;
  for (const auto& subject : subjects)
    texts.push_back(build_mail_message(message_with(subject, "x")));
  const auto parsed = test::parse_mail(texts);
  for (std::size_t i = 0; i < subjects.size(); ++i) {
    SCOPED_TRACE(subjects[i]);
    EXPECT_EQ(parsed[i].at("header_count"), 8);  // From To Subject Date Message-ID MIME CT CTE
    EXPECT_EQ(lf(parsed[i].at("body").get<std::string>()), "x\n");
    expect_clean_lines(parsed[i]);
  }
}

TEST(MailMessage, MessageIdsAreUniqueAndNameTheSendersDomain) {
  const TimePoint now{std::chrono::seconds{1'800'000'000}};
  std::set<std::string> seen;
  const std::regex shape(R"(<[0-9a-f]{32}\.1800000000@([A-Za-z0-9.-]+)>)");
  for (int i = 0; i < 1000; ++i) {
    const std::string id = new_message_id("alerts@mail.kzpool.example", now);
    std::smatch match;
    ASSERT_TRUE(std::regex_match(id, match, shape)) << id;
    EXPECT_EQ(match[1], "mail.kzpool.example");
    EXPECT_TRUE(seen.insert(id).second) << id;
  }
  for (const std::string from : {"no-domain", "a@", "a@bad host", "a@.dot", "a@x>y"}) {
    std::smatch match;
    const std::string id = new_message_id(from, now);
    ASSERT_TRUE(std::regex_match(id, match, shape)) << id;
    EXPECT_EQ(match[1], "kzpool") << from;
  }
}

TEST(MailMessage, PlainAddresses) {
  for (const std::string good : {"a@b", "ops+kz@example.com", "first.last@sub.example.kz"}) {
    EXPECT_TRUE(is_plain_mail_address(good)) << good;
  }
  for (const std::string bad : {"", "@b", "a@", "ab", "a@b@c", "a b@c", "a@b\r\nBcc: x@y", "<a@b>",
                                "a@b,c@d", "\"a\"@b", "a@b;c", "a\t@b"}) {
    EXPECT_FALSE(is_plain_mail_address(bad)) << bad;
  }
}

}  // namespace
}  // namespace kz
