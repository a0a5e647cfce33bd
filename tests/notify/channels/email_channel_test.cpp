// The e-mail channel against a real SMTP server (aiosmtpd) on 127.0.0.1: what arrives, and how
// each kind of SMTP answer or network failure maps to a delivery outcome.
#include "notify/channels/email_channel.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <random>

#include "notify/channels/email_test_data.hpp"
#include "notify/channels/mail_message.hpp"
#include "notify/message_format.hpp"
#include "support/notify/smtp_server.hpp"

namespace kz {
namespace {

using namespace std::chrono_literals;
using Outcome = DeliveryResult::Outcome;

// A port on 127.0.0.1 where nothing listens (bound, then closed).
int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), size);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  ::close(fd);
  return ntohs(address.sin_port);
}

// A listening socket on 127.0.0.1 that never accepts: connections complete and hear nothing.
class SilentServer {
 public:
  SilentServer() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    ::bind(fd_, reinterpret_cast<sockaddr*>(&address), size);
    ::listen(fd_, 8);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size);
    port_ = ntohs(address.sin_port);
  }
  ~SilentServer() { ::close(fd_); }
  int port() const { return port_; }

 private:
  int fd_;
  int port_ = 0;
};

TEST(EmailChannel, DeliversTheDigestToEveryRecipientWithItsUtf8SubjectAndBody) {
  test::SmtpServer server;
  CurlMailTransport transport;
  std::mt19937 random(13);
  std::size_t expected_count = 0;
  for (const int recipients : {1, 2, 7, 40}) {
    const Destination destination = email_destination(server.url(), recipients);
    EmailChannel channel(destination, transport);
    const Digest digest = generated_digest(random, 1 + static_cast<int>(random() % 20));
    const DeliveryResult result = channel.send(digest);
    ASSERT_EQ(result.outcome, Outcome::delivered) << result.error;
    EXPECT_TRUE(result.error.empty());
    ++expected_count;

    const auto received = server.received();
    ASSERT_EQ(received.size(), expected_count);
    const test::ReceivedMail& mail = received.back();
    EXPECT_EQ(mail.mail_from, destination.from);
    EXPECT_EQ(mail.rcpt_tos, destination.to);
    EXPECT_FALSE(mail.login.has_value());
    const auto& message = mail.message;
    EXPECT_EQ(message.at("subject").get<std::string>(), render_title(digest));
    EXPECT_EQ(lf(message.at("body").get<std::string>()),
              lf(render_text(digest, TextStyle::plain, 100000) + "\n"));
    for (const auto& entry : digest.entries) {
      EXPECT_NE(message.at("body").get<std::string>().find(entry.subject), std::string::npos)
          << entry.subject;
    }
    EXPECT_EQ(message.at("to").get<std::vector<std::string>>(), destination.to);
    EXPECT_EQ(message.at("from"), destination.from);
    EXPECT_EQ(message.at("date_epoch").get<long long>(), digest.at.time_since_epoch().count());
    EXPECT_EQ(message.at("message_id"), result.message_id);
    EXPECT_EQ(message.at("charset"), "utf-8");
    EXPECT_TRUE(message.at("defects").empty()) << message.at("defects").dump();
    EXPECT_LE(message.at("max_line_octets").get<int>(), 76);
  }
}

TEST(EmailChannel, SendsTheMessageBytesUnchangedThroughDotStuffing) {
  test::SmtpServer server;
  CurlMailTransport transport;
  for (const std::string body : {".", ".\n", "a\n.\nb", "..\n...\n.x", "\n.\n.\n"}) {
    MailMessage message;
    message.from = "a@kzpool.example";
    message.to = {"b@example.com"};
    message.subject = "dots";
    message.body = body;
    MailRequest request;
    request.smtp_url = server.url();
    request.mail_from = message.from;
    request.recipients = message.to;
    request.message = build_mail_message(message);
    const MailResult result = transport.send(request);
    ASSERT_TRUE(result.accepted) << result.error;
    EXPECT_EQ(result.reply_code, 250);
    EXPECT_EQ(server.received().back().raw, request.message);
  }
}

TEST(EmailChannel, LogsInWithUserAndPassword) {
  test::SmtpServerOptions options;
  options.user = "kz-alerts";
  options.password = "s3cret-Pässword!";
  test::SmtpServer server(options);
  CurlMailTransport transport;
  Destination destination = email_destination(server.url(), 2);
  destination.user = "kz-alerts";
  destination.secrets.password = options.password;
  EmailChannel channel(destination, transport);
  std::mt19937 random(5);
  const DeliveryResult result = channel.send(generated_digest(random, 3));
  ASSERT_EQ(result.outcome, Outcome::delivered) << result.error;
  ASSERT_EQ(server.received().size(), 1u);
  EXPECT_EQ(server.received()[0].login, "kz-alerts");
}

TEST(EmailChannel, AWrongPasswordIsRefusedAndNeverNamed) {
  test::SmtpServerOptions options;
  options.user = "kz-alerts";
  options.password = "the-right-one";
  test::SmtpServer server(options);
  CurlMailTransport transport;
  std::mt19937 random(9);
  for (const std::string password : {"wrong-password-1", "hunter2hunter2", "пароль-неверный"}) {
    for (const std::string& url : {server.url(), "smtp://kz-alerts:" + password + "@127.0.0.1:" +
                                                     std::to_string(server.port())}) {
      Destination destination = email_destination(url, 1);
      destination.user = "kz-alerts";
      destination.secrets.password = password;
      EmailChannel channel(destination, transport);
      const DeliveryResult result = channel.send(generated_digest(random, 2));
      EXPECT_EQ(result.outcome, Outcome::refused) << result.error;
      expect_one_line(result.error);
      EXPECT_NE(result.error.find("535"), std::string::npos) << result.error;
      EXPECT_EQ(result.error.find(password), std::string::npos) << result.error;
    }
  }
  EXPECT_TRUE(server.received().empty());
}

TEST(EmailChannel, RecipientRejectionsMapTo5xxRefusedAnd4xxTransient) {
  test::SmtpServerOptions options;
  options.reject_550 = {"ops3@farm.example.kz"};
  options.reject_451 = {"ops5@farm.example.kz"};
  test::SmtpServer server(options);
  CurlMailTransport transport;
  std::mt19937 random(21);
  struct Case {
    int recipients;
    Outcome outcome;
    std::string code;
  };
  for (const Case& c : {Case{4, Outcome::refused, "550"}, Case{6, Outcome::refused, "550"}}) {
    const Destination destination = email_destination(server.url(), c.recipients);
    EmailChannel channel(destination, transport);
    const DeliveryResult result = channel.send(generated_digest(random, 2));
    EXPECT_EQ(result.outcome, c.outcome) << result.error;
    expect_one_line(result.error);
    EXPECT_NE(result.error.find(c.code), std::string::npos) << result.error;
  }
  Destination only_451 = email_destination(server.url(), 0);
  only_451.to = {"ops1@farm.example.kz", "ops5@farm.example.kz"};
  EmailChannel channel(only_451, transport);
  const DeliveryResult result = channel.send(generated_digest(random, 2));
  EXPECT_EQ(result.outcome, Outcome::transient) << result.error;
  EXPECT_NE(result.error.find("451"), std::string::npos) << result.error;
  EXPECT_TRUE(server.received().empty());
}

TEST(EmailChannel, RepliesToTheEndOfDataMapByTheirClass) {
  std::mt19937 random(3);
  for (const auto& [reply, outcome] : std::vector<std::pair<std::string, Outcome>>{
           {"554 5.6.0 Message rejected as spam", Outcome::refused},
           {"552 5.3.4 Message too big", Outcome::refused},
           {"452 4.3.1 Insufficient system storage", Outcome::transient},
           {"421 4.3.2 Service shutting down", Outcome::transient}}) {
    test::SmtpServerOptions options;
    options.data_reply = reply;
    test::SmtpServer server(options);
    CurlMailTransport transport;
    const Destination destination = email_destination(server.url(), 2);
    EmailChannel channel(destination, transport);
    const DeliveryResult result = channel.send(generated_digest(random, 2));
    EXPECT_EQ(result.outcome, outcome) << reply << ": " << result.error;
    expect_one_line(result.error);
    EXPECT_NE(result.error.find(reply.substr(0, 3)), std::string::npos) << result.error;
  }
}

TEST(EmailChannel, NetworkFailuresAreTransient) {
  std::mt19937 random(4);
  CurlMailTransport transport(
      CurlMailOptions{.connect_timeout = 500ms, .timeout = 1500ms, .ca_file = {}});
  SilentServer silent;
  for (const int port : {closed_port(), silent.port()}) {
    Destination destination = email_destination("smtp://127.0.0.1:" + std::to_string(port), 1);
    destination.user = "kz-alerts";
    destination.secrets.password = "never-in-an-error-line";
    EmailChannel channel(destination, transport);
    const DeliveryResult result = channel.send(generated_digest(random, 1));
    EXPECT_EQ(result.outcome, Outcome::transient) << result.error;
    expect_one_line(result.error);
    EXPECT_EQ(result.error.find("never-in-an-error-line"), std::string::npos) << result.error;
  }
}

TEST(EmailChannel, AddressesThatCannotGoIntoAHeaderAreRefusedBeforeConnecting) {
  test::SmtpServer server;
  CurlMailTransport transport;
  std::mt19937 random(8);
  for (const std::string bad : {"ops@example.com\r\nBcc: x@evil.example", "<ops@example.com>",
                                "ops@example.com, other@example.com", "no-at-sign", ""}) {
    Destination to_bad = email_destination(server.url(), 1);
    to_bad.to.push_back(bad);
    Destination from_bad = email_destination(server.url(), 1);
    from_bad.from = bad;
    for (const Destination* destination : {&to_bad, &from_bad}) {
      EmailChannel channel(*destination, transport);
      const DeliveryResult result = channel.send(generated_digest(random, 1));
      EXPECT_EQ(result.outcome, Outcome::refused) << bad;
      expect_one_line(result.error);
    }
  }
  Destination nobody = email_destination(server.url(), 0);
  EmailChannel channel(nobody, transport);
  EXPECT_EQ(channel.send(generated_digest(random, 1)).outcome, Outcome::refused);
  EXPECT_TRUE(server.received().empty());
}

TEST(EmailChannel, StartTlsIsRequiredExceptToLoopbackHosts) {
  for (const std::string url :
       {"smtps://mail.example.com:465", "smtps://127.0.0.1:465", "SMTPS://localhost"}) {
    EXPECT_EQ(smtp_tls_for(url), SmtpTls::implicit) << url;
  }
  for (const std::string url : {"smtp://127.0.0.1:2525", "smtp://[::1]:25", "smtp://localhost",
                                "smtp://LocalHost:587/kzpool", "smtp://u@127.0.0.1:25"}) {
    EXPECT_EQ(smtp_tls_for(url), SmtpTls::starttls_if_offered) << url;
  }
  for (const std::string url :
       {"smtp://mail.example.com:587", "smtp://127.0.0.2:25", "smtp://localhost.example.com",
        "smtp://127.0.0.1.nip.io:25", "smtp://10.0.0.1", "not a url", "", "smtp://[::2]:25"}) {
    EXPECT_EQ(smtp_tls_for(url), SmtpTls::starttls_required) << url;
  }
}

}  // namespace
}  // namespace kz
